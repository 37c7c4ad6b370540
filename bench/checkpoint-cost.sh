#!/bin/bash
# Checkpoint cost under real-time load: runs `sec demo` (both pipelines in one job, checkpoints every
# second), reads the Flink REST API's checkpoint statistics while it runs, prints their counts,
# end-to-end duration and state size, and the demo's caption figures.
# usage: bench/checkpoint-cost.sh OUTPREFIX CALLS [more sec demo options, e.g. --no-kv-cache-checkpoint, --unaligned-checkpoints]
set -u
out=$1; calls=$2; shift 2
cd "$(dirname "$0")/.."
./sec demo --calls "$calls" --linger-s 25 --summary "$out-summary.json" "$@" > "$out-demo.log" 2>&1 &
pid=$!
port=""
for i in $(seq 1 120); do port=$(grep -o "Flink web UI: http://127.0.0.1:[0-9]*" "$out-demo.log" | grep -o "[0-9]*$"); [ -n "$port" ] && break; sleep 1; done
while kill -0 $pid 2>/dev/null; do
  job=$(curl -s http://127.0.0.1:$port/jobs | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['jobs'][0]['id'])" 2>/dev/null)
  [ -n "$job" ] && curl -s http://127.0.0.1:$port/jobs/$job/checkpoints > $out-cp.json.tmp 2>/dev/null && [ -s $out-cp.json.tmp ] && mv $out-cp.json.tmp $out-cp.json
  [ -n "$job" ] && [ ! -s $out-cp-config.json ] && curl -s http://127.0.0.1:$port/jobs/$job/checkpoints/config > $out-cp-config.json 2>/dev/null
  sleep 3
done
python3 - $out <<'PY'
import json,sys
o=sys.argv[1]
d=json.load(open(o+'-cp.json')); s=json.load(open(o+'-summary.json'))
cfg=json.load(open(o+'-cp-config.json'))
print('config', {k: cfg.get(k) for k in ('mode','interval','unaligned_checkpoints')})
c=d['counts']; su=d['summary']
print('counts', c)
for k in ('end_to_end_duration','checkpointed_size','state_size'):
  if k in su: print(k, {q: su[k].get(q) for q in ('min','avg','p50','p95','max')})
print('summary', {k: s.get(k) for k in ('captions','utterances','p50_caption_latency_ms','p95_caption_latency_ms','job_restarts','duplicate_captions')})
PY
