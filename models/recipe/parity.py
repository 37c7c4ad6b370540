"""Parity fixtures for the Java side: a few held-out WAVs with their exact log-mel features, int8
context, the drafter's greedy token ids and entropies, its first-step logits, and the verifier's
greedy ids and teacher-forced argmax over the drafter's caption, all from the exported entry points."""
import argparse
import json
import os
import shutil

import numpy as np
import torch

import audio
import decode
import model
import prosody
from evaluate import load

PER_LANG = 3


def fixture(path, lang, tok, context, verifier, drafter, baseline):
    """`baseline`: the SpeakerBaseline of the fixtures before this one in its language, as if one
    speaker had said them in a call (the fixture records the vector with it; the captions are
    without, as for a single utterance)."""
    samples, rate = audio.read_wav(path)
    feats = decode.features(samples[:, 0])
    mel, track, vec = feats
    stats = vec[:prosody.UTTERANCE_DIM]
    tokens, ents = decode.drafter_greedy(drafter, feats, lang)
    ctx, ctx_len = decode.context_batch(context, [feats])
    step = decode.model.DrafterStep(drafter.decoder)
    with torch.no_grad():
        enc = drafter.encoder(*decode.tensors(feats))
        past = [t for kv in drafter.decoder.empty_past(1, enc.device) for t in kv]
        prompt = torch.tensor([[decode.BOS, decode.LANG_TOKEN[lang]]])
        first = step(prompt, torch.arange(2).unsqueeze(0), enc, torch.ones(1, enc.shape[1]),
                     torch.ones(1, 2), *past)[0][0, -1]
    return {
        'file': os.path.basename(path), 'lang': lang, 'sample_rate': rate,
        'log_mel': np.round(mel.astype(np.float64), 6).tolist(),
        'pitch_track': np.round(track.astype(np.float64), 6).tolist(),
        'prosody': [round(float(v), 9) for v in vec],
        'prosody_with_baseline': [round(float(v), 9) for v in prosody.with_baseline(stats, baseline.value())],
        'encoder_steps': int(enc.shape[1]),
        'context': ctx[0].tolist(),
        'drafter': {'tokens': tokens, 'entropies': [round(e, 6) for e in ents],
                    'text': tok.decode(tokens), 'first_step_logits': [round(float(x), 5) for x in first]},
        'verifier': {'greedy_tokens': decode.verifier_greedy(verifier, ctx, ctx_len, [lang])[0],
                     'teacher_forced_argmax': decode.verifier_teacher_forced(
                         verifier, ctx, ctx_len, [lang], [tokens])[0]},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--eval', required=True, help='folder with en/ and zh/ held-out WAVs')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    model.setup_torch()
    os.makedirs(args.out, exist_ok=True)
    tok, context, verifier, drafter = load(args.work)
    fixtures = []
    for lang in ('en', 'zh'):
        names = sorted(n for n in os.listdir(os.path.join(args.eval, lang)) if n.endswith('.wav'))
        baseline = prosody.SpeakerBaseline()
        for name in names[:PER_LANG]:
            src = os.path.join(args.eval, lang, name)
            shutil.copy(src, os.path.join(args.out, name))
            fixtures.append(fixture(src, lang, tok, context, verifier, drafter, baseline))
            baseline.add(np.array(fixtures[-1]['prosody'][:prosody.UTTERANCE_DIM]))
    with open(os.path.join(args.out, 'parity.json'), 'w', encoding='utf-8') as f:
        json.dump({'tolerance': {'log_mel_max_abs': 1e-3, 'prosody_max_abs': 1e-3}, 'fixtures': fixtures},
                  f, ensure_ascii=False)
    print('parity fixtures:', [f['file'] for f in fixtures])


if __name__ == '__main__':
    main()
