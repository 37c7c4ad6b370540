"""How much emotion the prosody vector alone carries: a small classifier (one hidden layer of 32) on
the utterance-level prosody statistics of the training split, scored on the held-out and unseen-voice
splits without a speaker baseline. It says what a model could reach from those statistics; the
models themselves also hear the log-mel and the pitch track.
Usage: prosody_probe.py --work W   (prints JSON; evaluate.py puts it in report.json)"""
import argparse
import json
import os

import numpy as np
import torch

import prosody
from emotions import EMOTIONS


def load(work, split, lang):
    base = os.path.join(work, f'{split}-{lang}')
    if not os.path.exists(base + '.jsonl'):
        return None, None
    with open(base + '.jsonl', encoding='utf-8') as f:
        y = np.array([EMOTIONS.index(json.loads(line)['emotion']) for line in f])
    stats = np.load(base + '-prosody.npy')
    return np.stack([prosody.with_baseline(s, None) for s in stats]), y


def probe(work, lang, seed=1234, steps=400):
    x, y = load(work, 'train', lang)
    mean, std = x.mean(0), x.std(0) + 1e-6
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(prosody.DIM, 32), torch.nn.GELU(), torch.nn.Linear(32, len(EMOTIONS)))
    opt = torch.optim.AdamW(net.parameters(), 1e-2, weight_decay=1e-2)

    def tensor(v):
        return torch.tensor((v - mean) / std, dtype=torch.float32)

    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(net(tensor(x)), torch.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    out = {}
    with torch.no_grad():
        for split in ('train', 'heldout', 'unseen'):
            xs, ys = load(work, split, lang)
            if xs is not None:
                out[split] = round(float((net(tensor(xs)).argmax(1).numpy() == ys).mean()) * 100, 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    print(json.dumps({lang: probe(args.work, lang) for lang in ('en', 'zh')}))


if __name__ == '__main__':
    main()
