#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan) and runs each
# decoder's for PHOTOSCORE_FUZZ_SECONDS seconds (default 20) from its seed
# corpus in fuzz/corpus. Fails on the first crash, leak, timeout or
# sanitizer report; the reproducer is left in build-fuzz/ (crash-*, leak-*,
# timeout-*). Prints the executions each target managed.
# Usage: scripts/fuzz.sh [FORMAT...]     (default: jpeg png tiff webp bmp raw heif)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${PHOTOSCORE_FUZZ_SECONDS:-20}
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(jpeg png tiff webp bmp raw heif)

cmake -S fuzz -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j"$(nproc)"

summary=build-fuzz/fuzz_stats.txt
: >"$summary"
for format in "${formats[@]}"; do
  # A scratch corpus: what a run adds stays out of the source tree.
  corpus=build-fuzz/corpus/$format
  mkdir -p "$corpus"
  cp fuzz/corpus/"$format"/* "$corpus"/
  log=build-fuzz/fuzz_$format.log
  # -timeout: a single input running for seconds is a finding (a scan bomb);
  # -rss_limit_mb / -malloc_limit_mb: so is one asking for gigabytes.
  if ! (cd build-fuzz && ./fuzz_"$format" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -malloc_limit_mb=2048 -print_final_stats=1 "corpus/$format") >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz_$format: FAILED (log: $log)" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  echo "fuzz_$format: $runs executions in $seconds s, no findings" | tee -a "$summary"
done
