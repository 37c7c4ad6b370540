"""Regenerates the Java prosody front end's test fixture from the recipe's own code (prosody.py), so
ProsodyFeaturesTest compares against Python's output, not against values our Java code produced.

    /usr/bin/python3 inference/src/test/resources/audio/make_prosody_fixture.py

Needs the WAVs of make_fixtures.py (chirp-mulaw.wav, tones-pcm16.wav: channel 0) and writes, next
to this script:
  speech-en-mulaw.wav  the recipe's own synthesis (corpus.synthesize: espeak-ng, telephone band,
                       noise and hum), a short English sentence, 8 kHz mu-law
  speech-zh-mulaw.wav  the same for a short Mandarin sentence (a female voice: higher pitch)
  glide-mulaw.wav      numpy: a glottal pulse train gliding 110 -> 180 Hz through two resonators,
                       syllable-rate amplitude modulation, two pauses, noise
  silence-mulaw.wav    digital silence (mu-law 0xFF)
  noise-mulaw.wav      white noise
  prosody.json         numpy's summation orders on two test arrays (sum_checks), and per WAV, in this order: prosody.analyse's utterance stats (full precision)
                       and pitch track, and prosody.with_baseline with the SpeakerBaseline of the
                       WAVs before it (as if one speaker had said them all; None for the first)
"""
import json
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
recipe = os.path.join(here, '..', '..', '..', '..', '..', 'models', 'recipe')
sys.path.insert(0, recipe)
import audio  # noqa: E402
import corpus  # noqa: E402
import prosody  # noqa: E402

sr = audio.SAMPLE_RATE
rng = np.random.default_rng(20240927)


def speech(lang, index, text):
    item = corpus.draw(20240927, 'fixture', lang, index, text=text)
    return corpus.synthesize(item)


def glide():
    """A voiced signal with a known contour: 2.4 s, f0 110 -> 180 Hz, pauses at 0.8-1.0 s and 1.6-1.75 s."""
    n = int(2.4 * sr)
    t = np.arange(n) / sr
    f0 = 110.0 + 70.0 * t / t[-1]
    phase = np.cumsum(f0) / sr
    pulses = np.zeros(n)
    pulses[np.flatnonzero(np.diff(np.floor(phase)) > 0) + 1] = 1.0
    y = pulses
    for hz, bw in ((700.0, 110.0), (1200.0, 160.0)):  # two-pole resonators
        r = np.exp(-np.pi * bw / sr)
        a1, a2 = -2 * r * np.cos(2 * np.pi * hz / sr), r * r
        out = np.zeros(n)
        for i in range(n):
            out[i] = y[i] - a1 * (out[i - 1] if i > 0 else 0.0) - a2 * (out[i - 2] if i > 1 else 0.0)
        y = out
    y = y / np.max(np.abs(y))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4.0 * t) ** 2
    gate = np.ones(n)
    for a, b in ((0.8, 1.0), (1.6, 1.75)):
        gate[int(a * sr):int(b * sr)] = 0.0
    x = 0.5 * y * syllables * gate + 0.003 * rng.standard_normal(n)
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)


def silence():
    return np.zeros(6000, dtype=np.int16)


def noise():
    return np.round(np.clip(0.2 * rng.standard_normal(8000), -1, 1) * 32767).astype(np.int16)


def sum_checks():
    """numpy's summation orders on arrays the Java test builds the same way (np.mean is pairwise,
    einsum('ij,ij->i') runs two SIMD lanes): ProsodyFeaturesTest.sumsRunInNumpysOrder."""
    i = np.arange(200)
    v = np.where(i % 8 == 0, 1e16, 1.0 + i / 7.0)
    j = np.arange(320)
    x = (j * 37 % 101) / 101.0 * np.where(j % 16 == 0, 1e8, 1.0)
    d5 = (x[0:200] - x[5:205])[None, :]
    d7 = (x[3:206] - x[10:213])[None, :]
    return {'pairwise_200': float(np.add.reduce(v)), 'mean_200': float(np.mean(v)), 'mean_3': float(np.mean(v[:3])),
            'einsum_200_lag5': float(np.einsum('ij,ij->i', d5, d5)[0]),
            'einsum_203_lag7': float(np.einsum('ij,ij->i', d7, d7)[0])}


def main():
    made = {
        'speech-en-mulaw.wav': lambda: speech('en', 0, 'Well, I did not expect that, to be honest.'),
        'speech-zh-mulaw.wav': lambda: speech('zh', 1, '网站上的价格和我付的不一样。'),
        'glide-mulaw.wav': glide,
        'silence-mulaw.wav': silence,
        'noise-mulaw.wav': noise,
    }
    for name, make in made.items():
        audio.write_wav_mulaw(os.path.join(here, name), make())
    baseline = prosody.SpeakerBaseline()
    fixtures = []
    for name in ['chirp-mulaw.wav', 'tones-pcm16.wav'] + list(made):
        samples, rate = audio.read_wav(os.path.join(here, name))
        x = samples[:, 0]
        stats, track = prosody.analyse(x)
        value = baseline.value()
        fixtures.append({
            'file': name, 'sample_rate': rate, 'samples': int(x.size),
            'stats': [float(v) for v in stats],
            # float32 values as doubles: parsing and casting to float is exact
            'pitch_track': [[float(a), float(b)] for a, b in track],
            'baseline': None if value is None else [value[0], value[1]],
            'with_baseline': [float(v) for v in prosody.with_baseline(stats, value)],
        })
        baseline.add(stats)
        print(name, rate, x.size, 'voiced' if stats[prosody.IX['voiced']] else 'unvoiced',
              ' '.join('%s=%.4g' % (k, v) for k, v in zip(prosody.NAMES, stats)))
    with open(os.path.join(here, 'prosody.json'), 'w') as f:
        json.dump({'generator': 'make_prosody_fixture.py (models/recipe/prosody.py analyse, with_baseline)',
                   'names': prosody.NAMES,
                   # what the octave window's bounds multiply by (Python's float pow)
                   'octave_factors': [2.0 ** -prosody.OCTAVE_REACH, 2.0 ** prosody.OCTAVE_REACH],
                   'sum_checks': sum_checks(),
                   'fixtures': fixtures}, f)


if __name__ == '__main__':
    main()
