#!/usr/bin/env bash
# Two nodes on one machine: photoscore under mpirun across two "nodes" that
# are this machine, each node's Open MPI daemon in its own UTS namespace
# (tests/e2e/two_node_agent.sh, Open MPI's rsh launcher agent), so that Open MPI
# sees two hosts: no shared memory between them, MPI_COMM_TYPE_SHARED gives a
# group per node, and TCP on loopback carries every message between them.
#
#   two_node.sh --photoscore BIN [--mpiexec mpirun] --photos DIR
#
# 1. The launch is two nodes: the plan names both hosts (half the ranks on
#    each), /run hosts lists both, the roles layout's group that spans them
#    gets its pixels by broadcast (/run pixels: the shared-memory window is
#    for a group on one node), and Open MPI's own log (btl_base_verbose)
#    shows tcp between the nodes, vader (shared memory) only within one,
#    and TCP connections to 127.0.0.1 only.
# 2. roles and farm at -np 4 and 6 with --read rank0 and workers: the JSONL
#    is byte-identical to thread mode's.
# 2b. The second node cannot see the output folder (an empty tmpfs over it):
#    the first node's lanes write their rows' JSONL lines themselves, rank 0
#    writes the second node's, with the same bytes and one stderr line.
# 3. A blind node: the second node's daemon gets a private mount namespace in
#    which the input folder is an empty tmpfs. --read rank0 still gives the
#    same bytes (only rank 0 reads); --read workers today gives error rows
#    for the photos the blind node's ranks were dealt (which shows the cover
#    works).
#
# READ_AUTO_CASES (on unless TWO_NODE_READ_AUTO=off in the environment) adds
# the cases of --read auto: auto joins the read modes of 2 (and /run read says the ranks read);
# on the blind node --read workers is refused at start (exit 2, the node
# named on stderr, no rows), and --read auto, and no --read at all, fall back
# to rank 0 reading, with one stderr line naming the node and the same
# bytes.
#
# Fails (never skips) without root or unshare: the namespaces need both.
source "$(dirname "$0")/common.sh"
e2e_args "two_node.sh --photoscore BIN [--mpiexec mpirun] --photos DIR" photoscore photos -- "$@"
e2e_keep_work=1

READ_AUTO_CASES=${TWO_NODE_READ_AUTO:-on}

agent=$e2e_dir/two_node_agent.sh
PY=$python
# The two nodes. Names that do not resolve: mpirun would start a daemon for
# a name that is this machine without the agent, as one node.
A=photoscore-node-a
B=photoscore-node-b

if [ "$(id -u)" -ne 0 ] || ! unshare --uts --mount true 2>/dev/null; then
  echo "FAIL: two_node needs root and unshare (util-linux) for the daemons' UTS and mount namespaces"
  exit 1
fi
for name in "$A" "$B"; do
  if getent hosts "$name" >/dev/null 2>&1; then
    echo "FAIL: $name resolves here ($(getent hosts "$name")): the test needs node names that do not"
    exit 1
  fi
done

# A few small photos of several formats: the launch is under test, not the
# scoring, and CI's budget is small.
mkdir "$work/photos"
for f in chelsea_dark.jpg chelsea_gray.jpg coffee_blurred.jpg rocket_420.jpg ROCKET_UPPER.JPG centered_disk.png \
  flat_gray.png tiny_3x2.png; do
  cp "$photos/$f" "$work/photos/" || { echo "FAIL: no $photos/$f"; exit 1; }
done
in=$work/photos
started=$SECONDS

"$photoscore" --mode threads --threads 2 --quiet --jsonl "$work/ref.jsonl" --h5 "$work/ref.h5" "$in" \
  >"$work/ref.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || [ "$(wc -l <"$work/ref.jsonl")" -ne 8 ]; then
  echo "FAIL: thread-mode reference: exit $rc"
  cat "$work/ref.out"
  exit 1
fi

# two_nodes NP LOG [photoscore options...]: photoscore on NP ranks, half on
# each node (rank 0 on $A), output in LOG.out and LOG.err, exit status in rc.
# Extra mpirun options in mca_extra (an array).
mca_extra=()
two_nodes() {
  local np=$1 log=$2
  shift 2
  printf '%s slots=%d\n%s slots=%d\n' "$A" $((np / 2)) "$B" $((np - np / 2)) >"$work/hosts"
  timeout 180 "$mpiexec" --hostfile "$work/hosts" -np "$np" --bind-to none \
    --mca plm_rsh_agent "$agent" --mca plm_rsh_no_tree_spawn 1 \
    --mca oob_tcp_if_include lo --mca btl_tcp_if_include lo --mca btl self,vader,tcp "${mca_extra[@]}" \
    "$photoscore" --threads 1 "$@" >"$log.out" 2>"$log.err"
  rc=$?
}

h5attr() {  # h5attr FILE NAME: a /run attribute as text, lists joined by commas
  "$PY" - "$1" "$2" <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    v = f["run"].attrs.get(sys.argv[2], "")
    if hasattr(v, "tolist") and not isinstance(v, (bytes, str)):
        v = ",".join(x.decode() if isinstance(x, bytes) else str(x) for x in v.tolist())
    print(v.decode() if isinstance(v, bytes) else v)
EOF
}

# The plan names both hosts, NP/2 ranks on the first (rank 0 among them).
# exit_0_as_threads WHAT LOG: the last two_nodes run exited 0 and wrote
# thread mode's JSONL bytes (LOG.jsonl); else its stderr's end.
exit_0_as_threads() {
  if [ "$rc" -eq 0 ] && cmp -s "$work/ref.jsonl" "$2.jsonl"; then
    pass "$1: exit 0, JSONL byte-identical to thread mode's"
  else
    fail "$1: exit $rc, or the JSONL differs"
    tail -5 "$2.err"
  fi
}

plan_on_two_hosts() {  # plan_on_two_hosts NP LOG
  local np=$1 log=$2
  [ "$(grep -c "^rank [0-9]* ($A):" "$log.out")" -eq $((np / 2)) ] &&
    [ "$(grep -c "^rank [0-9]* ($B):" "$log.out")" -eq $((np - np / 2)) ] &&
    grep -q "^rank 0 ($A):" "$log.out"
}

# Open MPI's choice of transport for each pair of ranks (btl_base_verbose):
# "[HOST:pid] mca: bml: Using BTL btl for send to [[job,1],R] on node NODE".
# Between the nodes only tcp, within a node vader. Open MPI logs a pair when
# it first sends, and not every pair of ranks talks (a roles member's parts
# go to its group's first member, not to rank 0): the pairs that did must
# include some within each node and some across.
transports_ok() {  # transports_ok NP LOG
  awk -v np="$1" '
    /mca: bml: Using [a-z]+ btl for send to/ {
      split($1, from, ":"); host = substr(from[1], 2)
      btl = $5; node = $NF
      if (btl == "self") next
      pairs++
      if (host != node && btl != "tcp") { print "between nodes: " $0; bad = 1 }
      if (host == node && btl != "vader") { print "within a node: " $0; bad = 1 }
      if (host != node) across++
    }
    /btl:tcp: now connected to/ { if ($(NF - 2) != "127.0.0.1,") { print "not loopback: " $0; bad = 1 } else tcp++ }
    END {
      if (across == 0) { print "no pair across the nodes in the log"; bad = 1 }
      if (pairs - across == 0) { print "no pair within a node in the log"; bad = 1 }
      if (pairs > np * (np - 1)) { print pairs " pairs in the log, more than " np " ranks have"; bad = 1 }
      if (tcp == 0) { print "no TCP connection in the log"; bad = 1 }
      exit bad
    }' "$2.err"
}

# --- 1 and 2: both layouts, -np 4 and 6, each read mode ----------------------
read_modes="rank0 workers"
[ "$READ_AUTO_CASES" = on ] && read_modes="rank0 workers auto"
for layout in roles farm; do
  for np in 4 6; do
    for read in $read_modes; do
      what="$layout -np $np --read $read on two nodes"
      log=$work/$layout.$np.$read
      mca_extra=()
      verbose=no
      if [ "$layout" = roles ] && [ "$np" = 4 ] && [ "$read" = rank0 ]; then
        mca_extra=(--mca btl_base_verbose 100)
        verbose=yes
      fi
      t0=$SECONDS
      two_nodes "$np" "$log" --layout "$layout" --read "$read" --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
      if [ "$rc" -ne 0 ]; then
        fail "$what: exit $rc"
        tail -5 "$log.err"
        continue
      fi
      if cmp -s "$work/ref.jsonl" "$log.jsonl"; then
        pass "$what: JSONL byte-identical to thread mode's ($((SECONDS - t0)) s)"
      else
        fail "$what: JSONL differs from thread mode's"
      fi
      if plan_on_two_hosts "$np" "$log" && [ "$(h5attr "$log.h5" hosts)" = "$A,$B" ]; then
        pass "$what: the plan puts $((np / 2)) ranks on $A and $((np - np / 2)) on $B; /run hosts = $A,$B"
      else
        fail "$what: the plan or /run hosts is not two nodes"
        grep "^rank" "$log.out"
      fi
      if [ "$read" = auto ]; then
        # Every node sees the folder: the ranks read their own photos.
        got=$(h5attr "$log.h5" read)
        case $got in
          *workers*) pass "$what: /run read = '$got' (the ranks read)" ;;
          *) fail "$what: /run read = '$got', want the ranks reading (workers)" ;;
        esac
      fi
      if [ "$layout" = roles ] && [ "$np" = 4 ]; then
        # One group of three analyzer ranks, one on $A and two on $B: no window across nodes.
        got=$(h5attr "$log.h5" pixels)
        if [ "$got" = broadcast ] && grep -q "^pixels .*: broadcast" "$log.out"; then
          pass "$what: the group spans the nodes, pixels go by broadcast (/run pixels)"
        else
          fail "$what: /run pixels = '$got', want broadcast (a group across nodes)"
        fi
      fi
      if [ "$verbose" = yes ]; then
        if transports_ok "$np" "$log"; then
          pass "$what: Open MPI uses tcp (127.0.0.1) between the nodes and vader only within one"
        else
          fail "$what: transports (btl_base_verbose) are not those of two nodes"
        fi
      fi
    done
  done
done

# --- leaders: rank 0 deals to a leader a node, each deals to its own node ------
for layout in farm roles; do
  what="$layout -np 6 --leaders on on two nodes"
  log=$work/leaders.$layout
  two_nodes 6 "$log" --layout "$layout" --leaders on --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
  exit_0_as_threads "$what" "$log"
  if grep -q "^rank 1 ($A): leader" "$log.out" && grep -q "^rank 3 ($B): leader" "$log.out"; then
    pass "$what: a leader on each node (ranks 1 and 3)"
  else
    fail "$what: the plan has no leader on each node"
    grep "^rank" "$log.out"
  fi
done

# --- the second node cannot see the output folder ------------------------------
# The lanes of the first node write their rows' JSONL lines themselves; the
# second node's see no such file (a node-local folder), so rank 0 writes
# theirs: the same bytes, one stderr line naming the node, and /run
# jsonl_lines saying who wrote what.
outdir=$work/out-blind
mkdir -p "$outdir"
export TWO_NODE_BLIND_HOST=$B TWO_NODE_BLIND_DIR=$outdir
for case in "farm 4" "roles 7"; do
  set -- $case
  what="$1 -np $2, $B cannot see the output folder"
  log=$outdir/$1.$2
  two_nodes "$2" "$log" --layout "$1" --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
  got=$(h5attr "$log.h5" jsonl_lines 2>/dev/null)
  if [ "$rc" -eq 0 ] && cmp -s "$work/ref.jsonl" "$log.jsonl" &&
    [ "$(grep -c "$B do not see the JSONL" "$log.err")" -eq 1 ] &&
    [[ "$got" == "each lane (1 of "*"), rank 0 for the others (not the same file on $B)" ]]; then
    pass "$what: the lanes of $A write, rank 0 writes for $B (/run jsonl_lines = '$got'), same bytes"
  else
    fail "$what: exit $rc, /run jsonl_lines '$got'; want 0, thread mode's bytes and one stderr line naming $B"
    tail -5 "$log.err"
  fi
done
unset TWO_NODE_BLIND_HOST TWO_NODE_BLIND_DIR

# --- 3: the second node cannot see the input folder -----------------------------
export TWO_NODE_BLIND_HOST=$B TWO_NODE_BLIND_DIR=$in
mca_extra=()
for layout in farm roles; do
  what="$layout -np 4 --read rank0, $B blind"
  log=$work/blind.$layout.rank0
  two_nodes 4 "$log" --layout "$layout" --read rank0 --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
  exit_0_as_threads "$what" "$log"
done

# rows_where_blind JSONL: every row is the reference's, or an error row for a
# file the blind node could not open; at least one is (the cover works) and
# at least one is not (the other node read its own).
rows_where_blind() {
  "$PY" - "$work/ref.jsonl" "$1" <<'EOF'
import json, sys
ref = open(sys.argv[1], "rb").read().splitlines()
got = open(sys.argv[2], "rb").read().splitlines()
if len(got) != len(ref):
    sys.exit(f"{len(got)} rows, want {len(ref)}")
blind = same = 0
for r, g in zip(ref, got):
    if g == r:
        same += 1
        continue
    row = json.loads(g)
    if row["status"] != "error" or "No such file" not in (row["error"] or ""):
        sys.exit(f"row differs and is not a file the blind node could not open: {g[:200]!r}")
    blind += 1
print(f"{blind} error rows from the blind node, {same} rows as thread mode's")
sys.exit(0 if blind > 0 and same > 0 else 1)
EOF
}

what="farm -np 4 --read workers, $B blind"
log=$work/blind.farm.workers
two_nodes 4 "$log" --layout farm --read workers --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
if [ "$READ_AUTO_CASES" = on ]; then
  # Refused before anything is written, naming the node.
  if [ "$rc" -eq 2 ] && grep -q "$B" "$log.err" && [ ! -s "$log.jsonl" ]; then
    pass "$what: refused at start (exit 2, $B named on stderr, no rows)"
  else
    fail "$what: exit $rc, want 2 with $B named on stderr and no rows"
    tail -5 "$log.err"
  fi
  for layout in farm roles; do
    for read in auto default; do
      what="$layout -np 4 --read $read, $B blind"
      log=$work/blind.$layout.$read
      option=(--read "$read")
      [ "$read" = default ] && option=()
      two_nodes 4 "$log" --layout "$layout" "${option[@]}" --jsonl "$log.jsonl" --h5 "$log.h5" "$in"
      got=$(h5attr "$log.h5" read 2>/dev/null)
      if [ "$rc" -eq 0 ] && cmp -s "$work/ref.jsonl" "$log.jsonl" && [ "$(grep -c "$B" "$log.err")" -eq 1 ] &&
        [[ "$got" == *rank0* ]]; then
        pass "$what: falls back to rank 0 reading (/run read = '$got', one stderr line), same bytes"
      else
        fail "$what: exit $rc, /run read '$got', $(grep -c "$B" "$log.err") stderr lines naming $B;" \
          "want 0, rank0, 1 and thread mode's bytes"
        tail -5 "$log.err"
      fi
    done
  done
else
  # Today: every photo dealt to the blind node's ranks is an error row.
  if [ "$rc" -eq 0 ] && summary=$(rows_where_blind "$log.jsonl"); then
    pass "$what: $summary (the tmpfs hides the folder from $B)"
  else
    fail "$what: exit $rc; $summary"
  fi
  echo "note: the --read auto cases are off (READ_AUTO_CASES in $0)"
fi

echo "two_node: $((SECONDS - started)) s of runs"
e2e_done "$checks two-node checks passed"
