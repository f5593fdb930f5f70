#!/bin/sh
# Open MPI's rsh launcher agent for two "nodes" on one machine (tests/e2e/two_node.sh):
#
#   mpirun --mca plm_rsh_agent tests/e2e/two_node_agent.sh --hostfile HOSTS ...
#
# mpirun runs `AGENT HOST COMMAND` for each host of the hostfile that is not
# this machine, as it would `ssh HOST COMMAND`; COMMAND starts that node's
# Open MPI daemon (orted), which starts the node's ranks. Here the daemon
# runs on this machine, in a UTS namespace of its own whose hostname is HOST:
# Open MPI 4.1 tells nodes apart by the daemon that started the ranks and the
# hostname it reports, so the ranks under each daemon are another node (no
# shared memory between them, MPI_COMM_TYPE_SHARED splits by node) and TCP
# carries their messages, on loopback (the mpirun line says
# oob_tcp_if_include lo and btl_tcp_if_include lo; the daemon inherits
# mpirun's environment, as it would not over ssh).
#
# TWO_NODE_BLIND_HOST and TWO_NODE_BLIND_DIR (environment): the daemon of
# that host also gets a mount namespace of its own in which DIR is covered
# by an empty tmpfs, so its ranks cannot see what is in DIR: a node that does
# not mount the input folder. The cover goes with the namespace when the
# daemon exits; the rest of the machine never sees it.
#
# Needs root (unshare, hostname, mount).
host=$1
shift
if [ -n "${TWO_NODE_BLIND_HOST:-}" ] && [ "$host" = "$TWO_NODE_BLIND_HOST" ]; then
  exec unshare --uts --mount --propagation private -- /bin/sh -c '
    mount -t tmpfs -o size=64k,mode=0755 photoscore-blind "$2" || exit 1
    hostname "$1" || exit 1
    shift 2
    exec /bin/sh -c "$*"' two_node_agent "$host" "$TWO_NODE_BLIND_DIR" "$@"
fi
exec unshare --uts -- /bin/sh -c '
  hostname "$1" || exit 1
  shift
  exec /bin/sh -c "$*"' two_node_agent "$host" "$@"
