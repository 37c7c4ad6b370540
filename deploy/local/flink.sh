#!/usr/bin/env bash
# Flink's own command line (CliFrontend, what bin/flink runs) against the cluster of start.sh, e.g.
#   deploy/local/flink.sh run -d -c sec.jobs.CloudVerifyJob deploy/target/sec-job.jar --config FILE
#   deploy/local/flink.sh list
# `flink run` runs the job's main() here, so the client classpath holds the model runtimes too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -f $dir/conf/config.yaml ]] || { echo "no cluster configuration in $dir (run start.sh first)" >&2; exit 2; }
FLINK_CONF_DIR="$dir/conf" exec java "${flink_jvm_opts[@]}" -Dlog.file="$dir/log/client.log" \
  -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" -cp "$(classpath flink)" \
  org.apache.flink.client.cli.CliFrontend "$@"
