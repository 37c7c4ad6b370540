"""Regenerates the Java audio front end's test fixtures from the recipe's own code (audio.py), so the
Java tests compare against Python's output, not against values our Java code produced.

    /usr/bin/python3 inference/src/test/resources/audio/make_fixtures.py

Writes, next to this script:
  chirp-mulaw.wav   8 kHz mu-law mono (audio.write_wav_mulaw): a 100 -> 3900 Hz chirp plus noise,
                    with a stretch of digital silence (exercises the log floor)
  tones-pcm16.wav   8 kHz PCM16 stereo: channel 0 two tones with an envelope, channel 1 noise
  logmel.json       audio.log_mel(audio.read_wav(f)[0][:, 0]) for both, float32 values in full
  g711.json         mu-law tables from audio.py, A-law tables from the stdlib audioop (ITU-T G.711)
"""
import audioop  # deprecated in 3.11, removed in 3.13: only needed to regenerate
import json
import os
import struct
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', '..', '..', '..', '..', 'models', 'recipe'))
import audio  # noqa: E402

rng = np.random.default_rng(20240611)
sr = audio.SAMPLE_RATE


def chirp():
    n = 6000
    t = np.arange(n) / sr
    f0, f1 = 100.0, 3900.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * t[-1]))
    x = 0.6 * np.sin(phase) + 0.02 * rng.standard_normal(n)
    x[2500:3300] = 0.0  # digital silence: mu-law 0xFF decodes to 0
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)


def write_pcm16(path, samples):
    """samples: (n, channels) int16."""
    channels = samples.shape[1]
    data = samples.astype('<i2').tobytes()
    fmt = struct.pack('<HHIIHH', 1, channels, sr, sr * 2 * channels, 2 * channels, 16)
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(data)) + data
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', len(body)) + body)


def tones():
    n = 4321  # not a whole number of hops: the trailing partial frame is dropped
    t = np.arange(n) / sr
    env = np.minimum(1.0, t / 0.1) * np.exp(-t)
    ch0 = env * (0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * 2750 * t + 0.3))
    ch1 = 0.1 * rng.standard_normal(n)
    x = np.stack([ch0, ch1], axis=1)
    return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)


def main():
    audio.write_wav_mulaw(os.path.join(here, 'chirp-mulaw.wav'), chirp())
    write_pcm16(os.path.join(here, 'tones-pcm16.wav'), tones())
    fixtures = []
    for name in ('chirp-mulaw.wav', 'tones-pcm16.wav'):
        samples, rate = audio.read_wav(os.path.join(here, name))
        mel = audio.log_mel(samples[:, 0])
        fixtures.append({'file': name, 'sample_rate': rate, 'samples': int(samples.shape[0]),
                         'channels': int(samples.shape[1]),
                         'log_mel': '@%d@' % len(fixtures)})
        # float32 values in their shortest round-tripping form (parsing and casting to float is exact)
        rows = ['[' + ','.join(np.format_float_positional(v, unique=True, trim='0') for v in row) + ']'
                for row in mel]
        fixtures[-1]['_rows'] = '[' + ','.join(rows) + ']'
    text = json.dumps({'generator': 'make_fixtures.py (models/recipe/audio.py log_mel)',
                       'fixtures': [{k: v for k, v in f.items() if k != '_rows'} for f in fixtures]})
    for i, f in enumerate(fixtures):
        text = text.replace('"@%d@"' % i, f['_rows'])
    with open(os.path.join(here, 'logmel.json'), 'w') as f:
        f.write(text)

    values = list(range(-32768, 32768, 32)) + [32767, -1, 1, 2, 3, 7, 8, 9, -2, -7, -8, -9, 32635, 32636, -32635,
                                                   -32636, 32124, -32124, 32256, -32256]
    v16 = np.array(values, dtype=np.int16)
    g711 = {
        'mulaw_decode': audio.mulaw_decode(np.arange(256)).tolist(),
        'alaw_decode': list(np.frombuffer(audioop.alaw2lin(bytes(range(256)), 2), dtype='<i2').tolist()),
        'encode_inputs': values,
        'mulaw_encode': audio.mulaw_encode(v16).tolist(),
        'alaw_encode': list(audioop.lin2alaw(v16.astype('<i2').tobytes(), 2)),
    }
    with open(os.path.join(here, 'g711.json'), 'w') as f:
        json.dump(g711, f)


if __name__ == '__main__':
    main()
