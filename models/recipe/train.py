"""Trains the verifier (with the context encoder) and the drafter. Resumable: a checkpoint is
written after every epoch under the work directory and picked up on restart."""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import audio
import model
from tokenizer import BOS, EOS, LANG_TOKEN, PAD, Tokenizer

LANGS = ('en', 'zh')
FLOOR = float(np.log(audio.LOG_FLOOR))
# Augmentation: where speech sits in the window. The corpus has espeak-ng's fixed lead and tail
# padding; an endpointer cuts live audio with ~40 ms of lead-in and some tail of the silence after,
# which in a call is near-digital silence, not the line noise of the corpus.
AUG_KEEP = 0.3         # share of examples per epoch left as espeak-ng padded them
AUG_MIN_KEEP = 2       # frames of non-speech a crop keeps at least
AUG_MAX_PAD = 80       # frames (0.8 s) of background added before and after, at most
AUG_GAIN_DB = 6.0      # +- gain, a constant on the log-mel
GAP_SIGMA = 20.0       # the demo calls' gaps: N(0, 20^2) int16 noise, then G.711 (democalls.py)


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


def frame_db(mel):
    """Level of each 10 ms frame in dB (relative): total mel power."""
    return 10 * np.log10(np.exp(mel.astype(np.float64)).sum(axis=1))


def gap_noise(seed, seconds=60):
    """Log-mel frames of a call gap's background (democalls.py: N(0, sigma^2) int16 noise, G.711),
    sigma drawn per second around the calls' 20 (10-40) so the level is not one exact value."""
    rng = np.random.default_rng([seed, 20])
    sigma = np.repeat(GAP_SIGMA * 2 ** rng.uniform(-1, 1, seconds), audio.SAMPLE_RATE)
    x = np.clip(np.round(rng.standard_normal(sigma.size) * sigma), -32768, 32767).astype(np.int16)
    return audio.log_mel(audio.mulaw_decode(audio.mulaw_encode(x)).astype(np.float32) / 32768.0)


class Augmenter:
    """Per example and epoch, deterministic from (seed, epoch): crops the leading and trailing
    non-speech to anything between all of it and AUG_MIN_KEEP frames, adds 0-0.8 s of background
    before and after (frames of the recording's own line noise, call-gap noise, or both next to each
    other, as an endpointer cut of a call has), and a gain of +-6 dB on the recording. AUG_KEEP of
    the examples stay as they are, so quality on espeak-padded audio holds. Speech is the span from
    the first to the last frame 10 dB over the recording's floor (espeak-ng leads in with 0-0.1 s,
    trails 0.3-0.8 s)."""

    def __init__(self, data, seed):
        self.data, self.seed = data, seed
        self.gap = gap_noise(seed)
        self.spans, self.quiet = [], []
        for mel, _ in data:
            db = frame_db(mel)
            floor = np.percentile(db, 10)
            voiced = np.flatnonzero(db > floor + 10)  # line noise sits 22-40 dB below speech
            on, off = (int(voiced[0]), int(voiced[-1]) + 1) if voiced.size else (0, len(mel))
            self.spans.append((on, off))
            quiet = np.r_[0:on, off:len(mel)]  # the line noise before and after the speech
            self.quiet.append(quiet if quiet.size >= 5 else np.flatnonzero(db <= np.percentile(db, 10)))

    def plans(self, epoch):
        """One plan per example: None (as is) or (start, end, lead, tail, gain_db, kinds, subseed)."""
        rng = np.random.default_rng([self.seed, epoch, 1])
        out = []
        for (mel, _), (on, off) in zip(self.data, self.spans):
            if rng.random() < AUG_KEEP:
                out.append(None)
                continue
            keep = []
            for avail in (on, len(mel) - off):
                lo = min(AUG_MIN_KEEP, avail)
                hi = avail if rng.random() < 0.5 else min(avail, 10)  # half the time near the minimum
                keep.append(int(rng.integers(lo, hi + 1)))
            lead, tail = (int(v) for v in rng.integers(0, AUG_MAX_PAD + 1, 2))
            kinds = tuple(int(k) for k in rng.integers(0, 3, 2))   # 0 own, 1 gap, 2 own next to gap
            out.append((on - keep[0], off + keep[1], lead, tail, float(rng.uniform(-AUG_GAIN_DB, AUG_GAIN_DB)),
                        kinds, int(rng.integers(0, 2**31 - 1))))
        return out

    @staticmethod
    def length(mel, plan):
        return mel.shape[0] if plan is None else plan[1] - plan[0] + plan[2] + plan[3]

    def apply(self, i, plan):
        mel = self.data[i][0]
        if plan is None:
            return mel
        start, end, lead, tail, gain_db, kinds, subseed = plan
        rng = np.random.default_rng(subseed)
        shift = np.float32(gain_db * np.log(10) / 10)

        def own(n):
            return mel[rng.choice(self.quiet[i], n)] + shift

        def gap(n):
            o = int(rng.integers(0, len(self.gap) - n + 1))
            return self.gap[o:o + n]

        def background(n, kind, own_first):
            if kind < 2:
                return (own if kind == 0 else gap)(n)
            k = int(rng.integers(0, n + 1))
            parts = [own(k), gap(n - k)] if own_first else [gap(n - k), own(k)]
            return np.concatenate(parts)

        out = np.concatenate([background(lead, kinds[0], False), mel[start:end] + shift,
                              background(tail, kinds[1], True)])
        return np.maximum(out, np.float32(FLOOR))


def batches(data, batch_size, rng, augment=None, epoch=0):
    """Length-bucketed batches in a seeded random order; mel padded with the log floor (silence).
    With an Augmenter, each example is the epoch's augmented view of it."""
    plans = augment.plans(epoch) if augment else [None] * len(data)
    lengths = [Augmenter.length(m, p) for (m, _), p in zip(data, plans)]
    order = sorted(range(len(data)), key=lambda i: lengths[i])
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(groups)
    for g in groups:
        frames = max(lengths[i] for i in g)
        tokens = max(len(data[i][1]) for i in g)
        mel = np.full((len(g), frames, 40), FLOOR, dtype=np.float32)
        ids = np.full((len(g), tokens), PAD, dtype=np.int64)
        mel_len = np.zeros(len(g), dtype=np.int64)
        for j, i in enumerate(g):
            m = augment.apply(i, plans[i]) if augment else data[i][0]
            t = data[i][1]
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

    def run(self, data, batch_size, seed, log, augment=None):
        steps_per_epoch = (len(data) + batch_size - 1) // batch_size
        total = steps_per_epoch * self.epochs
        while self.epoch < self.epochs:
            rng = np.random.default_rng([seed, self.epoch])
            for m in self.modules:
                m.train()
            t0, losses = time.time(), []
            for step, (mel, enc_len, ids) in enumerate(batches(data, batch_size, rng, augment, self.epoch)):
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
    ap.add_argument('--no-augment', action='store_true', help='train on the corpus as espeak-ng padded it')
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
        args.work).run(data, 32, args.seed, log, None if args.no_augment else Augmenter(data, args.seed))

    torch.manual_seed(args.seed + 1)
    drafter = model.Drafter(vocab)

    def drafter_forward(mel, enc_len, ids):
        enc = drafter.encoder(mel)
        return drafter.decoder.teacher_forced(ids, enc, model.lengths_mask(enc_len, enc.shape[1]))

    subset = [data[i] for i in np.random.default_rng(args.seed).permutation(len(data))
              [:int(len(data) * args.drafter_fraction)]]
    Job('drafter', [drafter], drafter_forward, args.drafter_epochs, 2e-3,
        args.work).run(subset, 32, args.seed + 1, log,
                       None if args.no_augment else Augmenter(subset, args.seed + 1))
    torch.save({'context': context.state_dict(), 'verifier': verifier.state_dict(),
                'drafter': drafter.state_dict(), 'vocab': vocab},
               os.path.join(args.work, 'models.pt'))
    print('trained', flush=True)


if __name__ == '__main__':
    main()
