"""Synthesises one split of the corpus: espeak-ng speech with emotional prosody, a telephone
channel (band-pass 300-3400 Hz, 8 kHz, line noise, G.711 mu-law), caption references.
Deterministic from the seed: every recording draws from its own RNG keyed by (seed, split, lang, i)."""
import json
import os
import subprocess
import sys
import tempfile
from multiprocessing import Pool

import numpy as np

import audio
import captions
import emotions
from texts import SENTENCES

EN_ACCENTS = ['en-us', 'en-gb', 'en-gb-scotland', 'en-029', 'en-gb-x-rp', 'en-us-nyc']
MALE = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'adam', 'david', 'john', 'paul', 'robert',
        'benjamin', 'edward', 'max', 'michael', 'rob']
FEMALE = ['f1', 'f2', 'f3', 'f4', 'f5', 'Alicia', 'Andrea', 'Annie', 'belinda', 'linda', 'steph',
          'anika', 'aunty', 'steph2', 'steph3']
MAX_SECONDS = 12.0


def draw(seed, split, lang, i, emotion=None, gender=None, text=None):
    """Everything random about one recording, drawn up front so a recording is reproducible alone."""
    rng = emotions.rng_for(seed, split, lang, i)
    gender = gender or ('male' if rng.random() < 0.5 else 'female')
    variant = rng.choice(MALE if gender == 'male' else FEMALE)
    base = 'cmn' if lang == 'zh' else rng.choice(EN_ACCENTS)
    emotion = emotion or rng.choice(emotions.EMOTIONS)
    prosody = emotions.sample_prosody(emotion, rng)
    cue = emotions.cues(prosody)
    return {
        'id': f'{split}-{lang}-{i:05d}', 'lang': lang, 'split': split,
        'text': text or rng.choice(SENTENCES[lang]), 'voice': f'{base}+{variant}',
        'gender': gender, 'base_pitch': int(rng.integers(42, 59)), 'emotion': emotion,
        'prosody': prosody, 'cues': cue, 'snr_db': round(float(rng.uniform(22, 40)), 1),
        'gain_db': round(float(rng.uniform(-1.0, 1.0)), 2),
        'noise_seed': int(rng.integers(0, 2**31 - 1)),
        'references': captions.references(lang, emotion, gender, cue, rng),
    }


def speak(item, wav):
    """espeak-ng 1.51 crashes (SIGSEGV) on some voice variants with wide pitch ranges; then the next
    variant of the same gender speaks instead, deterministically, and the item records it."""
    base, variant = item['voice'].split('+')
    pool = MALE if item['gender'] == 'male' else FEMALE
    start = pool.index(variant)
    for k in range(len(pool)):
        voice = f'{base}+{pool[(start + k) % len(pool)]}'
        done = subprocess.run(['espeak-ng', '-v', voice, '-p', str(item['base_pitch']), '-m',
                               '-w', wav, emotions.ssml(item['text'], item['prosody'])],
                              capture_output=True)
        if done.returncode == 0:
            item['voice'] = voice
            return
    raise RuntimeError(f'espeak-ng failed for every {item["gender"]} variant: {item["id"]}')


def synthesize(item):
    """Returns int16 samples at 8 kHz after the telephone channel."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, 'tts.wav')
        speak(item, wav)
        # -D: no dither, which sox otherwise draws afresh each run (the recipe must be repeatable)
        raw = subprocess.run(['sox', '-D', wav, '-t', 'raw', '-r', str(audio.SAMPLE_RATE), '-e', 'signed',
                              '-b', '16', '-c', '1', '-', 'sinc', '300-3400'],
                             check=True, capture_output=True).stdout
    x = np.frombuffer(raw, dtype='<i2').astype(np.float64)
    x = x[: int(MAX_SECONDS * audio.SAMPLE_RATE)] * 10 ** (item['gain_db'] / 20)
    rng = np.random.default_rng(item['noise_seed'])
    speech_rms = np.sqrt(np.mean(x[np.abs(x) > 50] ** 2)) if np.any(np.abs(x) > 50) else 1000.0
    noise = rng.standard_normal(x.size) * speech_rms * 10 ** (-item['snr_db'] / 20)
    hum = 0.3 * speech_rms * 10 ** (-item['snr_db'] / 20) * np.sin(
        2 * np.pi * 60 * np.arange(x.size) / audio.SAMPLE_RATE + rng.uniform(0, 6.28))
    return np.clip(np.round(x + noise + hum), -32768, 32767).astype(np.int16)


def render(args):
    item, wav_dir = args
    pcm = synthesize(item)
    ulaw = audio.mulaw_decode(audio.mulaw_encode(pcm)).astype(np.float32) / 32768.0
    if wav_dir:
        audio.write_wav_mulaw(os.path.join(wav_dir, item['id'] + '.wav'), pcm)
    return item, audio.log_mel(ulaw).astype(np.float16)


def build_split(seed, split, lang, n, out_npz, wav_dir=None, workers=2):
    items = [draw(seed, split, lang, i) for i in range(n)]
    if wav_dir:
        os.makedirs(wav_dir, exist_ok=True)
    with Pool(workers) as pool:
        done = pool.map(render, [(it, wav_dir) for it in items], chunksize=16)
    feats = [f for _, f in done]
    np.savez(out_npz, *feats)
    with open(out_npz.replace('.npz', '.jsonl'), 'w', encoding='utf-8') as f:
        for it, _ in done:
            f.write(json.dumps(it, ensure_ascii=False) + '\n')
    if wav_dir:
        with open(os.path.join(wav_dir, 'references.jsonl'), 'w', encoding='utf-8') as f:
            for it, _ in done:
                f.write(json.dumps({'file': it['id'] + '.wav', 'lang': lang,
                                    'emotion': it['emotion'], 'gender': it['gender'],
                                    'cues': it['cues'], 'references': it['references']},
                                   ensure_ascii=False) + '\n')


if __name__ == '__main__':
    seed, split, lang, n, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    build_split(seed, split, lang, n, out, sys.argv[6] if len(sys.argv) > 6 else None)
