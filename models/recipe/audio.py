"""Audio helpers shared by the recipe: WAV I/O (PCM16 and G.711 mu-law), the telephone channel and
the log-mel front end. The Java front end must reproduce `log_mel` exactly; model.json records every
constant used here."""
import struct

import numpy as np

SAMPLE_RATE = 8000
N_FFT = 256          # 32 ms frame
HOP = 80             # 10 ms hop
N_MELS = 40
F_MIN = 60.0
F_MAX = 3800.0
LOG_FLOOR = 1e-6     # log(max(mel_power, floor))


def mulaw_encode(x):
    """G.711 mu-law (ITU-T, with the bias of 0x84) from int16 samples to bytes."""
    x = np.asarray(x, dtype=np.int32)
    sign = np.where(x < 0, 0x80, 0x00)
    mag = np.minimum(np.abs(x), 32635) + 0x84
    exponent = np.floor(np.log2(mag)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (mag >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def mulaw_decode(b):
    """G.711 mu-law bytes to int16 samples (the standard table)."""
    u = (~np.asarray(b, dtype=np.int32)) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(sign != 0, -mag, mag).astype(np.int16)


def write_wav_mulaw(path, samples_int16, channels=1):
    """Writes WAVE_FORMAT_MULAW (tag 7), 8 kHz, 8 bits per sample. `samples_int16` is
    (n,) or (n, channels)."""
    data = mulaw_encode(np.asarray(samples_int16).reshape(-1)).tobytes()
    rate = SAMPLE_RATE
    fmt = struct.pack('<HHIIHHH', 7, channels, rate, rate * channels, channels, 8, 0)
    fact = struct.pack('<I', len(data) // channels)
    pad = b'\x00' if len(data) % 2 else b''
    body = (b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt
            + b'fact' + struct.pack('<I', 4) + fact
            + b'data' + struct.pack('<I', len(data)) + data + pad)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', len(body)) + body)


def read_wav(path):
    """Returns (float32 samples in [-1, 1] shaped (n, channels), sample_rate). PCM16 and mu-law."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:4] != b'RIFF' or raw[8:12] != b'WAVE':
        raise ValueError(f'{path}: not a RIFF/WAVE file')
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos:pos + 4], struct.unpack('<I', raw[pos + 4:pos + 8])[0]
        chunk = raw[pos + 8:pos + 8 + size]
        if cid == b'fmt ':
            fmt = struct.unpack('<HHIIHH', chunk[:16])
        elif cid == b'data':
            data = chunk
        pos += 8 + size + (size & 1)
    tag, channels, rate, _, _, bits = fmt
    if tag == 7 and bits == 8:
        x = mulaw_decode(np.frombuffer(data, dtype=np.uint8)).astype(np.float32) / 32768.0
    elif tag == 1 and bits == 16:
        x = np.frombuffer(data, dtype='<i2').astype(np.float32) / 32768.0
    else:
        raise ValueError(f'{path}: unsupported WAV format tag {tag} with {bits} bits')
    return x.reshape(-1, channels), rate


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank():
    """HTK-style triangular filters on the rfft bins, unnormalised (peak 1). Shape (N_MELS, N_FFT//2+1)."""
    bins = np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT
    edges = mel_to_hz(np.linspace(hz_to_mel(F_MIN), hz_to_mel(F_MAX), N_MELS + 2))
    fb = np.zeros((N_MELS, bins.size))
    for m in range(N_MELS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    return fb


_WINDOW = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
_FILTERS = mel_filterbank()


def log_mel(x):
    """x: float samples at 8 kHz in [-1, 1]. Frames start at 0 with no padding; a trailing partial
    frame is dropped; fewer than N_FFT samples give zero frames. Power spectrum |rfft|^2 of the
    Hann-windowed frame, mel filters, natural log with a floor. Returns float32 (frames, N_MELS)."""
    x = np.asarray(x, dtype=np.float64)
    n = 0 if x.size < N_FFT else 1 + (x.size - N_FFT) // HOP
    if n == 0:
        return np.zeros((0, N_MELS), dtype=np.float32)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    spec = np.fft.rfft(x[idx] * _WINDOW, axis=1)
    power = spec.real ** 2 + spec.imag ** 2
    return np.log(np.maximum(power @ _FILTERS.T, LOG_FLOOR)).astype(np.float32)
