"""Where the single-utterance emotion figure is lost: how well the 16 prosody statistics measure each
prototype value a recording was synthesised from (R² of a linear read-out, trained on the training
split, scored on held-out), and how much of what is left the voice explains. A voice variant's own
pitch and intonation range differ by more than the emotions' do, so one utterance cannot tell a
high, lively voice from an excited speaker; the speaker baseline of a call can.

    /usr/bin/python3 confounds.py --work .recipe-work      (half a minute; prints JSON)
"""
import argparse
import json
import os

import numpy as np

import prosody

CUES = ['pitch', 'range', 'rate', 'volume', 'pause']


def load(work, split, lang):
    with open(os.path.join(work, f'{split}-{lang}.jsonl'), encoding='utf-8') as f:
        meta = [json.loads(line) for line in f]
    stats = np.load(os.path.join(work, f'{split}-{lang}-prosody.npy'))[:, :prosody.UTTERANCE_DIM]
    keep = [i for i, m in enumerate(meta) if stats[i, prosody.IX['voiced']] > 0]
    return [meta[i] for i in keep], stats[keep]


def one_hot(meta, values):
    index = {v: i for i, v in enumerate(values)}
    out = np.zeros((len(meta), len(values)))
    for row, m in enumerate(meta):
        if m['voice'] in index:
            out[row, index[m['voice']]] = 1.0
    return out


def r2(train_x, train_y, test_x, test_y):
    a = np.column_stack([train_x, np.ones(len(train_x))])
    b = np.column_stack([test_x, np.ones(len(test_x))])
    w, *_ = np.linalg.lstsq(a, train_y, rcond=None)
    return round(float(1 - (test_y - b @ w).var() / test_y.var()), 2)


def analyse(work, lang):
    train, xt = load(work, 'train', lang)
    held, xh = load(work, 'heldout', lang)
    voices = sorted({m['voice'] for m in train})
    vt, vh = one_hot(train, voices), one_hot(held, voices)
    out = {'r2_from_stats': {}, 'r2_from_stats_and_voice': {}}
    for cue in CUES:
        yt = np.array([m['prosody'][cue] for m in train])
        yh = np.array([m['prosody'][cue] for m in held])
        out['r2_from_stats'][cue] = r2(xt, yt, xh, yh)
        out['r2_from_stats_and_voice'][cue] = r2(np.hstack([xt, vt]), yt, np.hstack([xh, vh]), yh)
    # the voice's own pitch: median pitch less the emotion's nominal shift, averaged per voice
    f0 = xt[:, prosody.IX['f0_median']]
    shift = 12 * np.log2(1 + 0.6 * np.array([m['prosody']['pitch'] for m in train]) / 100.0)
    w, *_ = np.linalg.lstsq(np.column_stack([shift, vt]), f0, rcond=None)
    out['emotion_pitch_shift_sd_semitones'] = round(float((w[0] * shift).std()), 2)
    for gender in ('male', 'female'):
        own = [w[1 + i] for i, v in enumerate(voices)
               if any(m['voice'] == v and m['gender'] == gender for m in train)]
        out[f'voice_pitch_sd_semitones_{gender}'] = round(float(np.std(own)), 2)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    args = ap.parse_args()
    print(json.dumps({lang: analyse(args.work, lang) for lang in ('en', 'zh')}, indent=1))


if __name__ == '__main__':
    main()
