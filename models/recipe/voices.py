"""Calibrates the synthesisers' voices so that speakers differ the way people do, not the way
espeak-ng's variants happen to: each variant's own median pitch and intonation spread are measured
per accent (neutral prosody, four sentences, two pitch bases, full 8 kHz band so the fundamental
is there; en-gb's female variants, for one, speak at 92 Hz), and corpus.speaker() then picks the pitch base that puts a speaker's median on a draw from
the population (VOICE_MEDIAN_ST +- VOICE_SD_ST) and scales the SSML range so that the voice's own
spread is TARGET_SPREAD_ST times a speaker factor. Uncalibrated, the variants' medians spread over
7 semitones within a gender, Mandarin's male variants sit at 84 Hz where the tracker halves and
doubles the period, and their spreads run from 1.6 to 10.9 semitones: more than the emotions move
either, so a single utterance's pitch and range said more about the voice than the emotion. The
same holds for tempo: each voice's syllable rate at rate 100 % is measured too, and corpus.speaker()
scales a speaker's rates so that its neutral tempo is a draw around the language's typical voice's
(a voices.json without syllable rates, as the pair of 2026-12-02 was built from, leaves tempo alone).
Writes voices.json next to this file (committed; deterministic: espeak-ng, flite and sox -D are).
Usage: voices.py [out.json]"""
import json
import os
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np

import prosody
from texts import SENTENCES

BASES = {'male': (66, 90), 'female': (42, 58)}   # male bases high enough for the tracker (70 Hz floor)
SENTENCES_PER_VOICE = 4
FLITE_F0_STDDEV = {'awb': 25.0, 'slt': 27.0, 'kal': 11.0}   # the voices' defaults (flite 2.2); rms takes none
HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.environ.get('VOICES_JSON') or os.path.join(HERE, 'voices.json')   # another: espeak_variants.py


def espeak_command(voice, base, wav, ssml):
    """espeak-ng as the calibration and the corpus call it, with the voice data of ESPEAK_DATA when set
    (espeak_variants.py writes such data; unset, espeak-ng's own)."""
    data = os.environ.get('ESPEAK_DATA')
    return ['espeak-ng'] + ([f'--path={data}'] if data else []) + ['-v', voice, '-p', str(base), '-m', '-w', wav, ssml]


def measure(wav):
    """(median pitch in semitones, intonation spread, syllables per second of speech)."""
    raw = subprocess.run(['sox', '-D', wav, '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16',
                          '-c', '1', '-'], check=True, capture_output=True).stdout
    stats, _ = prosody.analyse(np.frombuffer(raw, dtype='<i2').astype(np.float64) / 32768.0)
    return (float(stats[prosody.IX['f0_median']]), float(stats[prosody.IX['f0_spread']]),
            float(stats[prosody.IX['syllable_rate']]))


def espeak_job(args):
    lang, voice, base = args
    out = []
    for text in SENTENCES[lang][:SENTENCES_PER_VOICE]:
        with tempfile.NamedTemporaryFile(suffix='.wav') as f:
            done = subprocess.run(espeak_command(
                voice, base, f.name, f'<speak><prosody pitch="+0%" range="100%" rate="100%">{text}</prosody></speak>'),
                capture_output=True)
            if done.returncode == 0:
                out.append(measure(f.name))
    return args, out


def flite_job(voice):
    out = []
    for text in SENTENCES['en'][:SENTENCES_PER_VOICE]:
        with tempfile.NamedTemporaryFile(suffix='.wav') as f:
            subprocess.run(['flite', '-voice', voice, '-t', text, '-o', f.name], check=True, capture_output=True)
            out.append(measure(f.name))
    return voice, out


def calibrate():
    import corpus
    variants = corpus.MALE + corpus.FEMALE + corpus.UNSEEN_MALE + corpus.UNSEEN_FEMALE
    gender = {v: 'male' for v in corpus.MALE + corpus.UNSEEN_MALE}
    bases = [('en', a) for a in corpus.EN_ACCENTS] + [('zh', 'cmn')]
    jobs = [(lang, f'{base}+{v}', b) for lang, base in bases
            for v in variants for b in BASES[gender.get(v, 'female')]]
    with Pool(2) as pool:
        measured = pool.map(espeak_job, jobs)
        flite = pool.map(flite_job, list(corpus.FLITE_TRAIN) + list(corpus.FLITE_UNSEEN))
    table = {'espeak': {}, 'flite': {}}
    by_voice = {}
    for (lang, voice, base), out in measured:
        by_voice.setdefault((lang, voice), {})[base] = np.array(out)
    for (lang, variant), runs in sorted(by_voice.items()):
        (b_lo, lo), (b_hi, hi) = sorted(runs.items())
        med_lo, med_hi = float(np.median(lo[:, 0])), float(np.median(hi[:, 0]))
        table['espeak'].setdefault(lang, {})[variant] = {
            'base': (b_lo + b_hi) // 2, 'median_st': round((med_lo + med_hi) / 2, 3),   # at that base
            'st_per_base': round((med_hi - med_lo) / (b_hi - b_lo), 4),
            'spread_st': round(float(np.median(np.concatenate([lo[:, 1], hi[:, 1]]))), 3),
            'syllable_rate': round(float(np.median(np.concatenate([lo[:, 2], hi[:, 2]]))), 3)}
    for voice, out in flite:
        a = np.array(out)
        table['flite'][voice] = {'median_st': round(float(np.median(a[:, 0])), 3),
                                 'spread_st': round(float(np.median(a[:, 1])), 3),
                                 'syllable_rate': round(float(np.median(a[:, 2])), 3),
                                 'f0_stddev': FLITE_F0_STDDEV.get(voice)}
    return table


_TABLE = None


def table():
    global _TABLE
    if _TABLE is None:
        with open(PATH, encoding='utf-8') as f:
            _TABLE = json.load(f)
    return _TABLE


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else PATH
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(calibrate(), f, indent=1, sort_keys=True)
        f.write('\n')
