#!/usr/bin/env bash
# Starts one more TaskManager for the cluster of start.sh (for example after one was killed):
#   deploy/local/taskmanager.sh NAME
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=${1:?usage: taskmanager.sh NAME}
before=$(taskmanagers)
start_taskmanager "$name"
wait_for_taskmanagers $((before + 1))
