#!/usr/bin/env bash
# MPI mode against thread mode, end to end: for each folder, the JSONL of
# `mpirun -np N photoscore` (N = 2, 3, 4, 5, 7; roles and farm layouts;
# --read rank0 and workers; 1 and 2 threads a rank) must be byte-identical to
# thread mode's, with the same exit status, every score in [0, 1] and the
# plan printed with the world size. -np 5 runs the four analyzers, so color
# gets a rank of its own. The roles layout's pixels go through the group's
# shared-memory window by default; with --read rank0 and 1 thread also with
# --shared-mb 4 (a window too small for the larger photos, which go by
# broadcast) and --shared-mb 0 (all by broadcast). --tcp-ranks runs the same
# matrix for those rank counts again over the network path (mpirun --mca btl
# self,tcp: what ranks on different nodes use), roles with --shared-mb 0, as
# a group across nodes would. --leader-ranks runs both layouts again with
# --leaders on (rank 1 leads the one node: rank 0 deals to it alone).
# --split-ranks runs roles with the three default analyzers on more analyzer
# ranks than analyzers (-np 5: sharpness taken by two ranks, a photo each in
# turn), where a member may answer a photo before the merging member has its
# batch (the rows must not depend on it). Then
# one rank is killed mid-run: the job must end non-zero, promptly, with the
# rows already written intact.
#
#   mpi_equivalence.sh --photoscore BIN [--mpiexec mpirun] [--np-flag -np] [--no-kill]
#                      [--max-images N] [--ranks "2 3 4 5 7"] [--tcp-ranks "3 7"] [--leader-ranks "4 7"]
#                      [--split-ranks "5"]
#                      DIR [[--max-images N] [--ranks ...] [--tcp-ranks ...] DIR]...
#
# --max-images, --ranks and --tcp-ranks apply to the folders after them, so a
# large folder can be cut down and a folder of bad files run on fewer rank
# counts (each run under mpirun takes seconds).
source "$(dirname "$0")/common.sh"
max_images=""
rank_counts="2 3 4 5 7"
tcp_counts=""
leader_counts=""
split_counts=""
kill_check=1
folders=()
folder_ranks=()
folder_tcp=()
folder_leaders=()
folder_split=()
folder_limits=()
# Its own arguments: the options for the folders after them, and the folders.
e2e_option() {
  case "$1" in
    --max-images) max_images=$2; e2e_used=2 ;;
    --ranks) rank_counts=$2; e2e_used=2 ;;
    --tcp-ranks) tcp_counts=$2; e2e_used=2 ;;
    --leader-ranks) leader_counts=$2; e2e_used=2 ;;
    --split-ranks) split_counts=$2; e2e_used=2 ;;
    --no-kill) kill_check=0; e2e_used=1 ;;
    -*) e2e_used=0 ;;
    *) folders+=("$1"); folder_ranks+=("$rank_counts"); folder_tcp+=("$tcp_counts"); folder_leaders+=("$leader_counts")
       folder_split+=("$split_counts")
       folder_limits+=("$max_images"); e2e_used=1 ;;
  esac
}
usage="mpi_equivalence.sh --photoscore BIN [--mpiexec mpirun] [--np-flag -np] [--no-kill] [OPTIONS] DIR..."
e2e_args "$usage" photoscore -- "$@"
if [ ${#folders[@]} -eq 0 ]; then
  echo "usage: $usage" >&2
  exit 2
fi
runs=0

four="sharpness,exposure,composition,color"

# Every *_score and quality_score is null (error rows) or within [0, 1].
scores_in_range() {
  awk '
    {
      line = $0
      while (match(line, /"[a-z_]*score": *(-?[0-9.eE+-]+|null)/)) {
        pair = substr(line, RSTART, RLENGTH)
        line = substr(line, RSTART + RLENGTH)
        sub(/^"[a-z_]*score": */, "", pair)
        if (pair != "null" && (pair + 0 < 0 || pair + 0 > 1)) { print FILENAME ": line " NR ": score " pair; bad = 1 }
      }
    }
    END { exit bad }' "$1"
}

for f in "${!folders[@]}"; do
  folder="${folders[$f]}"
  name=$(basename "$folder")
  limit=()
  [ -n "${folder_limits[$f]}" ] && limit=(--max-images "${folder_limits[$f]}")
  echo "== $folder"
  # Thread mode is the reference; its two thread counts must agree too.
  "$photoscore" --mode threads --threads 1 --quiet "${limit[@]}" --jsonl "$work/$name.t1.jsonl" \
    --h5 "$work/$name.t1.h5" "$folder" >"$work/out" 2>"$work/err"
  ref_rc=$?
  [ "$f" = 0 ] && ref_rc_first=$ref_rc
  if [ "$ref_rc" -gt 1 ]; then
    fail "$name: thread mode exited $ref_rc"; cat "$work/err"; continue
  fi
  "$photoscore" --mode threads --threads 2 --quiet "${limit[@]}" --jsonl "$work/$name.t2.jsonl" \
    --h5 "$work/$name.t2.h5" "$folder" >"$work/out" 2>"$work/err"
  cmp -s "$work/$name.t1.jsonl" "$work/$name.t2.jsonl" || fail "$name: thread mode, 1 and 2 threads differ"
  "$photoscore" --mode threads --threads 1 --quiet "${limit[@]}" --analyzers "$four" \
    --jsonl "$work/$name.color.jsonl" --h5 "$work/$name.color.h5" "$folder" >"$work/out" 2>"$work/err"
  scores_in_range "$work/$name.t1.jsonl" || fail "$name: thread mode score out of range"
  scores_in_range "$work/$name.color.jsonl" || fail "$name: thread mode (color) score out of range"
  rows=$(wc -l <"$work/$name.t1.jsonl")
  [ "$rows" -gt 0 ] || fail "$name: thread mode wrote no rows"

  # "np" over shared memory, "np:tcp" over the network path.
  runs_of_folder=""
  for np in ${folder_ranks[$f]}; do runs_of_folder+=" $np"; done
  for np in ${folder_tcp[$f]}; do runs_of_folder+=" $np:tcp"; done
  for run in $runs_of_folder; do
    np=${run%%:*}
    transport=()
    via=""
    if [ "$run" != "$np" ]; then
      transport=(--mca btl self,tcp)
      via=" over tcp"
    fi
    for layout in roles farm; do
      for read in rank0 workers; do
        for threads in 1 2; do
          # Threads split the analyzers' work inside a rank, whoever read
          # the photo: two threads are tried with the ranks reading.
          [ "$read" = rank0 ] && [ "$threads" = 2 ] && continue
          # How the roles layout's pixels travel: "default" (the window), or a --shared-mb value.
          pixel_runs="default"
          if [ "$layout" = roles ] && [ -n "$via" ]; then
            pixel_runs="0"
          elif [ "$layout" = roles ] && [ "$read" = rank0 ] && [ "$threads" = 1 ]; then
            pixel_runs="default 4 0"
          fi
          for pixels in $pixel_runs; do
            shared=()
            how=""
            if [ "$pixels" != default ]; then
              shared=(--shared-mb "$pixels")
              how=" --shared-mb $pixels"
            fi
            analyzers=()
            ref="$work/$name.t1.jsonl"
            if [ "$np" = 5 ]; then
              analyzers=(--analyzers "$four")
              ref="$work/$name.color.jsonl"
            fi
            out="$work/$name.np$np.$layout.$read.t$threads.s$pixels.jsonl"
            what="$name: -np $np --layout $layout --read $read --threads $threads$how$via"
            start=$SECONDS
            mpi_launch mpi "$np"
            timeout 300 "${mpi[@]}" "${transport[@]}" "$photoscore" --layout "$layout" \
              --read "$read" --threads "$threads" "${shared[@]}" --quiet "${limit[@]}" "${analyzers[@]}" --jsonl "$out" \
              --h5 "$work/mpi.h5" --force "$folder" >"$work/out" 2>"$work/err"
            rc=$?
            runs=$((runs + 1))
            if [ "$rc" != "$ref_rc" ]; then
              fail "$what: exit $rc, thread mode $ref_rc"; tail -5 "$work/err"
            elif ! cmp -s "$ref" "$out"; then
              fail "$what: JSONL differs from thread mode"; cmp "$ref" "$out" | head -1
            elif ! grep -q "world size $np, layout $layout" "$work/out"; then
              fail "$what: no plan with the world size on stdout"
            elif ! scores_in_range "$out"; then
              fail "$what: score out of range"
            else
              echo "ok   $what ($rows rows, $((SECONDS - start)) s)"
            fi
          done
        done
      done
    done
  done
done

# One more run of a folder against thread mode's JSONL: `what`, the plan
# line its stdout must hold (a grep pattern), -np, then photoscore's options.
plan_run() {
  local what=$1 plan=$2 np=$3 out="$work/plan_run.jsonl" start=$SECONDS rc
  shift 3
  mpi_launch mpi "$np"
  timeout 300 "${mpi[@]}" "$photoscore" "$@" --threads 1 --quiet "${limit[@]}" --jsonl "$out" \
    --h5 "$work/mpi.h5" --force "$folder" >"$work/out" 2>"$work/err"
  rc=$?
  runs=$((runs + 1))
  if ! cmp -s "$work/$name.t1.jsonl" "$out"; then
    fail "$what: exit $rc, JSONL differs from thread mode"; tail -5 "$work/err"
  elif ! grep -q "$plan" "$work/out"; then
    fail "$what: no \"$plan\" in the plan"
  else
    echo "ok   $what ($((SECONDS - start)) s)"
  fi
}

for f in "${!folders[@]}"; do
  folder="${folders[$f]}"
  name=$(basename "$folder")
  limit=()
  [ -n "${folder_limits[$f]}" ] && limit=(--max-images "${folder_limits[$f]}")
  # --leaders on: rank 0 deals to the node's leader, which deals to the rest.
  for np in ${folder_leaders[$f]}; do
    for layout in roles farm; do
      plan_run "$name: -np $np --layout $layout --leaders on" "^rank 1 .*: leader" "$np" --layout "$layout" --leaders on
    done
  done
  # Roles with a photo-split analyzer: the default three analyzers on more
  # analyzer ranks than analyzers.
  for np in ${folder_split[$f]}; do
    plan_run "$name: -np $np --layout roles, three analyzers" "shared by 2 ranks" "$np" --layout roles
  done
done

# Every run above had its lanes write their own JSONL lines (they see the
# file rank 0 opened); rank 0 writing every line, as for lanes that cannot,
# gives the same bytes.
folder="${folders[0]}"
name=$(basename "$folder")
limit=()
[ -n "${folder_limits[0]}" ] && limit=(--max-images "${folder_limits[0]}")
export PHOTOSCORE_JSONL_VIA_RANK0=1
for layout in roles farm; do
  plan_run "$name: -np 4 --layout $layout, rank 0 writes the lines" "JSONL lines written by rank 0" 4 --layout "$layout"
done
unset PHOTOSCORE_JSONL_VIA_RANK0

# A rank that dies must end the job: non-zero, no hang, rows intact. A run
# that ended before the kill reached it (a fast machine, a small folder) is
# tried again, and only a run whose rank was killed counts.
if [ "$kill_check" = 1 ]; then
  folder="${folders[0]}"
  name=$(basename "$folder")
  limit=()
  [ -n "${folder_limits[0]}" ] && limit=(--max-images "${folder_limits[0]}")
  out="$work/killed.jsonl"
  killed=0
  for attempt in 1 2 3 4 5; do
    rm -f "$out" "$work/killed.h5" "$work/killed.jsonl.meta"
    mpi_launch mpi 4
    timeout 120 "${mpi[@]}" "$photoscore" --threads 1 --in-flight 1 --quiet "${limit[@]}" \
      --jsonl "$out" --h5 "$work/killed.h5" "$folder" >"$work/out" 2>"$work/err" &
    launcher=$!
    victim=""
    found_at=0
    # Rank 2 is killed once rows are being written, or a second after it
    # started (rows come in blocks: a short run may write its first late).
    for tick in $(seq 1 400); do
      if [ -z "$victim" ]; then
        # $launcher is timeout; its child is mpirun, whose children are the ranks.
        for pid in $(ps -o pid= --ppid "$(ps -o pid= --ppid "$launcher" | head -1 | tr -d " ")" 2>/dev/null); do
          if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qx "OMPI_COMM_WORLD_RANK=2"; then
            victim=$pid
            found_at=$tick
          fi
        done
      fi
      if [ -n "$victim" ] && { [ -s "$out" ] || [ $((tick - found_at)) -ge 40 ]; }; then break; fi
      kill -0 "$launcher" 2>/dev/null || break
      sleep 0.025
    done
    if [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null; then
      killed=1
      killed_at=$SECONDS
      wait "$launcher"
      rc=$?
      if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
        fail "killed rank: the job exited $rc (want a failure, not success or a hang)"
      else
        # What the job promises after a kill: the rows up to the last seal
        # of the .meta, intact (lanes write their blocks in any order, so a
        # gap may follow them), and a --resume that ends with thread mode's
        # bytes.
        sealed=$(tr '\0' '\n' <"$out.meta" | awk '
          $1 == "row" && NF == 4 { pending += $2; next }
          $1 == "seal" && NF == 2 && length($2) == 32 { sealed += pending; pending = 0; next }
          NR > 2 { exit }
          END { print sealed + 0 }')
        if ! cmp -s <(head -c "$sealed" "$work/$name.t1.jsonl") <(head -c "$sealed" "$out"); then
          fail "killed rank: the $sealed bytes sealed are not thread mode's first $sealed bytes"
        else
          mpi_launch mpi 4
          timeout 300 "${mpi[@]}" "$photoscore" --threads 1 --quiet "${limit[@]}" --resume --jsonl "$out" \
            --h5 "$work/killed.h5" "$folder" >"$work/out" 2>"$work/err"
          resumed=$?
          if [ "$resumed" != "$ref_rc_first" ] || ! cmp -s "$work/$name.t1.jsonl" "$out"; then
            fail "killed rank: --resume after it exited $resumed and its JSONL is not thread mode's"
            tail -3 "$work/err"
          else
            echo "ok   killed rank 2: exit $rc after $((SECONDS - killed_at)) s, $sealed bytes sealed and intact, --resume completes them"
          fi
        fi
      fi
      break
    fi
    wait "$launcher"
    echo "note killed rank: try $attempt ended before rank 2 could be killed; again"
  done
  [ "$killed" = 1 ] || fail "killed rank: no run lasted long enough for rank 2 to be killed"
fi

e2e_done "$runs MPI runs, none failed"
