#!/usr/bin/env bash
# Starts one more TaskManager for the cluster of start.sh (for example after one was killed):
#   deploy/local/taskmanager.sh NAME
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=${1:?usage: taskmanager.sh NAME}
start_taskmanager "$name"
# its own registration, not a count: a killed TaskManager may leave the count while this one joins
wait_for 180 "$name to register" grep -q "Successful registration at resource manager" "$dir/log/$name.log"
