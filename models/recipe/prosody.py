"""The prosody front end: what a listener hears of emotion that 40 log-mel bands carry only coarsely.
Per 10 ms frame, energy and a YIN pitch estimate with a voicing decision; per utterance, a vector
of statistics (pitch level and spread, loudness, voicing, pauses, rate) and the deviation from the
speaker's baseline (the running mean of the speaker's earlier utterances in a call; zero with a
flag of 0 when there is none). The Java front end (sec.inference.audio.ProsodyFeatures) computes
the same vector within 1e-3; model.json records every constant here.

Everything runs in float64 on samples in [-1, 1] at 8 kHz."""
import numpy as np

SAMPLE_RATE = 8000
HOP = 80              # 10 ms, the log-mel hop
WINDOW = 200          # 25 ms: the YIN integration window
TAU_MIN = 16          # 500 Hz
TAU_MAX = 114         # ~70 Hz
VOICED_MAX = 0.35     # a frame is voiced when its aperiodicity is under this
OCTAVE_REACH = 0.9    # a frame's period lies within this many octaves of the utterance's
ENERGY_FLOOR_DB = -60.0    # frames quieter than this (dBFS) are never speech
ACTIVE_BELOW_PEAK_DB = 25.0  # speech frames: within this of the utterance's 95th-percentile level
NOISE_MARGIN_DB = 8.0      # speech frames stand this far over the cut's quietest 5 %
PAUSE_MIN_FRAMES = 8       # a silence of 80 ms inside the speech span counts as a pause
NUCLEUS_HALF = 4           # a nucleus is the loudest frame within +-40 ms
NUCLEUS_REACH = 15         # and stands NUCLEUS_DIP_DB over the quietest frame within 150 ms on each side
NUCLEUS_DIP_DB = 3.0
MIN_VOICED = 10            # fewer voiced frames than this: pitch statistics are 0 and `voiced` is 0
F0_REF_HZ = 100.0          # semitones are counted from here
PITCH_TRACK_SCALE = 6.0    # the per-frame track in half-octaves from the utterance's median

NAMES = ['f0_median', 'f0_p10', 'f0_p90', 'f0_spread', 'f0_delta', 'level', 'energy_p90',
         'energy_spread', 'voiced_ratio', 'pause_ratio', 'pause_rate', 'pause_ms', 'syllable_rate',
         'speech_s', 'span_s', 'voiced', 'has_baseline', 'f0_vs_baseline', 'level_vs_baseline',
         'spread_vs_baseline']
DIM = len(NAMES)
UTTERANCE_DIM = DIM - 4    # the last four come from the speaker baseline
IX = {n: i for i, n in enumerate(NAMES)}
BASELINE_FROM = ['f0_median', 'level', 'f0_spread']   # the stats the speaker baseline keeps means of
BASELINE_F0, BASELINE_LEVEL, BASELINE_SPREAD = (IX[n] for n in BASELINE_FROM)


def frames(x):
    """Number of analysis frames: frame t covers x[t*HOP : t*HOP + WINDOW + TAU_MAX]."""
    return 0 if x.size < WINDOW + TAU_MAX else 1 + (x.size - WINDOW - TAU_MAX) // HOP


def frame_energy_db(x):
    n = frames(x)
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(n)[:, None]
    return 10.0 * np.log10(np.mean(x[idx] ** 2, axis=1) + 1e-10)


def normalised_difference(d):
    """YIN's cumulative-mean-normalised difference of d[0..TAU_MAX] (index 0 is 1)."""
    cmn = np.ones(TAU_MAX + 1)
    total = 0.0
    for tau in range(1, TAU_MAX + 1):
        total += d[tau]
        cmn[tau] = d[tau] * tau / total if total > 0 else 1.0
    return cmn


def deepest_minimum(cmn, lo, hi):
    """The deepest interior local minimum of cmn over lags lo..hi (both bounds excluded), or -1."""
    tau, best = -1, 2.0
    for k in range(max(lo, TAU_MIN) + 1, min(hi, TAU_MAX)):
        if cmn[k] <= cmn[k - 1] and cmn[k] < cmn[k + 1] and cmn[k] < best:
            tau, best = k, cmn[k]
    return tau


def refine(cmn, tau):
    """(f0 Hz, aperiodicity) at lag tau with parabolic interpolation."""
    a, b, c = cmn[tau - 1], cmn[tau], cmn[tau + 1]
    den = a - 2 * b + c
    frac = tau + 0.5 * (a - c) / den if den > 0 else float(tau)
    return SAMPLE_RATE / frac, float(b)


def yin_all(x, active):
    """f0 and aperiodicity per frame (inactive or unvoiced frames: 0, 1). Two passes, because
    telephone-band speech (the fundamental and often the second harmonic filtered out) gives YIN
    dips at fractions of the period: the utterance's period is the median of the frames' deepest
    minima (over frames that look periodic), and each frame then takes its deepest minimum within
    OCTAVE_REACH octaves of it."""
    n = frames(x)
    f0, ap = np.zeros(n), np.ones(n)
    idx = np.flatnonzero(active)
    if idx.size == 0:
        return f0, ap
    starts = idx * HOP
    base = x[starts[:, None] + np.arange(WINDOW)[None, :]]
    d = np.zeros((idx.size, TAU_MAX + 1))
    for tau in range(1, TAU_MAX + 1):
        diff = base - x[starts[:, None] + tau + np.arange(WINDOW)[None, :]]
        d[:, tau] = np.einsum('ij,ij->i', diff, diff)
    cmns = [normalised_difference(row) for row in d]
    lags = []
    for c in cmns:
        tau = deepest_minimum(c, TAU_MIN, TAU_MAX)
        if tau > 0 and c[tau] < VOICED_MAX:
            lags.append(float(tau))
    if not lags:
        return f0, ap
    t0 = percentile(np.array(lags), 50)
    lo = int(np.floor(t0 * 2.0 ** -OCTAVE_REACH))
    hi = int(np.ceil(t0 * 2.0 ** OCTAVE_REACH))
    for j, t in enumerate(idx):
        tau = deepest_minimum(cmns[j], lo, hi)
        if tau > 0:
            f0[t], ap[t] = refine(cmns[j], tau)
    return f0, ap


def percentile(v, q):
    """Linear interpolation between closest ranks (numpy's default), written out for the Java port."""
    s = np.sort(v)
    pos = (s.size - 1) * q / 100.0
    lo = int(np.floor(pos))
    hi = min(lo + 1, s.size - 1)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


def runs(mask):
    """(start, length) of each run of True."""
    out, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        elif not m and start is not None:
            out.append((start, i - start))
            start = None
    if start is not None:
        out.append((start, len(mask) - start))
    return out


def speech_gate(e):
    """Frames louder than this (dB) are speech: within ACTIVE_BELOW_PEAK_DB of the 95th percentile,
    NOISE_MARGIN_DB over the 5th (the line's floor when the cut has any silence), over the floor."""
    return max(ENERGY_FLOOR_DB, percentile(e, 95) - ACTIVE_BELOW_PEAK_DB, percentile(e, 5) + NOISE_MARGIN_DB)


def smoothed(e):
    """Each frame's level averaged with its neighbours (the ends with the one they have)."""
    out = np.empty_like(e)
    for t in range(e.size):
        lo, hi = max(0, t - 1), min(e.size, t + 2)
        out[t] = np.mean(e[lo:hi])
    return out


def nuclei(e, active):
    """Syllable nuclei: active frames of the smoothed level that are the loudest within
    +-NUCLEUS_HALF frames and stand NUCLEUS_DIP_DB over the quietest frame on each side of them
    within NUCLEUS_REACH frames."""
    e = smoothed(e)
    n, count = e.size, 0
    for t in range(n):
        if not active[t]:
            continue
        lo, hi = max(0, t - NUCLEUS_HALF), min(n, t + NUCLEUS_HALF + 1)
        if e[t] < np.max(e[lo:hi]) or (t > lo and e[t - 1] == e[t]):
            continue
        left = np.min(e[max(0, t - NUCLEUS_REACH):t + 1])
        right = np.min(e[t:min(n, t + NUCLEUS_REACH + 1)])
        if e[t] - left >= NUCLEUS_DIP_DB and e[t] - right >= NUCLEUS_DIP_DB:
            count += 1
    return count


def mel_frames(samples):
    """Log-mel frames of an utterance (audio.log_mel's count): the per-frame pitch track has as many."""
    return 0 if samples < 256 else 1 + (samples - 256) // HOP


def utterance_stats(x):
    """The first UTTERANCE_DIM entries of the vector, from one utterance's samples (float, [-1, 1])."""
    return analyse(x)[0]


def analyse(x):
    """(utterance stats [UTTERANCE_DIM], pitch track [mel frames, 2]). The pitch track is, per 10 ms
    frame aligned with log-mel frame t, (semitones from the utterance's median pitch / PITCH_TRACK_SCALE,
    1) where the frame is voiced and (0, 0) elsewhere; frames past the last pitch frame are (0, 0)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros(UTTERANCE_DIM)
    track = np.zeros((mel_frames(x.size), 2), dtype=np.float32)
    n = frames(x)
    if n == 0:
        return out, track
    e = frame_energy_db(x)
    active = e > speech_gate(e)
    if not active.any():
        return out, track
    f0, ap = yin_all(x, active)
    voiced = active & (ap < VOICED_MAX)
    first, last = int(np.argmax(active)), n - 1 - int(np.argmax(active[::-1]))
    span = last - first + 1
    ea = e[active]
    out[IX['level']] = float(10 * np.log10(np.mean(10 ** (ea / 10))))
    out[IX['energy_p90']] = percentile(ea, 90)
    out[IX['energy_spread']] = percentile(ea, 90) - percentile(ea, 10)
    out[IX['voiced_ratio']] = float(voiced.sum()) / float(active.sum())
    inside = ~active[first:last + 1]
    out[IX['pause_ratio']] = float(inside.sum()) / span
    gaps = [ln for _, ln in runs(inside) if ln >= PAUSE_MIN_FRAMES]
    out[IX['span_s']] = span / 100.0
    out[IX['speech_s']] = float(active.sum()) / 100.0
    out[IX['pause_rate']] = len(gaps) / out[IX['span_s']]
    out[IX['pause_ms']] = 10.0 * float(np.mean(gaps)) if gaps else 0.0
    out[IX['syllable_rate']] = nuclei(e, active) / out[IX['speech_s']]
    if voiced.sum() >= MIN_VOICED:
        st = 12.0 * np.log2(f0[voiced] / F0_REF_HZ)
        out[IX['f0_median']] = percentile(st, 50)
        out[IX['f0_p10']] = percentile(st, 10)
        out[IX['f0_p90']] = percentile(st, 90)
        out[IX['f0_spread']] = out[IX['f0_p90']] - out[IX['f0_p10']]
        # mean absolute semitone step between neighbouring voiced frames (intonation movement)
        both = voiced[1:] & voiced[:-1]
        if both.any():
            steps = np.abs(12.0 * np.log2(f0[1:][both] / f0[:-1][both]))
            out[IX['f0_delta']] = float(np.mean(np.minimum(steps, 12.0)))
        out[IX['voiced']] = 1.0
        idx = np.flatnonzero(voiced)
        track[idx, 0] = (st - out[IX['f0_median']]) / PITCH_TRACK_SCALE
        track[idx, 1] = 1.0
    return out, track


def with_baseline(stats, baseline):
    """The full vector: utterance stats + (has_baseline, f0 - baseline f0, energy - baseline energy,
    f0 spread - baseline spread). `baseline` is None or (f0_median mean, level mean, f0_spread mean)
    over the speaker's earlier utterances, the pitch means over those with pitch (None without);
    the pitch deviations are 0 when this utterance or the baseline has too little voicing. The
    spread is the caller's own intonation range: voices differ in it by more than emotions do."""
    v = np.zeros(DIM)
    v[:UTTERANCE_DIM] = stats
    if baseline is not None:
        v[UTTERANCE_DIM] = 1.0
        bf0, ben, bspread = baseline
        pitched = stats[IX['voiced']] > 0 and bf0 is not None
        v[UTTERANCE_DIM + 1] = stats[BASELINE_F0] - bf0 if pitched else 0.0
        v[UTTERANCE_DIM + 2] = stats[BASELINE_LEVEL] - ben
        v[UTTERANCE_DIM + 3] = stats[BASELINE_SPREAD] - bspread if pitched else 0.0
    return v


class SpeakerBaseline:
    """Running means over a speaker's utterances so far (the Java SpeakerBaseline keeps the same in
    keyed state): f0 median and f0 spread over the utterances with pitch, level over all."""

    def __init__(self):
        self.n, self.f0_n, self.f0_sum, self.energy_sum, self.spread_sum = 0, 0, 0.0, 0.0, 0.0

    def value(self):
        if self.n == 0:
            return None
        if not self.f0_n:
            return (None, self.energy_sum / self.n, None)
        return (self.f0_sum / self.f0_n, self.energy_sum / self.n, self.spread_sum / self.f0_n)

    def add(self, stats):
        self.n += 1
        self.energy_sum += stats[BASELINE_LEVEL]
        if stats[IX['voiced']] > 0:
            self.f0_n += 1
            self.f0_sum += stats[BASELINE_F0]
            self.spread_sum += stats[BASELINE_SPREAD]


# Speech or not: every recording of the corpus passes but 12 of 12,000 training ones (two Mandarin
# male voices whose pitch sits under TAU_MAX's 70 Hz); silence, steady tones and stationary noise
# have no frame over the speech gate; beeps have no syllables; a modulated tone has no intonation.
SPEECH_MIN_SECONDS = 0.2
SPEECH_MIN_SYLLABLE_RATE = 1.0
SPEECH_MIN_F0_DELTA = 0.02
SPEECH_MIN_F0_SPREAD = 0.15


def is_speech(stats):
    return bool(stats[IX['voiced']] > 0 and stats[IX['speech_s']] >= SPEECH_MIN_SECONDS
                and stats[IX['syllable_rate']] >= SPEECH_MIN_SYLLABLE_RATE
                and stats[IX['f0_delta']] >= SPEECH_MIN_F0_DELTA
                and stats[IX['f0_spread']] >= SPEECH_MIN_F0_SPREAD)
