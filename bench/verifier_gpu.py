#!/usr/bin/env python3
"""Times the verifier's TorchScript forward pass at batch 1..64, where PyTorch (and a GPU) exist.

The same model file and inputs the cloud job's Verifier feeds through DJL: int8 acoustic context
[B, T, 16] with lengths, right-padded token ids [B, L] with lengths; one forward pass verifies B
blocks. Prints JSON with the keys `sec bench` uses (verifier_blocks_per_s_batch_N,
verifier_batch_speedup_32) plus the device and the per-batch latency.

  python3 bench/verifier_gpu.py [--model models/bundled/verifier/verifier.pt] [--device cuda|cpu]
                                [--seconds 4] [--context-steps 50] [--tokens 20] [--out FILE]
"""
import argparse
import json
import time

import torch


def inputs(batch, steps, tokens, vocab, device, seed=7):
    g = torch.Generator().manual_seed(seed)
    ctx = torch.randint(-127, 128, (batch, steps, 16), generator=g, dtype=torch.int8)
    ctx_len = torch.full((batch,), steps, dtype=torch.long)
    ids = torch.randint(6, vocab, (batch, tokens), generator=g, dtype=torch.long)
    ids[:, 0] = 2  # <bos>
    ids[:, 1] = 4  # <en>
    ids_len = torch.full((batch,), tokens, dtype=torch.long)
    return [t.to(device) for t in (ctx, ctx_len, ids, ids_len)]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="models/bundled/verifier/verifier.pt")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seconds", type=float, default=4.0, help="timed seconds per batch size")
    p.add_argument("--context-steps", type=int, default=50, help="80 ms steps of context (50 = a 4 s utterance)")
    p.add_argument("--tokens", type=int, default=20, help="prompt + committed prefix + block")
    p.add_argument("--vocab", type=int, default=157)
    p.add_argument("--batches", default="1,2,4,8,16,32,64")
    p.add_argument("--out")
    a = p.parse_args()
    device = torch.device(a.device)
    torch.set_grad_enabled(False)
    model = torch.jit.load(a.model, map_location=device).eval()
    result = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "context_steps": a.context_steps,
        "tokens": a.tokens,
    }
    per_batch = {}
    for b in [int(x) for x in a.batches.split(",")]:
        x = inputs(b, a.context_steps, a.tokens, a.vocab, device)
        for _ in range(10):  # warm-up (kernel selection, allocator)
            model(*x)
        sync(device)
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < a.seconds:
            out = model(*x)
            n += 1
        sync(device)
        elapsed = time.perf_counter() - start
        assert out.shape[0] == b and out.shape[1] == a.tokens, out.shape
        per_batch[b] = {"blocks_per_s": round(n * b / elapsed, 1), "ms_per_pass": round(1000 * elapsed / n, 3)}
        result["verifier_blocks_per_s_batch_%d" % b] = per_batch[b]["blocks_per_s"]
    if 1 in per_batch and 32 in per_batch:
        result["verifier_batch_speedup_32"] = round(per_batch[32]["blocks_per_s"] / per_batch[1]["blocks_per_s"], 2)
    result["ms_per_pass"] = {str(b): v["ms_per_pass"] for b, v in per_batch.items()}
    text = json.dumps(result, indent=2)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
