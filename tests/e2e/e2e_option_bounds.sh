#!/usr/bin/env bash
# Every option's bounds: each bad value is refused with exit 2 and
# one line on stderr, before any output file is made.
#   e2e_option_bounds.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_option_bounds.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"

# Each line: the options, then (after |) a word the message must hold.
while IFS='|' read -r args word; do
  [ -z "$args" ] && continue
  # shellcheck disable=SC2086  # the table's words are the arguments
  "$photoscore" --mode threads --quiet $args --jsonl "$work/r.jsonl" --h5 "$work/r.h5" "$photos" \
    >"$work/out" 2>"$work/err"
  rc=$?
  lines=$(wc -l <"$work/err")
  # A number is shown as it was given: never as 300 digits of the largest double.
  if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -q -- "$word" "$work/err" || [ "$(wc -c <"$work/err")" -gt 240 ]; then
    fail "$args: exit $rc, $lines stderr lines (want 2, 1 naming '$word'): $(head -c 300 "$work/err")"
  elif ls "$work" | grep -q 'r\.'; then
    fail "$args: refused, but an output file was made: $(ls "$work")"
  else
    pass "$args -> exit 2: $(cat "$work/err")"
  fi
  rm -f "$work"/r.*
done <<'TABLE'
--threads 100000|--threads
--threads 0|--threads
--threads -3|--threads
--threads abc|--threads
--max-megapixels 1e30|--max-megapixels
--max-megapixels nan|--max-megapixels
--max-megapixels inf|--max-megapixels
--max-megapixels 0|--max-megapixels
--max-megapixels -5|--max-megapixels
--max-images -1|--max-images
--max-images 1e30|--max-images
--max-images 99999999999999999999|--max-images
--shard 1/3000000000|--shard
--shard 0/0|--shard
--shard 3/3|--shard
--shard -1/3|--shard
--shard 1.5/3|--shard
--shard 1/3x|--shard
--shard 1e0/3|--shard
--shard 1/|--shard
--in-flight 0|--in-flight
--memory-budget nan|--memory-budget
--memory-budget -2|--memory-budget
--max-file-mb nan|--max-file-mb
--shared-mb nan|--shared-mb
--progress nan|--progress
--shared-mb -1|--shared-mb
--shared-mb 1e30|--shared-mb
--shared-mb 1.8e308|--shared-mb
--memory-budget 1e-7|less than 1 MB
--memory-budget 1.8e308|--memory-budget
--max-file-mb 1.8e308|--max-file-mb
--max-file-mb 0|--max-file-mb
--progress 1.8e308|--progress
--progress 0|--progress
--in-flight 100000|--in-flight
--weights 0,0,0|--weights
--weights -1,1,1|--weights
--weights nan,1,1|--weights
--weights inf,1,1|--weights
--weights 1e308,1e308,1e308|--weights
--weights 1,1|--weights
--weights sharpness=0,exposure=0,composition=0|--weights
--thresholds 1.5,0.3|--thresholds
--thresholds 0.5,-0.1|--thresholds
--thresholds 0.3,0.5|--thresholds
--thresholds nan,0.3|--thresholds
--thresholds 0.5|--thresholds
--analyzers sharpness,sharpness|--analyzers
--analyzers nosuch|--analyzers
--layout ring|--layout
--profile nosuch|--profile
--force --resume|--
--decode-timeout 0|--decode-timeout
--groups /dev/null/g.jsonl --burst-gap -1|--burst-gap
--groups /dev/null/g.jsonl --burst-gap nan|--burst-gap
--groups /dev/null/g.jsonl --burst-gap 1e30|--burst-gap
--groups /dev/null/g.jsonl --burst-distance 65|--burst-distance
--groups /dev/null/g.jsonl --duplicate-distance -1|--duplicate-distance
--burst-gap 1|--groups
--decode-timeout -1|--decode-timeout
--decode-timeout nan|--decode-timeout
--decode-timeout inf|--decode-timeout
--decode-timeout 1e9|--decode-timeout
--decoders sandbox|--decoders
TABLE

e2e_done "option bounds: every bad value refused"
