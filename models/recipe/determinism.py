"""Checks that training is bit-deterministic: trains the verifier twice for one pass over the
held-out features (same seed, two threads) and compares the weights.
Usage: /usr/bin/python3 models/recipe/determinism.py [WORK_DIR]   (default .recipe-work)"""
import os
import sys

import numpy as np
import torch

import model
import train
from tokenizer import Tokenizer

WORK = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '.recipe-work')


def run():
    model.setup_torch(1234)
    tok = Tokenizer.load(os.path.join(WORK, 'tokenizer.json'))
    data = train.load_split(WORK, 'heldout', tok)
    ctx, ver = model.ContextEncoder(40, 160), model.Verifier(len(tok.vocab))
    opt = torch.optim.AdamW(list(ctx.parameters()) + list(ver.parameters()), lr=1e-3)
    loss = None
    for b in train.batches(data, 32, np.random.default_rng([1234, 0])):
        c = ctx.quantised(b['mel'], b['pitch'], b['prosody'])
        loss = train.caption_loss(ver.score(c, model.lengths_mask(b['enc_len'], c.shape[1]), b['ids']), b['ids'])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item(), [p.detach().clone() for p in list(ctx.parameters()) + list(ver.parameters())]


if __name__ == '__main__':
    a, wa = run()
    b, wb = run()
    same = all(torch.equal(x, y) for x, y in zip(wa, wb))
    print(f'final loss {a} / {b}; weights bit-identical: {same}')
    sys.exit(0 if same else 1)
