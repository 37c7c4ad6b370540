"""Trains the verifier (with the context encoder) and the drafter. Resumable: a checkpoint is
written after every epoch under the work directory and picked up on restart."""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import model
from tokenizer import BOS, EOS, LANG_TOKEN, PAD, Tokenizer

LANGS = ('en', 'zh')


def load_split(work, split, tok):
    """Returns a list of (mel float32 [F, 40], ids int64 [n]) with ids = bos lang caption eos."""
    out = []
    for lang in LANGS:
        feats = np.load(os.path.join(work, f'{split}-{lang}.npz'))
        with open(os.path.join(work, f'{split}-{lang}.jsonl'), encoding='utf-8') as f:
            items = [json.loads(line) for line in f]
        for i, it in enumerate(items):
            ids = [BOS, LANG_TOKEN[lang]] + tok.encode(it['references'][0]) + [EOS]
            out.append((feats[f'arr_{i}'].astype(np.float32), np.array(ids, dtype=np.int64)))
    return out


def batches(data, batch_size, rng):
    """Length-bucketed batches in a seeded random order; mel padded with the log floor (silence)."""
    order = sorted(range(len(data)), key=lambda i: data[i][0].shape[0])
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(groups)
    for g in groups:
        frames = max(data[i][0].shape[0] for i in g)
        tokens = max(len(data[i][1]) for i in g)
        mel = np.full((len(g), frames, 40), np.log(1e-6), dtype=np.float32)
        ids = np.full((len(g), tokens), PAD, dtype=np.int64)
        mel_len = np.zeros(len(g), dtype=np.int64)
        for j, i in enumerate(g):
            m, t = data[i]
            mel[j, :m.shape[0]] = m
            ids[j, :len(t)] = t
            mel_len[j] = m.shape[0]
        yield torch.from_numpy(mel), torch.from_numpy((mel_len + 7) // 8), torch.from_numpy(ids)


def caption_loss(logits, ids):
    """Cross-entropy over caption tokens and eos; the prompt (bos, lang) is given, not predicted."""
    target = ids[:, 2:]
    pred = logits[:, 1:-1]
    return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), target.reshape(-1), ignore_index=PAD)


class Job:
    """One model's training: modules, optimiser, schedule, checkpoint."""

    def __init__(self, name, modules, forward, epochs, lr, work):
        self.name, self.modules, self.forward, self.epochs = name, modules, forward, epochs
        params = [p for m in modules for p in m.parameters()]
        self.opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        self.lr = lr
        self.ckpt = os.path.join(work, f'ckpt-{name}.pt')
        self.epoch = 0
        if os.path.exists(self.ckpt):
            state = torch.load(self.ckpt)
            for m, s in zip(modules, state['modules']):
                m.load_state_dict(s)
            self.opt.load_state_dict(state['opt'])
            self.epoch = state['epoch']
            print(f'[{name}] resumed after epoch {self.epoch}', flush=True)

    def run(self, data, batch_size, seed, log):
        steps_per_epoch = (len(data) + batch_size - 1) // batch_size
        total = steps_per_epoch * self.epochs
        while self.epoch < self.epochs:
            rng = np.random.default_rng([seed, self.epoch])
            for m in self.modules:
                m.train()
            t0, losses = time.time(), []
            for step, (mel, enc_len, ids) in enumerate(batches(data, batch_size, rng)):
                done = self.epoch * steps_per_epoch + step
                warm = min(1.0, (done + 1) / 200)
                decay = 0.5 * (1 + np.cos(np.pi * done / total))
                for g in self.opt.param_groups:
                    g['lr'] = self.lr * warm * (0.05 + 0.95 * decay)
                loss = caption_loss(self.forward(mel, enc_len, ids), ids)
                self.opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for m in self.modules for p in m.parameters()], 1.0)
                self.opt.step()
                losses.append(loss.item())
                if step % 50 == 0:
                    print(f'[{self.name}] epoch {self.epoch + 1} step {step}/{steps_per_epoch} '
                          f'loss {np.mean(losses[-50:]):.4f} {time.time() - t0:.0f}s', flush=True)
            self.epoch += 1
            torch.save({'modules': [m.state_dict() for m in self.modules],
                        'opt': self.opt.state_dict(), 'epoch': self.epoch}, self.ckpt)
            log.write(json.dumps({'model': self.name, 'epoch': self.epoch,
                                  'loss': float(np.mean(losses)), 'seconds': time.time() - t0}) + '\n')
            log.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--verifier-epochs', type=int, default=6)
    ap.add_argument('--drafter-epochs', type=int, default=2)
    ap.add_argument('--drafter-fraction', type=float, default=0.5,
                    help='share of the training set the drafter sees (it is briefly trained)')
    args = ap.parse_args()
    model.setup_torch(args.seed)
    tok = Tokenizer.load(os.path.join(args.work, 'tokenizer.json'))
    data = load_split(args.work, 'train', tok)
    vocab = len(tok.vocab)
    log = open(os.path.join(args.work, 'train-log.jsonl'), 'a')

    torch.manual_seed(args.seed)
    context, verifier = model.ContextEncoder(40, 160), model.Verifier(vocab)

    def verifier_forward(mel, enc_len, ids):
        ctx = context.quantised(mel)
        return verifier.score(ctx, model.lengths_mask(enc_len, ctx.shape[1]), ids)

    Job('verifier', [context, verifier], verifier_forward, args.verifier_epochs, 1e-3,
        args.work).run(data, 32, args.seed, log)

    torch.manual_seed(args.seed + 1)
    drafter = model.Drafter(vocab)

    def drafter_forward(mel, enc_len, ids):
        enc = drafter.encoder(mel)
        return drafter.decoder.teacher_forced(ids, enc, model.lengths_mask(enc_len, enc.shape[1]))

    subset = [data[i] for i in np.random.default_rng(args.seed).permutation(len(data))
              [:int(len(data) * args.drafter_fraction)]]
    Job('drafter', [drafter], drafter_forward, args.drafter_epochs, 2e-3,
        args.work).run(subset, 32, args.seed + 1, log)
    torch.save({'context': context.state_dict(), 'verifier': verifier.state_dict(),
                'drafter': drafter.state_dict(), 'vocab': vocab},
               os.path.join(args.work, 'models.pt'))
    print('trained', flush=True)


if __name__ == '__main__':
    main()
