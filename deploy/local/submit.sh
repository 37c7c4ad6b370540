#!/usr/bin/env bash
# Creates the topics and submits both jobs to the cluster of start.sh through Flink's REST API
# (sec cloud, sec edge with the job jar deploy/target/sec-job.jar). Settings: $SEC_CLUSTER_DIR/sec.properties
# (written here: the broker and the bundled models), then any --set KEY=VALUE given to this script.
# Prints the two job ids, also kept in $SEC_CLUSTER_DIR/jobs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cat > "$dir/sec.properties" <<PROPS
kafka.bootstrap-servers: 127.0.0.1:$kafka_port
models.dir: $repo/models/bundled
PROPS
sec=("$repo/sec")
"${sec[@]}" topics create --config "$dir/sec.properties" "$@" --partitions 4
: > "$dir/jobs"
for job in cloud edge; do
  out=$("${sec[@]}" "$job" --rest "http://127.0.0.1:$rest_port" --config "$dir/sec.properties" "$@")
  echo "$out"
  echo "$job $(sed -n 's/.*: job \([0-9a-f]*\)$/\1/p' <<< "$out" | head -1)" >> "$dir/jobs"
done
