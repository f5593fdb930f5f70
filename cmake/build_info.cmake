# Writes build_info.hpp with the version and the git hash of the tree being
# built, at every build (not only at configure time), so the hash recorded in
# each HDF5 file names the code that produced it. configure_file rewrites the
# header only when its text changes, so unchanged builds recompile nothing.
# Inputs: SRC (source dir), IN (template), OUT (header), PROJECT_VERSION.
execute_process(
  COMMAND git describe --always --dirty --abbrev=12 --match=NoTagsPlease
  WORKING_DIRECTORY ${SRC}
  OUTPUT_VARIABLE PHOTOSCORE_GIT_HASH
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT PHOTOSCORE_GIT_HASH)
  set(PHOTOSCORE_GIT_HASH "unknown")
endif()
configure_file(${IN} ${OUT} @ONLY)
