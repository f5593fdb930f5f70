#pragma once
// One monotonic clock for the stages of a photo, whichever mode runs it, so
// that times taken on one thread and compared on another agree.
#include <chrono>

namespace photoscore {

inline double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace photoscore
