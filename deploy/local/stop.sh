#!/usr/bin/env bash
# Stops the cluster of start.sh: exactly the processes whose pids it recorded (TaskManagers
# first, then the JobManager, then the broker); data and logs stay in $SEC_CLUSTER_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
for f in "$dir"/pids/tm*.pid; do
  stop_process "$(basename "$f" .pid)"
done
stop_process jobmanager
stop_process kafka
