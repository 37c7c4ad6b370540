#!/usr/bin/env bash
# The broker of start.sh: deploy/local/kafka.sh stop | start | restart (data kept).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
case "${1:-}" in
  stop) stop_process kafka ;;
  start) fresh_log kafka.log; start_kafka ;;
  restart) stop_process kafka; fresh_log kafka.log; start_kafka ;;
  *) echo "usage: kafka.sh stop|start|restart" >&2; exit 2 ;;
esac
