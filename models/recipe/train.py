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
import callturns
import decode
import model
import prosody
from emotions import EMOTIONS
from tokenizer import BOS, EOS, LANG_TOKEN, PAD, Tokenizer

LANGS = ('en', 'zh')
FLOOR = float(np.log(audio.LOG_FLOOR))
# Augmentation: where speech sits in the window. The corpus has espeak-ng's fixed lead and tail
# padding; an endpointer cuts live audio with ~40 ms of lead-in and some tail of the silence after,
# which in a call is near-digital silence, not the line noise of the corpus. No gain augmentation:
# loudness is a cue (real gain in the corpus), and a random gain would make it unlearnable.
AUG_KEEP = 0.3         # share of examples per epoch left as espeak-ng padded them
AUG_MIN_KEEP = 2       # frames of non-speech a crop keeps at least
AUG_MAX_PAD = 80       # frames (0.8 s) of background added before and after, at most
GAP_SIGMA = 20.0       # the demo calls' gaps: N(0, 20^2) int16 noise, then G.711 (democalls.py)
# Speaker baseline: per example and epoch, the mean prosody of 0-3 of the speaker's other recordings
BASELINE_NONE = 0.4    # share of examples trained without a baseline (a caller's first utterance)
CUE_LABELS = {'pitch': ('low', 'mid', 'high'), 'pace': ('slow', 'moderate', 'fast'),
              'loud': ('soft', 'normal', 'loud'), 'variation': ('flat', 'normal', 'wide'),
              'pauses': ('none', 'pauses')}
AUX_WEIGHTS = {'emotion': 1.0, 'gender': 0.2, 'pitch': 0.3, 'pace': 0.3, 'loud': 0.3, 'variation': 0.3,
               'pauses': 0.3}
AUX_SCALE = 0.5        # auxiliary losses next to the caption loss
DISTILL = 1.0          # drafter: KL to the trained verifier's distribution at every caption position


class Example:
    """One recording: log-mel, pitch track, prosody stats (no baseline part), caption ids, labels."""
    __slots__ = ('mel', 'track', 'stats', 'ids', 'labels', 'speaker', 'lang')

    def __init__(self, mel, track, stats, ids, labels, speaker, lang):
        self.mel, self.track, self.stats, self.ids = mel, track, stats, ids
        self.labels, self.speaker, self.lang = labels, speaker, lang


def labels_of(item):
    out = {'emotion': EMOTIONS.index(item['emotion']), 'gender': int(item['gender'] == 'male')}
    out.update({k: CUE_LABELS[k].index(item['cues'][k]) for k in CUE_LABELS})
    return out


def load_split(work, split, tok, langs=LANGS):
    """Every recording of a split, both languages, with ids = bos lang caption eos."""
    out = []
    for lang in langs:
        base = os.path.join(work, f'{split}-{lang}')
        feats, tracks = np.load(base + '.npz'), np.load(base + '-pitch.npz')
        stats = np.load(base + '-prosody.npy')
        with open(base + '.jsonl', encoding='utf-8') as f:
            items = [json.loads(line) for line in f]
        for i, it in enumerate(items):
            ids = [BOS, LANG_TOKEN[lang]] + tok.encode(it['references'][0]) + [EOS]
            out.append(Example(feats[f'arr_{i}'].astype(np.float32), tracks[f'arr_{i}'].astype(np.float32),
                               stats[i], np.array(ids, dtype=np.int64), labels_of(it),
                               it.get('speaker', it['id']), lang))
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
    non-speech to anything between all of it and AUG_MIN_KEEP frames and adds 0-0.8 s of background
    before and after (frames of the recording's own line noise, call-gap noise, or both next to each
    other, as an endpointer cut of a call has); the pitch track gets unvoiced frames there. AUG_KEEP
    of the examples stay as they are. Speech is the span from the first to the last frame 10 dB over
    the recording's floor (espeak-ng leads in with 0-0.1 s, trails 0.3-0.8 s)."""

    def __init__(self, data, seed):
        self.data, self.seed = data, seed
        self.gap = gap_noise(seed)
        self.spans, self.quiet = [], []
        for ex in data:
            db = frame_db(ex.mel)
            floor = np.percentile(db, 10)
            voiced = np.flatnonzero(db > floor + 10)  # line noise sits 22-40 dB below speech
            on, off = (int(voiced[0]), int(voiced[-1]) + 1) if voiced.size else (0, len(ex.mel))
            self.spans.append((on, off))
            quiet = np.r_[0:on, off:len(ex.mel)]  # the line noise before and after the speech
            self.quiet.append(quiet if quiet.size >= 5 else np.flatnonzero(db <= np.percentile(db, 10)))

    def plans(self, epoch):
        """One plan per example: None (as is) or (start, end, lead, tail, kinds, subseed)."""
        rng = np.random.default_rng([self.seed, epoch, 1])
        out = []
        for ex, (on, off) in zip(self.data, self.spans):
            if rng.random() < AUG_KEEP:
                out.append(None)
                continue
            keep = []
            for avail in (on, len(ex.mel) - off):
                lo = min(AUG_MIN_KEEP, avail)
                hi = avail if rng.random() < 0.5 else min(avail, 10)  # half the time near the minimum
                keep.append(int(rng.integers(lo, hi + 1)))
            lead, tail = (int(v) for v in rng.integers(0, AUG_MAX_PAD + 1, 2))
            kinds = tuple(int(k) for k in rng.integers(0, 3, 2))   # 0 own, 1 gap, 2 own next to gap
            out.append((on - keep[0], off + keep[1], lead, tail, kinds, int(rng.integers(0, 2**31 - 1))))
        return out

    @staticmethod
    def length(ex, plan):
        return ex.mel.shape[0] if plan is None else plan[1] - plan[0] + plan[2] + plan[3]

    def apply(self, i, plan):
        """(mel, pitch track) of example i under the plan."""
        ex = self.data[i]
        if plan is None:
            return ex.mel, ex.track
        start, end, lead, tail, kinds, subseed = plan
        rng = np.random.default_rng(subseed)
        mel = ex.mel

        def own(n):
            return mel[rng.choice(self.quiet[i], n)]

        def gap(n):
            o = int(rng.integers(0, len(self.gap) - n + 1))
            return self.gap[o:o + n]

        def background(n, kind, own_first):
            if kind < 2:
                return (own if kind == 0 else gap)(n)
            k = int(rng.integers(0, n + 1))
            parts = [own(k), gap(n - k)] if own_first else [gap(n - k), own(k)]
            return np.concatenate(parts)

        out = np.concatenate([background(lead, kinds[0], False), mel[start:end],
                              background(tail, kinds[1], True)])
        track = np.concatenate([np.zeros((lead, 2), np.float32), ex.track[start:end],
                                np.zeros((tail, 2), np.float32)])
        return np.maximum(out, np.float32(FLOOR)), track


class Baselines:
    """Per example and epoch, deterministic from (seed, epoch): the prosody vector with a speaker
    baseline from 1-3 of the speaker's other recordings, or none (BASELINE_NONE of the time, and
    always for a speaker with one recording)."""

    def __init__(self, data, seed):
        self.data, self.seed = data, seed
        self.by_speaker = {}
        for i, ex in enumerate(data):
            self.by_speaker.setdefault(ex.speaker, []).append(i)

    def vectors(self, epoch):
        rng = np.random.default_rng([self.seed, epoch, 2])
        out = []
        for i, ex in enumerate(self.data):
            others = [j for j in self.by_speaker[ex.speaker] if j != i]
            if not others or rng.random() < BASELINE_NONE:
                out.append(prosody.with_baseline(ex.stats, None))
                continue
            b = prosody.SpeakerBaseline()
            for j in rng.choice(others, int(rng.integers(1, min(3, len(others)) + 1)), replace=False):
                b.add(self.data[j].stats)
            out.append(prosody.with_baseline(ex.stats, b.value()))
        return out


def plain_vectors(data):
    return [prosody.with_baseline(ex.stats, None) for ex in data]


def batches(data, batch_size, rng, augment=None, epoch=0, baselines=None):
    """Length-bucketed batches in a seeded random order; mel padded with the log floor (silence),
    the pitch track with unvoiced frames. With an Augmenter, each example is the epoch's augmented
    view of it; with Baselines, its prosody vector has the epoch's speaker baseline."""
    plans = augment.plans(epoch) if augment else [None] * len(data)
    vectors = baselines.vectors(epoch) if baselines else plain_vectors(data)
    lengths = [Augmenter.length(ex, p) for ex, p in zip(data, plans)]
    order = sorted(range(len(data)), key=lambda i: lengths[i])
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(groups)
    for g in groups:
        frames = max(lengths[i] for i in g)
        tokens = max(len(data[i].ids) for i in g)
        mel = np.full((len(g), frames, 40), FLOOR, dtype=np.float32)
        track = np.zeros((len(g), frames, 2), dtype=np.float32)
        ids = np.full((len(g), tokens), PAD, dtype=np.int64)
        mel_len = np.zeros(len(g), dtype=np.int64)
        for j, i in enumerate(g):
            m, t = augment.apply(i, plans[i]) if augment else (data[i].mel, data[i].track)
            mel[j, :m.shape[0]] = m
            track[j, :t.shape[0]] = t
            ids[j, :len(data[i].ids)] = data[i].ids
            mel_len[j] = m.shape[0]
        labels = {k: torch.tensor([data[i].labels[k] for i in g]) for k in model.AuxHeads.SIZES}
        yield {'mel': torch.from_numpy(mel), 'pitch': torch.from_numpy(track),
               'prosody': torch.tensor(np.stack([vectors[i] for i in g]), dtype=torch.float32),
               'enc_len': torch.from_numpy((mel_len + 7) // 8 + 1), 'ids': torch.from_numpy(ids),
               'labels': labels}


def caption_loss(logits, ids):
    """Cross-entropy over caption tokens and eos; the prompt (bos, lang) is given, not predicted."""
    target = ids[:, 2:]
    pred = logits[:, 1:-1]
    return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), target.reshape(-1), ignore_index=PAD)


def aux_loss(heads, states, mask, labels):
    out = heads(states, mask)
    return sum(AUX_WEIGHTS[k] * F.cross_entropy(out[k], labels[k]) for k in out)


def distill_loss(student, teacher, ids):
    """KL(teacher || student) over the caption positions (prompt excluded, padding masked)."""
    keep = (ids[:, 2:] != PAD).float()
    t = torch.log_softmax(teacher[:, 1:-1], dim=-1)
    s = torch.log_softmax(student[:, 1:-1], dim=-1)
    kl = (t.exp() * (t - s)).sum(-1)
    return (kl * keep).sum() / keep.sum()


def prosody_norm(data):
    """Mean and std of the prosody vectors the training set shows (with and without baselines)."""
    vecs = np.stack(Baselines(data, 0).vectors(0) + plain_vectors(data))
    return torch.tensor(vecs.mean(0), dtype=torch.float32), torch.tensor(vecs.std(0) + 1e-3, dtype=torch.float32)


class Job:
    """One model's training: modules, optimiser, schedule, checkpoint, and a probe of held-out
    emotion accuracy after every epoch (in the log, to see where a long run is going)."""

    def __init__(self, name, modules, loss, epochs, lr, work, probe=None):
        self.name, self.modules, self.loss, self.epochs, self.probe = name, modules, loss, epochs, probe
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

    def run(self, data, batch_size, seed, log, augment=None, baselines=None):
        steps_per_epoch = (len(data) + batch_size - 1) // batch_size
        total = steps_per_epoch * self.epochs
        while self.epoch < self.epochs:
            rng = np.random.default_rng([seed, self.epoch])
            for m in self.modules:
                m.train()
            t0, losses = time.time(), []
            for step, batch in enumerate(batches(data, batch_size, rng, augment, self.epoch, baselines)):
                done = self.epoch * steps_per_epoch + step
                warm = min(1.0, (done + 1) / 200)
                decay = 0.5 * (1 + np.cos(np.pi * done / total))
                for g in self.opt.param_groups:
                    g['lr'] = self.lr * warm * (0.05 + 0.95 * decay)
                loss, parts = self.loss(batch)
                self.opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for m in self.modules for p in m.parameters()], 1.0)
                self.opt.step()
                losses.append([loss.item()] + parts)
                if step % 50 == 0:
                    print(f'[{self.name}] epoch {self.epoch + 1} step {step}/{steps_per_epoch} '
                          f'loss {" ".join(f"{v:.4f}" for v in np.mean(losses[-50:], axis=0))} '
                          f'{time.time() - t0:.0f}s', flush=True)
            self.epoch += 1
            torch.save({'modules': [m.state_dict() for m in self.modules],
                        'opt': self.opt.state_dict(), 'epoch': self.epoch}, self.ckpt)
            entry = {'model': self.name, 'epoch': self.epoch, 'loss': float(np.mean([l[0] for l in losses])),
                     'seconds': round(time.time() - t0, 1)}
            if self.probe:
                for m in self.modules:
                    m.eval()
                entry['probe'] = self.probe()
            print(json.dumps(entry), flush=True)
            log.write(json.dumps(entry) + '\n')
            log.flush()


def probe_set(work, tok, n=64):
    """The first n held-out recordings per language, without a baseline, for the epoch probes."""
    out = []
    for lang in LANGS:
        out += load_split(work, 'heldout', tok, (lang,))[:n]
    return out


def emotion_hits(texts, data):
    lexicon = callturns.emotion_lexicon()
    return [callturns.named_emotion(t, lexicon) == EMOTIONS[ex.labels['emotion']] for t, ex in zip(texts, data)]


def head_accuracy(heads, states, mask, data):
    out = heads(states, mask)['emotion'].argmax(1).numpy()
    return float(np.mean([o == ex.labels['emotion'] for o, ex in zip(out, data)]) * 100)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--verifier-epochs', type=int, default=8)
    ap.add_argument('--drafter-epochs', type=int, default=6)
    ap.add_argument('--no-augment', action='store_true', help='train on the corpus as espeak-ng padded it')
    ap.add_argument('--context-dim', type=int, default=model.CONTEXT_DIM,
                    help='int8 values per 80 ms context frame (the uplink is 12.5 frames/s of them)')
    args = ap.parse_args()
    model.setup_torch(args.seed)
    tok = Tokenizer.load(os.path.join(args.work, 'tokenizer.json'))
    data = load_split(args.work, 'train', tok)
    probe = probe_set(args.work, tok)
    vocab = len(tok.vocab)
    log = open(os.path.join(args.work, 'train-log.jsonl'), 'a')
    mean, std = prosody_norm(data)

    torch.manual_seed(args.seed)
    context = model.ContextEncoder(40, 160, args.context_dim)
    verifier = model.Verifier(vocab, context_dim=args.context_dim)
    v_heads = model.AuxHeads(verifier.inp.out_features)
    for emb in (context.prosody,):
        emb.prosody_mean.copy_(mean)
        emb.prosody_std.copy_(std)

    def verifier_states(batch):
        ctx = context.quantised(batch['mel'], batch['pitch'], batch['prosody'])
        mask = model.lengths_mask(batch['enc_len'], ctx.shape[1])
        logits, enc = verifier.score_states(ctx, mask, batch['ids'])
        return logits, enc, mask

    def verifier_loss(batch):
        logits, enc, mask = verifier_states(batch)
        cap = caption_loss(logits, batch['ids'])
        aux = aux_loss(v_heads, enc, mask, batch['labels'])
        return cap + AUX_SCALE * aux, [cap.item(), aux.item()]

    @torch.no_grad()
    def verifier_probe():
        res = {}
        for lang in LANGS:
            part = [ex for ex in probe if ex.lang == lang]
            batch = next(batches(part, len(part), np.random.default_rng(0)))
            ctx = context(batch['mel'], batch['pitch'], batch['prosody'])
            _, enc, mask = verifier_states(batch)
            texts = [tok.decode(o) for o in decode.verifier_greedy(model.VerifierExport(verifier), ctx,
                                                                   batch['enc_len'], [lang] * len(part))]
            # batches() sorts by length: realign the examples with the batch's order
            order = sorted(range(len(part)), key=lambda i: part[i].mel.shape[0])
            ordered = [part[i] for i in order]
            res[lang] = {'head': round(head_accuracy(v_heads, enc, mask, ordered), 1),
                         'caption': round(float(np.mean(emotion_hits(texts, ordered)) * 100), 1)}
        return res

    Job('verifier', [context, verifier, v_heads], verifier_loss, args.verifier_epochs, 1e-3,
        args.work, verifier_probe).run(data, 32, args.seed, log,
                                       None if args.no_augment else Augmenter(data, args.seed),
                                       Baselines(data, args.seed))
    for m in (context, verifier):
        m.eval()
        for p in m.parameters():
            p.requires_grad_(False)

    torch.manual_seed(args.seed + 1)
    drafter = model.Drafter(vocab)
    d_heads = model.AuxHeads(drafter.decoder.dim)
    drafter.encoder.prosody.prosody_mean.copy_(mean)
    drafter.encoder.prosody.prosody_std.copy_(std)

    def drafter_loss(batch):
        enc = drafter.encoder(batch['mel'], batch['pitch'], batch['prosody'])
        mask = model.lengths_mask(batch['enc_len'], enc.shape[1])
        logits = drafter.decoder.teacher_forced(batch['ids'], enc, mask)
        cap = caption_loss(logits, batch['ids'])
        aux = aux_loss(d_heads, enc, mask, batch['labels'])
        with torch.no_grad():
            teacher, _, _ = verifier_states(batch)
        kd = distill_loss(logits, teacher, batch['ids'])
        return cap + AUX_SCALE * aux + DISTILL * kd, [cap.item(), aux.item(), kd.item()]

    @torch.no_grad()
    def drafter_probe():
        res = {}
        for lang in LANGS:
            part = [ex for ex in probe if ex.lang == lang]
            texts = [tok.decode(decode.drafter_greedy(drafter, (ex.mel, ex.track, prosody.with_baseline(ex.stats, None)),
                                                      lang)[0]) for ex in part]
            res[lang] = {'caption': round(float(np.mean(emotion_hits(texts, part)) * 100), 1)}
        return res

    Job('drafter', [drafter, d_heads], drafter_loss, args.drafter_epochs, 2e-3,
        args.work, drafter_probe).run(data, 32, args.seed + 1, log,
                                      None if args.no_augment else Augmenter(data, args.seed + 1),
                                      Baselines(data, args.seed + 1))
    torch.save({'context': context.state_dict(), 'verifier': verifier.state_dict(),
                'drafter': drafter.state_dict(), 'vocab': vocab, 'context_dim': args.context_dim},
               os.path.join(args.work, 'models.pt'))
    print('trained', flush=True)


if __name__ == '__main__':
    main()
