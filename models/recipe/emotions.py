"""Emotions as prosody. Each emotion is a prototype of SSML prosody (pitch shift %, pitch range %,
rate %, volume dB, pause between phrases ms); a recording jitters its prototype, and the caption's
cue words are read off the jittered values, so the audio determines them. Pairs that differ only
subtly (neutral/calm, angry/frustrated, happy/surprised, anxious/surprised) are where a small model
is unsure."""
import numpy as np

EMOTIONS = ['neutral', 'calm', 'happy', 'surprised', 'angry', 'frustrated', 'sad', 'anxious']

# pitch %, range %, rate %, volume dB, pause ms
PROTOTYPES = {
    'neutral':    (0,   100, 100,  0,   0),
    'calm':       (-8,  70,  88,  -3,   120),
    'happy':      (22,  160, 108,  2,   0),
    'surprised':  (38,  210, 98,   4,   0),
    'angry':      (14,  135, 126,  8,   0),
    'frustrated': (6,   115, 116,  5,   60),
    'sad':        (-20, 50,  76,  -6,   350),
    'anxious':    (24,  90,  122, -2,   220),
}
JITTER = (6, 18, 6, 1.5, 60)


def sample_prosody(emotion, rng):
    proto = PROTOTYPES[emotion]
    vals = [p + rng.uniform(-j, j) for p, j in zip(proto, JITTER)]
    pitch, rng_pct, rate, vol, pause = vals
    return {'pitch': round(pitch, 1), 'range': round(max(30.0, rng_pct), 1),
            'rate': round(max(60.0, rate), 1), 'volume': round(vol, 1),
            'pause': int(max(0.0, pause))}


def cues(p):
    """Bucketed acoustic cues from prosody values: what a listener would name."""
    pitch = 'high' if p['pitch'] > 11 else 'low' if p['pitch'] < -10 else 'mid'
    pace = 'fast' if p['rate'] > 111 else 'slow' if p['rate'] < 91 else 'moderate'
    loud = 'loud' if p['volume'] > 3.5 else 'soft' if p['volume'] < -2.5 else 'normal'
    variation = 'wide' if p['range'] > 145 else 'flat' if p['range'] < 75 else 'normal'
    pauses = 'pauses' if p['pause'] > 150 else 'none'
    return {'pitch': pitch, 'pace': pace, 'loud': loud, 'variation': variation, 'pauses': pauses}


PAUSE_MARK = '\x00'


def _with_breaks(text, p):
    """The text with PAUSE_MARK where the pauses go: after commas and, for long pauses, between
    clauses (the middle word of a long English sentence, the middle of a long Mandarin one)."""
    if p['pause'] <= 0:
        return text
    for mark in (', ', '，', '、'):
        text = text.replace(mark, mark + PAUSE_MARK)
    words = text.split(' ')
    if len(words) > 6 and p['pause'] > 150:
        mid = len(words) // 2
        text = ' '.join(words[:mid]) + ' ' + PAUSE_MARK + ' ' + ' '.join(words[mid:])
    elif len(text) > 10 and not text.isascii() and p['pause'] > 150:
        mid = len(text) // 2
        text = text[:mid] + PAUSE_MARK + text[mid:]
    return text


def ssml(text, p):
    """SSML for espeak-ng: pitch, range and rate; pauses as breaks. Loudness is not here: espeak-ng
    hardly applies SSML volume (+8 dB measured +0.6 dB), so the corpus applies it as real gain."""
    text = _with_breaks(text, p).replace(PAUSE_MARK, f'<break time="{p["pause"]}ms"/>')
    sign = lambda v: f'+{v}' if v >= 0 else f'{v}'
    return (f'<speak><prosody pitch="{sign(p["pitch"])}%" range="{p["range"]}%" '
            f'rate="{p["rate"]}%">{text}</prosody></speak>')


def phrases(text, p):
    """The text cut where the pauses go (for a synthesiser without SSML breaks)."""
    return [c.strip() for c in _with_breaks(text, p).split(PAUSE_MARK) if c.strip()]


def rng_for(seed, *keys):
    return np.random.default_rng([seed] + [abs(hash_str(k)) for k in keys])


def hash_str(s):
    """Stable across runs (Python's hash() is salted)."""
    h = 2166136261
    for ch in str(s).encode('utf-8'):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h
