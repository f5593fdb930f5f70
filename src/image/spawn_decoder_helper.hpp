#pragma once
// Starting one decoder helper process (decoder_helpers.hpp): the photoscore
// binary again, with kDecoderHelperArg, its end of a fresh socket and the
// shared file at the descriptors decoder_protocol.hpp names, and nothing
// else of its parent's.
#include <sys/types.h>

#include <string>

namespace photoscore::helper {

struct SpawnedHelper {
  pid_t pid = -1;
  int socket = -1;  // the parent's end of the helper's socket
};

// Starts `program` ("": /proc/self/exe) as a helper sharing `shared_fd`;
// throws DecodeError ("cannot start a decoder: ...") when it cannot.
SpawnedHelper spawn_decoder_helper(int shared_fd, const std::string& program);

}  // namespace photoscore::helper
