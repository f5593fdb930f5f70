#include "image/spawn_decoder_helper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"
#include "image/decoder_protocol.hpp"

extern char** environ;

namespace photoscore::helper {

SpawnedHelper spawn_decoder_helper(int shared_fd, const std::string& program_name) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    throw DecodeError("cannot start a decoder: " + std::string(std::strerror(errno)));
  }
  const std::string program = program_name.empty() ? "/proc/self/exe" : program_name;
  const std::string parent = std::to_string(::getpid());
  // Above the helper's own descriptors, so that putting one in place (a
  // dup2 onto 3 or 4) cannot overwrite the other before it is placed.
  const int child_socket = ::fcntl(pair[1], F_DUPFD_CLOEXEC, kSharedFd + 1);
  const int child_shared = ::fcntl(shared_fd, F_DUPFD_CLOEXEC, kSharedFd + 1);
  ::close(pair[1]);
  if (child_socket < 0 || child_shared < 0) {
    const int e = errno;
    if (child_socket >= 0) ::close(child_socket);
    if (child_shared >= 0) ::close(child_shared);
    ::close(pair[0]);
    throw DecodeError("cannot start a decoder: " + std::string(std::strerror(e)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // stdout may be the dashboard or a pipe of the user's: a library's
  // chatter must not land there. stderr stays (a sanitizer's report).
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, child_socket, kSocketFd);
  posix_spawn_file_actions_adddup2(&actions, child_shared, kSharedFd);
  // Nothing else of ours: not the JSONL, not the output lock (a helper
  // outliving us must not hold it), not MPI's sockets.
  posix_spawn_file_actions_addclosefrom_np(&actions, kSharedFd + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string arg0 = "photoscore-decoder", arg1 = kDecoderHelperArg;
  char* argv[] = {arg0.data(), arg1.data(), const_cast<char*>(parent.c_str()), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(child_socket);
  ::close(child_shared);
  if (rc != 0) {
    ::close(pair[0]);
    throw DecodeError("cannot start a decoder (" + program + "): " + std::strerror(rc));
  }
  return {pid, pair[0]};
}

}  // namespace photoscore::helper
