#!/usr/bin/env bash
# Stops the cluster of start.sh: exactly the processes whose pids it recorded (TaskManagers
# first, then the JobManagers, ZooKeeper, the broker); data and logs stay in $SEC_CLUSTER_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
for f in "$dir"/pids/tm*.pid; do
  stop_process "$(basename "$f" .pid)"
done
stop_process jobmanager2 # the standby first, so it does not take over from the leader
stop_process jobmanager1
stop_process jobmanager # a cluster started before high availability
stop_process zookeeper
stop_process kafka
