#!/usr/bin/env bash
# Messages that used to mislead, each checked word for word with its exit
# code: a misspelt option is named with the option it meant (not the folder
# after it), an unknown analyzer comes with the profile's analyzers, and an
# existing HTML page is refused with what --resume does to a page. CLI11's
# own message still stands where no option was misspelt.
#   e2e_messages.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_messages.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"

# expect WANT_RC WANT_STDERR ARGS...: stderr must be exactly WANT_STDERR.
expect() {
  local want_rc=$1 want=$2
  shift 2
  (cd "$work" && "$photoscore" --mode threads --quiet "$@" >"$work/out" 2>"$work/err")
  local rc=$?
  if [ "$rc" != "$want_rc" ] || [ "$(cat "$work/err")" != "$want" ]; then
    fail "$*: exit $rc (want $want_rc)"
    echo "  got:  $(cat "$work/err")"
    echo "  want: $want"
  else
    pass "$* -> exit $rc: $want"
  fi
}

expect 2 "photoscore: unknown option --recursve: did you mean --recursive? (see photoscore --help)" \
  --recursve "$photos"
expect 2 "photoscore: unknown option --analyzer: did you mean --analyzers? (see photoscore --help)" \
  --analyzer sharpness "$photos"
expect 2 "photoscore: unknown option --jsonll: did you mean --jsonl?; unknown option --xyzzy (see photoscore --help)" \
  --jsonll=x.jsonl --xyzzy "$photos"
# No option misspelt: a second folder is CLI11's to name.
expect 2 "photoscore: The following argument was not expected: $work (see photoscore --help)" "$photos" "$work"
expect 2 "photoscore: --analyzers: unknown analyzer 'blur'; the seed profile has sharpness, exposure, composition and color (see photoscore --help)" \
  --analyzers sharpness,blur "$photos"

# An existing page: refused whole, the page left as it was; the row files
# keep their own words.
echo "<p>mine</p>" >"$work/report.html"
expect 2 "photoscore: report.html already exists: --force replaces it, --resume makes it again from the kept rows and the new" \
  --report report.html --jsonl r.jsonl --h5 r.h5 "$photos"
if [ "$(cat "$work/report.html")" != "<p>mine</p>" ] || [ -e "$work/r.jsonl" ]; then
  fail "the refused run touched report.html or made r.jsonl"
fi
echo "{}" >"$work/r.jsonl"
expect 2 "photoscore: r.jsonl already exists: --force replaces it, --resume keeps its rows and scores the rest" \
  --jsonl r.jsonl --h5 r.h5 "$photos"

e2e_done "all messages as meant"
