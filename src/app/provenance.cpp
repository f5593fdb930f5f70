#include "app/provenance.hpp"

#include <omp.h>

#include <cstdlib>
#include <string>

#include "analysis/avx2_dispatch.hpp"
#include "build_info.hpp"
#include "image/library_versions.hpp"
#include "output/hdf5_version.hpp"
#include "record/machine.hpp"

namespace photoscore {

namespace {

const char* bind_name(omp_proc_bind_t bind) {
  switch (bind) {
    case omp_proc_bind_false:
      return "false";
    case omp_proc_bind_true:
      return "true";
    case omp_proc_bind_master:
      return "master";
    case omp_proc_bind_close:
      return "close";
    case omp_proc_bind_spread:
      return "spread";
  }
  return "unknown";
}

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

void add_machine_provenance(RunInfo& info) {
  info.compiler = PHOTOSCORE_COMPILER;
  info.compiler_flags = PHOTOSCORE_CXX_FLAGS;
  info.hdf5_version = hdf5_library_version();
  info.libraries = image_library_versions();
  info.cpu_model = cpu_model();
  info.kernels = use_avx2() ? "avx2" : "portable";
  info.thread_binding = std::string("omp_get_proc_bind=") + bind_name(omp_get_proc_bind()) +
                        ", OMP_PROC_BIND=" + env_or("OMP_PROC_BIND", "unset") +
                        ", OMP_PLACES=" + env_or("OMP_PLACES", "unset");
}

}  // namespace photoscore
