"""Synthesises one split of the corpus: speech with emotional prosody from espeak-ng (English
accents and Mandarin) and, for English, flite's CMU voices; a telephone channel (band-pass, 8 kHz,
line noise, G.711 mu-law); caption references; the prosody vector of every recording.
Deterministic from the seed: every speaker and every recording draws from its own RNG keyed by
(seed, split, lang, index).

Speakers: a training speaker says SPEAKER_UTTERANCES recordings with different emotions (so
training can give the models a speaker baseline from the speaker's other recordings); every
evaluation recording has a speaker of its own. Loudness is real gain on a level-normalised
voice (espeak-ng barely applies SSML volume). The `unseen` split is spoken by voices no training
recording uses: flite's kal and slt (English), four espeak-ng variants (Mandarin)."""
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
import prosody
import voices
from texts import SENTENCES

EN_ACCENTS = ['en-us', 'en-gb-scotland', 'en-029', 'en-gb-x-rp', 'en-us-nyc']
MALE = ['m1', 'm2', 'm3', 'm4', 'm5', 'm7', 'm8', 'adam', 'david', 'john', 'paul', 'robert',
        'benjamin', 'edward', 'max', 'rob']
FEMALE = ['f1', 'f2', 'f3', 'f5', 'Alicia', 'Andrea', 'Annie', 'belinda', 'linda', 'steph',
          'anika', 'steph2', 'steph3']
UNSEEN_MALE, UNSEEN_FEMALE = ['m6', 'michael'], ['f4', 'aunty']   # espeak-ng variants kept out of training
FLITE_TRAIN = {'awb': 'male', 'rms': 'male'}
FLITE_UNSEEN = {'kal': 'male', 'slt': 'female'}
FLITE_SHARE = 0.25          # of English training speakers
SPEAKER_UTTERANCES = 4      # recordings per training speaker
MAX_SECONDS = 12.0
SPEECH_LEVEL_DB = -24.0     # active-speech level of every voice before its own offset and the emotion's gain
SPEAKER_LEVEL_DB = 1.0      # +- a speaker's own loudness
FLITE_PITCH_SCALE = 0.6     # espeak-ng's SSML pitch % moves F0 by about 0.6 of the nominal ratio; flite matches
# A speaker's own voice, drawn from a population (semitones from 100 Hz, neutral prosody): median pitch
# mean and sd per gender (112 / 206 Hz, as adult speakers' averages), kept within 2 sd, and the
# intonation spread as the language's typical variant's times a factor of 0.85-1.15 (voices.py).
VOICE_MEDIAN_ST = {'male': 2.0, 'female': 12.5}
VOICE_SD_ST = 1.5
VOICE_SPREAD_FACTOR = 0.15
# A speaker's own tempo: the language's typical voice's syllable rate times 0.94-1.06, whatever the
# synthesiser's voice does at rate 100 % (flite's voices differ by more than that); within 0.75-1.33.
VOICE_TEMPO_FACTOR = 0.06


def speaker(seed, split, lang, s, gender=None):
    """A voice: synthesiser, voice, gender, base pitch, level and channel band."""
    rng = emotions.rng_for(seed, split, lang, 'speaker', s)
    unseen = split == 'unseen'
    flite_pool = FLITE_UNSEEN if unseen else FLITE_TRAIN
    use_flite = lang == 'en' and (unseen or rng.random() < FLITE_SHARE)
    if use_flite:
        options = [v for v, g in flite_pool.items() if gender is None or g == gender]
        if options:
            voice = str(rng.choice(options))
            gender = flite_pool[voice]
        else:
            use_flite = False
    if not use_flite:
        gender = gender or ('male' if rng.random() < 0.5 else 'female')
        if unseen:
            pool = UNSEEN_MALE if gender == 'male' else UNSEEN_FEMALE
        else:
            pool = MALE if gender == 'male' else FEMALE
        base = 'cmn' if lang == 'zh' else str(rng.choice(EN_ACCENTS))
        voice = f'{base}+{rng.choice(pool)}'
    median = VOICE_MEDIAN_ST[gender] + VOICE_SD_ST * float(np.clip(rng.standard_normal(), -2, 2))
    spread_factor = 1 + float(rng.uniform(-VOICE_SPREAD_FACTOR, VOICE_SPREAD_FACTOR))
    own = voice_calibration(lang, voice, use_flite)
    if use_flite:
        base_pitch, pitch_offset = 50, median - own['median_st']       # flite: sox shifts it, in semitones
    else:
        base_pitch, pitch_offset = int(np.clip(round(own['base'] + (median - own['median_st']) / own['st_per_base']), 0, 99)), 0.0
    out = {'engine': 'flite' if use_flite else 'espeak', 'voice': voice, 'gender': gender,
           'base_pitch': base_pitch, 'pitch_offset': round(pitch_offset, 2),
           'range_scale': round(float(np.clip(spread_factor * own['typical_spread_st'] / own['spread_st'], 0.4, 2.0)), 3),
           'level_db': round(float(rng.uniform(-SPEAKER_LEVEL_DB, SPEAKER_LEVEL_DB)), 2),
           'band': [int(rng.integers(250, 351)), int(rng.integers(3200, 3501))]}
    if own.get('syllable_rate') and own.get('typical_syllable_rate'):   # drawn last: the draws above stay as they were
        tempo = 1 + float(rng.uniform(-VOICE_TEMPO_FACTOR, VOICE_TEMPO_FACTOR))
        out['rate_scale'] = round(float(np.clip(tempo * own['typical_syllable_rate'] / own['syllable_rate'], 0.75, 1.33)), 3)
    return out


def voice_calibration(lang, voice, flite):
    """A voice's own median pitch and spread (voices.json), with the language's typical spread.
    A variant whose measured pitch moves implausibly with the base takes its group's median slope."""
    table = voices.table()
    group = table['espeak'][lang]
    typical = {'typical_spread_st': float(np.median([v['spread_st'] for v in group.values()]))}
    rates = [v['syllable_rate'] for v in group.values() if v.get('syllable_rate')]
    if rates:
        typical['typical_syllable_rate'] = float(np.median(rates))
    if flite:
        return dict(table['flite'][voice], **typical)
    own = dict(group[voice], **typical)
    if not 0.1 <= own['st_per_base'] <= 0.3:
        peers = [v['st_per_base'] for k, v in group.items() if v['base'] == own['base'] and 0.1 <= v['st_per_base'] <= 0.3]
        own['st_per_base'] = float(np.median(peers))
    return own


def speaker_index(split, i):
    return i // SPEAKER_UTTERANCES if split == 'train' else i


def draw(seed, split, lang, i, emotion=None, gender=None, text=None, voice=None):
    """Everything random about one recording, drawn up front so a recording is reproducible alone.
    `voice` (a speaker dict) overrides the split's speaker, as the demo calls do."""
    spk = voice or speaker(seed, split, lang, speaker_index(split, i), gender)
    rng = emotions.rng_for(seed, split, lang, i)
    emotion = emotion or str(rng.choice(emotions.EMOTIONS))
    p = emotions.sample_prosody(emotion, rng)
    if spk['engine'] == 'flite' and voices.table()['flite'][spk['voice']]['f0_stddev'] is None:
        p['range'] = 100.0  # flite's rms takes no pitch-range setting: its intonation is its own
    cue = emotions.cues(p)
    return {
        'id': f'{split}-{lang}-{i:05d}', 'lang': lang, 'split': split,
        'speaker': f'{split}-{lang}-s{speaker_index(split, i):05d}' if voice is None else voice.get('id', 'call'),
        'text': text or str(rng.choice(SENTENCES[lang])), 'voice': spk['voice'], 'engine': spk['engine'],
        'gender': spk['gender'], 'base_pitch': spk['base_pitch'], 'pitch_offset': spk['pitch_offset'],
        'range_scale': spk.get('range_scale', 1.0), 'level_db': spk['level_db'], 'band': spk['band'], 'emotion': emotion,
        'prosody': p, 'cues': cue, 'snr_db': round(float(rng.uniform(22, 40)), 1),
        'gain_db': round(float(rng.uniform(-1.0, 1.0)), 2),
        'noise_seed': int(rng.integers(0, 2**31 - 1)),
        'references': captions.references(lang, emotion, spk['gender'], cue, rng),
        **({'rate_scale': spk['rate_scale']} if 'rate_scale' in spk else {}),   # absent: tempo as the voice has it
    }


def speak_espeak(item, wav):
    """espeak-ng 1.51 crashes (SIGSEGV) on some voice variants with wide pitch ranges; then the next
    variant of the same gender speaks instead, deterministically, and the item records it."""
    base, variant = item['voice'].split('+')
    pool = next(p for p in (MALE, FEMALE, UNSEEN_MALE, UNSEEN_FEMALE) if variant in p)
    start = pool.index(variant)
    for k in range(len(pool)):
        voice = f'{base}+{pool[(start + k) % len(pool)]}'
        spoken = dict(item['prosody'], range=round(item['prosody']['range'] * item['range_scale'], 1),
                      rate=round(item['prosody']['rate'] * item.get('rate_scale', 1.0), 1))
        done = subprocess.run(voices.espeak_command(voice, item['base_pitch'], wav, emotions.ssml(item['text'], spoken)),
                              capture_output=True)
        if done.returncode == 0:
            item['voice'] = voice
            return
    raise RuntimeError(f'espeak-ng failed for every {item["gender"]} variant: {item["id"]}')


def speak_flite(item, wav, tmp):
    """flite reads plain text: the rate goes to its duration stretch, the range to its F0 model's
    spread (int_f0_target_stddev; rms has none), pitch to sox (with the speaker's offset), and the
    pauses are silences between phrases spoken one by one."""
    p = item['prosody']
    default_stddev = voices.table()['flite'][item['voice']]['f0_stddev']
    stddev = default_stddev * p['range'] / 100.0 * item['range_scale'] if default_stddev else None
    chunks = emotions.phrases(item['text'], p)
    parts = []
    for k, chunk in enumerate(chunks):
        part = os.path.join(tmp, f'part{k}.wav')
        setf = ['--setf', f'duration_stretch={100.0 / (p["rate"] * item.get("rate_scale", 1.0)):.4f}']
        if stddev:
            setf += ['--setf', f'int_f0_target_stddev={stddev:.2f}']
        subprocess.run(['flite', '-voice', item['voice']] + setf + ['-t', chunk, '-o', part],
                       check=True, capture_output=True)
        parts.append(part)
    rate = int(subprocess.run(['soxi', '-r', parts[0]], check=True, capture_output=True).stdout)
    silence = os.path.join(tmp, 'pause.wav')
    subprocess.run(['sox', '-n', '-r', str(rate), '-c', '1', '-b', '16', silence, 'trim', '0',
                    f'{p["pause"] / 1000.0:.3f}'], check=True)
    joined = [parts[0]]
    for part in parts[1:]:
        joined += ([silence] if p['pause'] > 0 else []) + [part]
    cents = 1200 * (FLITE_PITCH_SCALE * np.log2(1 + p['pitch'] / 100.0) + item['pitch_offset'] / 12.0)
    subprocess.run(['sox', '-D'] + joined + [wav, 'pitch', f'{cents:.1f}'], check=True, capture_output=True)


def active_level_db(x):
    """Level of the active speech frames (prosody's gate), in dB of int16 full scale."""
    y = x / 32768.0
    e = prosody.frame_energy_db(y)
    if e.size == 0:
        return -100.0
    gate = max(prosody.ENERGY_FLOOR_DB, prosody.percentile(e, 95) - prosody.ACTIVE_BELOW_PEAK_DB)
    return float(10 * np.log10(np.mean(10 ** (e[e > gate] / 10))))


def synthesize(item):
    """Returns int16 samples at 8 kHz after the telephone channel."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, 'tts.wav')
        if item['engine'] == 'flite':
            speak_flite(item, wav, tmp)
        else:
            speak_espeak(item, wav)
        lo, hi = item['band']
        # -D: no dither, which sox otherwise draws afresh each run (the recipe must be repeatable)
        raw = subprocess.run(['sox', '-D', wav, '-t', 'raw', '-r', str(audio.SAMPLE_RATE), '-e', 'signed',
                              '-b', '16', '-c', '1', '-', 'sinc', f'{lo}-{hi}'],
                             check=True, capture_output=True).stdout
    x = np.frombuffer(raw, dtype='<i2').astype(np.float64)
    x = x[: int(MAX_SECONDS * audio.SAMPLE_RATE)]
    level = SPEECH_LEVEL_DB + item['level_db'] + item['prosody']['volume'] + item['gain_db']
    x = x * 10 ** ((level - active_level_db(x)) / 20)
    rng = np.random.default_rng(item['noise_seed'])
    speech_rms = np.sqrt(np.mean(x[np.abs(x) > 50] ** 2)) if np.any(np.abs(x) > 50) else 1000.0
    noise = rng.standard_normal(x.size) * speech_rms * 10 ** (-item['snr_db'] / 20)
    hum = 0.3 * speech_rms * 10 ** (-item['snr_db'] / 20) * np.sin(
        2 * np.pi * 60 * np.arange(x.size) / audio.SAMPLE_RATE + rng.uniform(0, 6.28))
    return np.clip(np.round(x + noise + hum), -32768, 32767).astype(np.int16)


def render(args):
    item, wav_dir = args
    pcm = synthesize(item)
    code = audio.mulaw_encode(pcm)
    ulaw = audio.mulaw_decode(code).astype(np.float32) / 32768.0
    if wav_dir:
        audio.write_wav_mulaw(os.path.join(wav_dir, item['id'] + '.wav'), pcm)
    stats, track = prosody.analyse(ulaw)
    return item, audio.log_mel(ulaw).astype(np.float16), stats, track.astype(np.float16), code


def build_split(seed, split, lang, n, out_npz, wav_dir=None, workers=2):
    items = [draw(seed, split, lang, i) for i in range(n)]
    if wav_dir:
        os.makedirs(wav_dir, exist_ok=True)
    with Pool(workers) as pool:
        done = pool.map(render, [(it, wav_dir) for it in items], chunksize=16)
    # the log-mel, the prosody vector and pitch track, and the G.711 bytes (prosody.py can be rerun
    # over them without synthesising again: features.py)
    np.savez(out_npz, *[d[1] for d in done])
    np.save(out_npz.replace('.npz', '-prosody.npy'), np.stack([d[2] for d in done]))
    np.savez(out_npz.replace('.npz', '-pitch.npz'), *[d[3] for d in done])
    np.savez(out_npz.replace('.npz', '-ulaw.npz'), *[d[4] for d in done])
    with open(out_npz.replace('.npz', '.jsonl'), 'w', encoding='utf-8') as f:
        for it, *_ in done:
            f.write(json.dumps(it, ensure_ascii=False) + '\n')
    if wav_dir:
        with open(os.path.join(wav_dir, 'references.jsonl'), 'w', encoding='utf-8') as f:
            for it, *_ in done:
                f.write(json.dumps({'file': it['id'] + '.wav', 'lang': lang,
                                    'emotion': it['emotion'], 'gender': it['gender'],
                                    'voice': it['voice'], 'cues': it['cues'],
                                    'references': it['references']}, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    seed, split, lang, n, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    build_split(seed, split, lang, n, out, sys.argv[6] if len(sys.argv) > 6 else None)
