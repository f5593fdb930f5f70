#!/usr/bin/env bash
# A Slurm cluster on this machine, of one node or more, for tests and demos.
#
#   slurm/local-cluster.sh start    munge key (created if missing), munged, slurm.conf, slurmctld, slurmd;
#                                   returns once the node(s) take jobs. Safe to run twice.
#   slurm/local-cluster.sh stop     stops slurmctld and slurmd (and munged, if this script started it)
#   slurm/local-cluster.sh status   daemons, sinfo and the node; exit 0 only when the cluster takes jobs
#
# Then:  sbatch slurm/photoscore.sbatch PHOTOS OUT   (squeue, scontrol show job ID, scancel as usual)
#
# Runs as root, with no systemd: the daemons are started directly (the state of
# a container is not kept across sessions, so every test calls `start`).
#
# The node declares LOCAL_SLURM_CPUS CPUs (default: max(8, 2 x nproc)) whatever
# the hardware has, and its partition shares CPUs between jobs
# (OverSubscribe=FORCE): jobs of 4 to 8 ranks fit on a 2-core machine. That is
# for testing the launch and the results, not for timings: a scaling study
# marks ranks x threads > nproc as oversubscribed (jobs/strong_scaling.sh).
#
# Settings (environment):
#   LOCAL_SLURM_CONF_DIR   where slurm.conf goes (default /etc/slurm, where sbatch/srun look without
#                          SLURM_CONF). An existing slurm.conf that this script did not write is never
#                          overwritten: start refuses instead.
#   LOCAL_SLURM_CPUS       CPUs the node declares (default max(8, 2 x nproc))
#   LOCAL_SLURM_MPI        MpiDefault (default pmix if Slurm has the plugin, else none)
#   LOCAL_SLURM_TIMEOUT    seconds to wait for the node to come up (default 60)
#   LOCAL_SLURM_NODES      nodes (default 1: this machine, under its own name). With N > 1 the nodes
#                          are local-node1 .. local-nodeN, each a slurmd of its own (slurmd -N NAME, its
#                          own port, spool folder and TmpFS) in a UTS namespace of its own whose hostname
#                          is the node's name, so that jobs (sbatch -N 2) and MPI see N hosts; each
#                          declares LOCAL_SLURM_CPUS CPUs. Needs unshare (util-linux). Starting with
#                          another count restarts the daemons.
set -euo pipefail

CONF_DIR="${LOCAL_SLURM_CONF_DIR:-/etc/slurm}"
CONF="$CONF_DIR/slurm.conf"
MARKER="# Written by photoscore slurm/local-cluster.sh"
STATE_DIR=/var/spool/slurmctld
SPOOL_DIR=/var/spool/slurmd
LOG_DIR=/var/log/slurm
RUN_DIR=/run/photoscore-local-cluster
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_KEY=/etc/munge/munge.key
MUNGE_SOCKET=/run/munge/munge.socket.2
MUNGE_PID=/run/munge/munged.pid
TIMEOUT="${LOCAL_SLURM_TIMEOUT:-60}"
NODE="$(hostname -s 2>/dev/null || hostname)"
PARTITION=local
NODES="${LOCAL_SLURM_NODES:-1}"
case "$NODES" in
  [1-9] | [1-9][0-9]) ;;
  *)
    echo "local-cluster: error: LOCAL_SLURM_NODES must be a whole number from 1 to 99, not '$NODES'" >&2
    exit 2
    ;;
esac
# The nodes' names: this machine's alone, or local-node1 .. local-nodeN (no
# such host resolves: slurmctld reaches every slurmd at 127.0.0.1 and its port).
NODE_NAMES=("$NODE")
if [ "$NODES" -gt 1 ]; then
  NODE_NAMES=()
  for i in $(seq 1 "$NODES"); do NODE_NAMES+=("local-node$i"); done
fi
FIRST_NODE_PORT=6821

export SLURM_CONF="$CONF"

say() { echo "local-cluster: $*"; }
die() {
  echo "local-cluster: error: $*" >&2
  exit 1
}

pid_alive() {  # pid_alive PIDFILE [NAME]: the daemon NAME (default: the file's, munged.pid -> munged) is alive
  local pid name state
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  name=${2:-$(basename "$1" .pid)}
  # A pid file left by a killed daemon may name a process that reused the pid.
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

need_root_and_tools() {
  [ "$(id -u)" -eq 0 ] || die "run as root (the daemons run as root and write /run, /var/spool, $CONF_DIR)"
  local t
  for t in munged munge unmunge slurmctld slurmd sinfo scontrol; do
    command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
      die "$t not found: install slurm-wlm and munge (scripts/install-deps.sh)"
  done
  export PATH="$PATH:/usr/sbin:/sbin"
}

# ---------------------------------------------------------------- munge ---

munge_ok() { [ -S "$MUNGE_SOCKET" ] && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  if [ ! -s "$MUNGE_KEY" ]; then
    say "creating a munge key in $MUNGE_KEY"
    mkdir -p "$(dirname "$MUNGE_KEY")"
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile="$MUNGE_KEY" --force
    else
      dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
    fi
  fi
  local user=root
  id munge >/dev/null 2>&1 && user=munge
  # munged insists on its own key, private; and on its directories.
  chown "$user:" "$MUNGE_KEY" && chmod 0400 "$MUNGE_KEY"
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown "$user:" /run/munge /var/lib/munge /var/log/munge
  chmod 0755 /run/munge
  chmod 0700 /var/log/munge
  if munge_ok; then
    return 0
  fi
  say "starting munged"
  rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock" "$MUNGE_PID"
  if [ "$user" = munge ]; then
    runuser -u munge -- munged --force
  else
    munged --force
  fi
  mkdir -p "$RUN_DIR"
  touch "$RUN_DIR/munged.started-here"
  local i
  for i in $(seq 1 50); do
    munge_ok && return 0
    sleep 0.2
  done
  die "munged did not come up (see /var/log/munge/munged.log)"
}

stop_munge() {
  [ -e "$RUN_DIR/munged.started-here" ] || return 0
  if pid_alive "$MUNGE_PID"; then
    say "stopping munged (pid $(cat "$MUNGE_PID"))"
    kill "$(cat "$MUNGE_PID")" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/munged.started-here"
}

# --------------------------------------------------------------- config ---

write_conf() {  # write_conf FILE
  local cpus mem mpi
  cpus="${LOCAL_SLURM_CPUS:-$(($(nproc) * 2 > 8 ? $(nproc) * 2 : 8))}"
  mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 9 / 10240))
  mpi="${LOCAL_SLURM_MPI:-}"
  if [ -z "$mpi" ]; then
    mpi=none
    local lib
    for lib in /usr/lib/*/slurm-wlm/mpi_pmix.so /usr/lib/slurm/mpi_pmix.so /usr/lib64/slurm/mpi_pmix.so; do
      [ -e "$lib" ] && mpi=pmix
    done
  fi
  local what daemon_files node_lines nodes i port
  if [ "$NODES" -eq 1 ]; then
    what="A single-node test cluster: node $NODE declares"
    daemon_files="SlurmdSpoolDir=$SPOOL_DIR
SlurmdPidFile=$SLURMD_PID
SlurmdLogFile=$LOG_DIR/slurmd.log"
    node_lines="NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN"
    nodes=$NODE
  else
    what="A test cluster of $NODES nodes on one machine (each a slurmd of its own, -N NAME, in a UTS
# namespace whose hostname is NAME): each declares"
    # %n: each slurmd its own files. TmpFS too: Slurm's PMIx plugin makes
    # its step folders there, by step id, and two nodes' would collide in /tmp.
    daemon_files="SlurmdSpoolDir=$SPOOL_DIR/%n
SlurmdPidFile=/run/slurmd-%n.pid
SlurmdLogFile=$LOG_DIR/slurmd-%n.log
TmpFS=$SPOOL_DIR/%n/tmp"
    mem=$((mem / NODES))
    node_lines=""
    for i in $(seq 1 "$NODES"); do
      port=$((FIRST_NODE_PORT + i - 1))
      node_lines+="NodeName=${NODE_NAMES[$((i - 1))]} NodeAddr=127.0.0.1 Port=$port CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN"$'\n'
    done
    node_lines=${node_lines%$'\n'}
    nodes="local-node[1-$NODES]"
  fi
  cat >"$1" <<EOF
$MARKER start|stop|status.
# $what $cpus CPUs (this machine has
# $(nproc) cores) and the partition shares them (OverSubscribe=FORCE), so jobs of
# several ranks fit on a small machine. Not for timings. Regenerated by every
# start; remove it with the cluster stopped to hand $CONF_DIR back.
ClusterName=photoscore-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE_DIR
SlurmctldPidFile=$CTLD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
$daemon_files
# No cgroups in a container: track processes through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# srun --mpi=pmix starts Open MPI ranks directly (mpirun works inside a job too).
MpiDefault=$mpi
SchedulerType=sched/backfill
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# The node's CPUs below are declared, not detected.
SlurmdParameters=config_overrides
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes (no accounting database here).
MinJobAge=600
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmctldTimeout=60
SlurmdTimeout=120
InactiveLimit=0
KillWait=10
$node_lines
PartitionName=$PARTITION Nodes=$nodes Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
}

# ------------------------------------------------------------- daemons ---

node_ok() {  # node_ok NAME: the controller answers and the node takes jobs
  local state
  state="$(sinfo -h -N -n "$1" -o %T 2>/dev/null | head -1)" || return 1
  case "$state" in
    idle | mixed | allocated | completing) return 0 ;;
    *) return 1 ;;
  esac
}

cluster_ok() {  # every node takes jobs
  local name
  for name in "${NODE_NAMES[@]}"; do node_ok "$name" || return 1; done
}

slurmd_pid_file() {  # slurmd_pid_file NAME
  if [ "$NODES" -eq 1 ]; then echo "$SLURMD_PID"; else echo "/run/slurmd-$1.pid"; fi
}

# Every slurmd pid file there may be: the single node's and the nodes' of a
# cluster of several (a start with another LOCAL_SLURM_NODES stops them all).
all_slurmd_pid_files() {
  local f
  for f in "$SLURMD_PID" /run/slurmd-local-node*.pid; do
    [ -e "$f" ] && echo "$f"
  done
  true
}

any_daemon_alive() {
  local f
  pid_alive "$CTLD_PID" && return 0
  for f in $(all_slurmd_pid_files); do pid_alive "$f" slurmd && return 0; done
  return 1
}

start_daemons() {
  mkdir -p "$STATE_DIR" "$SPOOL_DIR" "$LOG_DIR" "$RUN_DIR"
  if ! pid_alive "$CTLD_PID"; then
    rm -f "$CTLD_PID"
    say "starting slurmctld"
    slurmctld || die "slurmctld did not start (see $LOG_DIR/slurmctld.log)"
  fi
  local i
  for i in $(seq 1 $((TIMEOUT * 5))); do
    scontrol ping 2>/dev/null | grep -q "UP" && break
    sleep 0.2
  done
  scontrol ping 2>/dev/null | grep -q "UP" || die "slurmctld does not answer (see $LOG_DIR/slurmctld.log)"
  if [ "$NODES" -eq 1 ]; then
    if ! pid_alive "$SLURMD_PID"; then
      rm -f "$SLURMD_PID"
      say "starting slurmd"
      slurmd || die "slurmd did not start (see $LOG_DIR/slurmd.log)"
    fi
    return 0
  fi
  command -v unshare >/dev/null 2>&1 || die "unshare not found (util-linux): $NODES nodes need it"
  local name pid_file
  for name in "${NODE_NAMES[@]}"; do
    pid_file=$(slurmd_pid_file "$name")
    pid_alive "$pid_file" slurmd && continue
    rm -f "$pid_file"
    mkdir -p "$SPOOL_DIR/$name/tmp"
    say "starting slurmd for node $name"
    # Its own hostname, which the job's processes inherit: MPI and
    # photoscore's plan see one host per node. The daemon forks into the
    # background and stays in the namespace.
    unshare --uts -- sh -c 'hostname "$1" && exec slurmd -N "$1"' local-cluster "$name" ||
      die "slurmd for $name did not start (see $LOG_DIR/slurmd-$name.log)"
  done
}

wait_for_node() {
  local i state
  local name
  for i in $(seq 1 $((TIMEOUT * 2))); do
    cluster_ok && return 0
    for name in "${NODE_NAMES[@]}"; do
      state="$(sinfo -h -N -n "$name" -o %T 2>/dev/null | head -1)"
      case "$state" in
        down* | drain* | fail*) scontrol update NodeName="$name" State=RESUME >/dev/null 2>&1 || true ;;
      esac
    done
    sleep 0.5
  done
  sinfo -N -l >&2 || true
  die "node(s) ${NODE_NAMES[*]} did not become idle in ${TIMEOUT}s (see $LOG_DIR/slurmd*.log and $LOG_DIR/slurmctld.log)"
}

stop_daemons() {
  local f pid i name
  if pid_alive "$CTLD_PID"; then
    scontrol shutdown >/dev/null 2>&1 || true  # stops slurmctld and every slurmd
  fi
  for f in $(all_slurmd_pid_files) "$CTLD_PID"; do
    case $f in */slurmd*) name=slurmd ;; *) name=slurmctld ;; esac
    if ! pid_alive "$f" "$name"; then
      rm -f "$f"
      continue
    fi
    pid="$(cat "$f")"
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$i" -eq 10 ] && kill "$pid" 2>/dev/null
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    say "stopped $(basename "$f" .pid) (pid $pid)"
    rm -f "$f"
  done
}

# ---------------------------------------------------------------- verbs ---

cmd_start() {
  need_root_and_tools
  if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    die "$CONF exists and was not written by this script: not touching a real cluster's configuration" \
      "(set LOCAL_SLURM_CONF_DIR to use another folder)"
  fi
  start_munge
  mkdir -p "$CONF_DIR"
  local new
  new="$(mktemp)"
  write_conf "$new"
  if [ -e "$CONF" ] && cmp -s "$new" "$CONF" && cluster_ok; then
    rm -f "$new"
    say "already running (node(s) ${NODE_NAMES[*]}, $CONF)"
    return 0
  fi
  if [ -e "$CONF" ] && ! cmp -s "$new" "$CONF" && any_daemon_alive; then
    say "configuration changed: restarting the daemons"
    stop_daemons
  fi
  mv "$new" "$CONF"
  chmod 0644 "$CONF"
  start_daemons
  wait_for_node
  say "running: node(s) ${NODE_NAMES[*]}, partition $PARTITION, $CONF"
  [ "$CONF_DIR" = /etc/slurm ] || say "clients need: export SLURM_CONF=$CONF"
  sinfo
}

cmd_stop() {
  need_root_and_tools
  if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    die "$CONF was not written by this script: not stopping a real cluster"
  fi
  stop_daemons
  stop_munge
  say "stopped"
}

cmd_status() {
  local f rc=0
  local name
  for f in "$MUNGE_PID" "$CTLD_PID" $(for name in "${NODE_NAMES[@]}"; do slurmd_pid_file "$name"; done); do
    name=$(basename "$f" .pid)
    if pid_alive "$f" "${name%%-*}"; then
      echo "$name: running (pid $(cat "$f"))"
    else
      echo "$name: not running"
      rc=1
    fi
  done
  echo "config: $CONF"
  if pid_alive "$CTLD_PID"; then
    sinfo || rc=1
    cluster_ok || rc=1
  fi
  return "$rc"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart)
    cmd_stop
    cmd_start
    ;;
  *)
    sed -n '2,10s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
