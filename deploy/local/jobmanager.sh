#!/usr/bin/env bash
# Starts a JobManager of the cluster of start.sh again (for example after one was killed); it stands
# by until ZooKeeper elects it:
#   deploy/local/jobmanager.sh jobmanager1|jobmanager2
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=${1:?usage: jobmanager.sh jobmanager1|jobmanager2}
[[ $name == jobmanager1 || $name == jobmanager2 ]] || { echo "usage: jobmanager.sh jobmanager1|jobmanager2" >&2; exit 2; }
start_jobmanager "$name"
