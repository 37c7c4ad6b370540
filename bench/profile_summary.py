#!/usr/bin/env python3
"""Summarises an async-profiler collapsed profile taken with `threads`:
./sec profile event=cpu,interval=2ms,threads,collapsed,file=/tmp/cpu.collapsed demo --calls 48 --fast
python3 bench/profile_summary.py /tmp/cpu.collapsed [THREAD_PREFIX]

Prints the share of samples per thread, then, for the threads whose name starts with THREAD_PREFIX
(default: the edge drafter, "speculative-drafter"), the share of samples under each part of the hot
path (inclusive: a frame anywhere in the stack) and the hottest leaf frames (self time).
"""
import collections
import re
import sys

PARTS = [
    ("ONNX Runtime run (native)", "ai/onnxruntime/OrtSession.run"),
    ("Drafter.feed (a decoder step)", "sec/inference/drafter/Drafter.feed"),
    ("BatchedDrafting (calls' blocks together)", "sec/inference/decode/BatchedDrafting"),
    ("  DecodeBatch set-up (padding caches, cross K/V)", "sec/inference/drafter/DecodeBatch.<init>"),
    ("  DecodeBatch.step (a batched decoder step)", "sec/inference/drafter/DecodeBatch.step"),
    ("  DecodeBatch.close (caches written back)", "sec/inference/drafter/DecodeBatch.close"),
    ("Drafter.sync (prefill after a verdict)", "sec/inference/drafter/Drafter.sync"),
    ("Drafter.encode (encoder + context)", "sec/inference/drafter/Drafter.encode"),
    ("tensor copies in (OnnxTensor.createTensor)", "OnnxTensor.createTensor"),
    ("page clearing (fresh memory, kernel)", "clear_page_erms"),
    ("tensor copies out (getFloatBuffer)", "getFloatBuffer"),
    ("log-mel (LogMel, RealFft)", "sec/inference/audio/LogMel"),
    ("HashMap (per-step input maps)", "java/util/HashMap"),
    ("Kafka sink writes", "KafkaWriter"),
    ("Avro", "org/apache/avro"),
    ("Flink keyed state", "org/apache/flink/runtime/state"),
    ("DJL / PyTorch (verifier)", "ai/djl"),
]


def thread_of(frame):
    name = frame.strip("[]").split(" tid=")[0]
    name = re.sub(r"\s*\(\d+/\d+\)#\d+$", "", name)  # Flink's " (1/1)#0"
    return re.sub(r"[-_ ]?\d+$", "", name)[:90]


def main():
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else "speculative-drafter"
    total = 0
    threads = collections.Counter()
    chosen = 0
    parts = collections.Counter()
    leaves = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, n = line.rstrip("\n").rsplit(" ", 1)
            n = int(n)
            frames = stack.split(";")
            total += n
            threads[thread_of(frames[0])] += n
            if frames[0].strip("[").startswith(prefix):
                chosen += n
                leaves[frames[-1]] += n
                for label, needle in PARTS:
                    if needle in stack:
                        parts[label] += n
    print(f"{total} samples")
    print("by thread:")
    for t, n in threads.most_common(12):
        print(f"  {100 * n / total:5.1f}%  {t}")
    if chosen:
        print(f"{prefix} threads: {chosen} samples ({100 * chosen / total:.1f}%); inclusive:")
        for label, _ in PARTS:
            if parts[label]:
                print(f"  {100 * parts[label] / chosen:5.1f}%  {label}")
        print("hottest leaves:")
        for leaf, n in leaves.most_common(8):
            print(f"  {100 * n / chosen:5.1f}%  {leaf[:100]}")


if __name__ == "__main__":
    main()
