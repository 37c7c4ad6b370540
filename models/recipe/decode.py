"""Greedy decoding with the trained modules, through the same entry points that are exported
(DrafterStep with past key/values, VerifierExport), so the report measures what ships."""
import numpy as np
import torch

import audio
import model
import prosody
from tokenizer import BOS, EOS, LANG_TOKEN

MAX_CAPTION_TOKENS = 60  # tokens generated per caption, eos included


def features(samples, baseline=None):
    """What the edge computes from one utterance's samples: (log-mel, pitch track, prosody vector
    with the speaker-baseline part from `baseline`, None for none)."""
    stats, track = prosody.analyse(samples)
    return audio.log_mel(samples), track, prosody.with_baseline(stats, baseline)


def tensors(feats):
    """(mel, pitch, prosody) of one utterance as a batch of one."""
    mel, track, vec = feats
    return (torch.from_numpy(np.asarray(mel, dtype=np.float32)).unsqueeze(0),
            torch.from_numpy(np.asarray(track, dtype=np.float32)).unsqueeze(0),
            torch.tensor(np.asarray(vec), dtype=torch.float32).unsqueeze(0))


def entropy(logits):
    logp = torch.log_softmax(logits.double(), dim=-1)
    return float(-(logp.exp() * logp).sum())


@torch.no_grad()
def drafter_greedy(drafter, feats, lang, max_tokens=MAX_CAPTION_TOKENS):
    """One utterance (`features`): feed the prompt, then one token per step with the KV cache.
    Returns (caption token ids without prompt/eos, entropies per generated token incl. eos). At most
    max_tokens tokens are generated, eos included."""
    step = model.DrafterStep(drafter.decoder)
    enc = drafter.encoder(*tensors(feats))
    enc_mask = torch.ones(1, enc.shape[1])
    past = [t for kv in drafter.decoder.empty_past(1, enc.device) for t in kv]
    ids = torch.tensor([[BOS, LANG_TOKEN[lang]]])
    pos = torch.arange(2).unsqueeze(0)
    tokens, ents = [], []
    for _ in range(max_tokens):
        total = past[0].shape[2] + ids.shape[1]
        out = step(ids, pos, enc, enc_mask, torch.ones(1, total), *past)
        logits, past = out[0][0, -1], list(out[1:])
        nxt = int(torch.argmax(logits))
        ents.append(entropy(logits))
        if nxt == EOS:
            break
        tokens.append(nxt)
        ids = torch.tensor([[nxt]])
        pos = torch.tensor([[total]])
    return tokens, ents


def pad_batch(rows, value):
    n = max(len(r) for r in rows)
    out = np.full((len(rows), n), value, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return torch.from_numpy(out)


@torch.no_grad()
def context_batch(context, feats):
    """int8 context per utterance (`features`), padded into one batch: (values [B,T,16], lengths [B])."""
    ctx = [context(*tensors(f))[0] for f in feats]
    t = max(c.shape[0] for c in ctx)
    values = torch.zeros(len(ctx), t, ctx[0].shape[1], dtype=torch.int8)
    for i, c in enumerate(ctx):
        values[i, :c.shape[0]] = c
    return values, torch.tensor([c.shape[0] for c in ctx])


@torch.no_grad()
def verifier_greedy(verifier_export, ctx, ctx_len, langs, max_tokens=MAX_CAPTION_TOKENS):
    """Batched greedy decoding by full recomputation (the verifier has no cache)."""
    rows = [[BOS, LANG_TOKEN[l]] for l in langs]
    done = [False] * len(rows)
    for _ in range(max_tokens):
        ids = pad_batch(rows, 0)
        lens = torch.tensor([len(r) for r in rows])
        logits = verifier_export(ctx, ctx_len, ids, lens)
        for i, r in enumerate(rows):
            if not done[i]:
                nxt = int(torch.argmax(logits[i, len(r) - 1]))
                done[i] = nxt == EOS
                if not done[i]:
                    r.append(nxt)
        if all(done):
            break
    return [r[2:] for r in rows]


@torch.no_grad()
def verifier_teacher_forced(verifier_export, ctx, ctx_len, langs, drafts):
    """The verifier's argmax at each position of each draft (and at its eos)."""
    rows = [[BOS, LANG_TOKEN[l]] + d for l, d in zip(langs, drafts)]
    logits = verifier_export(ctx, ctx_len, pad_batch(rows, 0), torch.tensor([len(r) for r in rows]))
    return [[int(torch.argmax(logits[i, p])) for p in range(1, len(r))] for i, r in enumerate(rows)]
