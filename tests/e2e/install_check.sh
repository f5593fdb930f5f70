#!/usr/bin/env bash
# cmake --install into a temporary prefix: the binary runs from there, the
# Slurm scripts, docs and modulefile are in place, and the modulefile (run
# through tclsh when there is one) points PATH at the installed binary.
#   install_check.sh --build DIR --version VERSION
source "$(dirname "$0")/common.sh"
e2e_args "install_check.sh --build DIR --version VERSION" build version -- "$@"
prefix=$work
cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; echo "FAIL: cmake --install"; exit 1; }
rm -f "$prefix.log"
for f in bin/photoscore share/photoscore/slurm/photoscore.sbatch share/photoscore/slurm/photoscore-array.sbatch \
  share/photoscore/slurm/merge_shards.py share/doc/photoscore/README.md share/doc/photoscore/hdf5.md \
  share/doc/photoscore/acting.md "share/photoscore/modulefiles/photoscore/$version"; do
  [ -e "$prefix/$f" ] && pass "$f" || fail "$f not installed"
done
[ -x "$prefix/share/photoscore/slurm/photoscore.sbatch" ] || fail "photoscore.sbatch is not executable"
out=$("$prefix/bin/photoscore" --version) && [ "${out#photoscore "$version"}" != "$out" ] \
  && pass "$prefix/bin/photoscore --version: $out" || fail "installed photoscore --version: $out"
# The installed binary decodes through its decoder helpers, which it starts
# as itself (/proc/self/exe): a TIFF goes to one.
mkdir "$prefix/in"
cp "$e2e_dir/../data/photos/rocket.tiff" "$prefix/in/"
"$prefix/bin/photoscore" --quiet --jsonl "$prefix/r.jsonl" --h5 "$prefix/r.h5" "$prefix/in" >/dev/null 2>"$prefix/err"
rc=$?
[ "$rc" = 0 ] && grep -q '"status":"ok"' "$prefix/r.jsonl" && pass "the installed binary decodes a TIFF in its helper" ||
  fail "installed photoscore on a TIFF: exit $rc: $(head -c 300 "$prefix/err") $(head -c 300 "$prefix/r.jsonl")"
# The modulefile's prefix comes from its own path: check it resolves to $prefix.
mf="$prefix/share/photoscore/modulefiles/photoscore/$version"
grep -q 'prepend-path PATH' "$mf" || fail "the modulefile sets no PATH"
if command -v tclsh >/dev/null; then
  got=$(printf 'set ModulesCurrentModulefile %s\nproc module-whatis args {}\nproc prepend-path {v p} {if {$v eq "PATH"} {puts $p}}\nproc setenv args {}\nsource %s\n' "$mf" "$mf" | tclsh)
  [ "$got" = "$prefix/bin" ] && pass "the modulefile puts $got on PATH" || fail "modulefile PATH: '$got', expected $prefix/bin"
fi
# The installed sbatch script finds the installed binary on PATH.
found=$(PATH="$prefix/bin:$PATH" bash -c 'unset PHOTOSCORE_BIN PHOTOSCORE; source <(sed -n "/^find_binary()/,/^}/p" "$1"); find_binary' _ \
  "$prefix/share/photoscore/slurm/photoscore.sbatch")
[ "$found" = "$prefix/bin/photoscore" ] && pass "photoscore.sbatch finds $found" || fail "photoscore.sbatch found '$found'"
e2e_done "install checks passed"
