#pragma once
#include <string>

namespace photoscore {

// The CPU's model name from /proc/cpuinfo ("AMD EPYC 7763 64-Core
// Processor"), or "unknown": scaling numbers mean little without it.
std::string cpu_model();

}  // namespace photoscore
