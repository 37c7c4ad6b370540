"""How much emotion the corpus's prosody carries, before any audio: a k-NN classifier on the
prototype values each recording was synthesised from (pitch shift, pitch range, rate, level, pause),
with the speaker's own pitch and level spread added as a listener would meet them. Perfect
perception of all five gives the corpus's ceiling; dropping one cue, or adding measurement noise
(in standard deviations of each cue), shows which perception the models' ~80 % is limited by.

    /usr/bin/python3 ceiling.py            (about a minute on one core; deterministic)
    /usr/bin/python3 ceiling.py --noise 0.75,0.74,0.57,0.18,0.54
        (per-cue noise in standard deviations, in CUES order: e.g. sqrt(1 - R²) of confounds.py)
"""
import argparse
import json

import numpy as np

import emotions

SPEAKER_PITCH_PCT = 16.0   # espeak-ng base pitch 42-58 around 50: about +-16 % of a voice's own F0
SPEAKER_LEVEL_DB = 2.0     # corpus.SPEAKER_LEVEL_DB (+-1 dB) on both sides, plus the recording's +-1 dB gain
CUES = ['pitch', 'range', 'rate', 'level', 'pause']


def sample(rng, n):
    y = rng.integers(0, len(emotions.EMOTIONS), n)
    x = np.zeros((n, len(CUES)))
    for i, c in enumerate(y):
        p = emotions.sample_prosody(emotions.EMOTIONS[c], rng)
        # espeak-ng moves F0 by about 0.6 of the nominal SSML pitch percentage (corpus.FLITE_PITCH_SCALE)
        x[i] = [0.6 * p['pitch'] + rng.uniform(-SPEAKER_PITCH_PCT, SPEAKER_PITCH_PCT) / 2, p['range'], p['rate'],
                p['volume'] + rng.uniform(-1, 1) + rng.uniform(-SPEAKER_LEVEL_DB, SPEAKER_LEVEL_DB) / 2, p['pause']]
    return x, y


def knn_accuracy(xtr, ytr, xte, yte, k=25):
    scale = xtr.std(0)
    a, b = xtr / scale, xte / scale
    out = []
    for i in range(0, len(b), 500):
        d = ((b[i:i + 500, None, :] - a[None]) ** 2).sum(-1)
        idx = np.argpartition(d, k, 1)[:, :k]
        out += [np.bincount(ytr[r], minlength=len(emotions.EMOTIONS)).argmax() for r in idx]
    return round(float((np.array(out) == yte).mean() * 100), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--noise', help='comma-separated noise per cue, in standard deviations')
    args = ap.parse_args()
    rng = np.random.default_rng(1234)
    xtr, ytr = sample(rng, 20000)
    xte, yte = sample(rng, 3000)
    if args.noise:
        noise = np.array([float(v) for v in args.noise.split(',')])
        if noise.size != len(CUES):
            ap.error(f'--noise takes {len(CUES)} values ({", ".join(CUES)})')
        sd = xtr.std(0)
        print(json.dumps({'noise': noise.tolist(), 'accuracy': knn_accuracy(
            xtr + rng.normal(0, 1, xtr.shape) * sd * noise, ytr,
            xte + rng.normal(0, 1, xte.shape) * sd * noise, yte)}))
        return
    report = {'all_cues': knn_accuracy(xtr, ytr, xte, yte)}
    for drop, name in enumerate(CUES):
        keep = [i for i in range(len(CUES)) if i != drop]
        report['without_' + name] = knn_accuracy(xtr[:, keep], ytr, xte[:, keep], yte)
    sd = xtr.std(0)
    for noise in (0.25, 0.5, 1.0):
        noisy_tr = xtr + rng.normal(0, 1, xtr.shape) * sd * noise
        noisy_te = xte + rng.normal(0, 1, xte.shape) * sd * noise
        report[f'noise_{noise}_sd'] = knn_accuracy(noisy_tr, ytr, noisy_te, yte)
    print(json.dumps(report))


if __name__ == '__main__':
    main()
