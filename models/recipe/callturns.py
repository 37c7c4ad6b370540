"""Robustness to where speech sits in the window. The Java pipeline cuts each channel of a call into
utterances with an energy endpointer; those cuts have ~40 ms of lead-in and a tail of the call's
near-silence instead of espeak-ng's padding with line noise. This cuts the demo calls (models/calls)
the same way (EnergyEndpointer + ChannelSegmenter, ported), matches each cut to its turn in
calls.jsonl by channel and time overlap, greedy-decodes both models and scores whether the caption
names the turn's emotion (as the Java EmotionLexicon reads it). For comparison: the same on the
turns' exact spans (espeak-ng's padding) and on the held-out set.
Usage: callturns.py --work W [--bundle models/bundled] [--calls models/calls] [--out F]"""
import argparse
import json
import os
import re
from collections import deque

import numpy as np

import audio
import decode
import prosody


class Endpointer:
    """Port of sec.inference.audio.EnergyEndpointer with EndpointerSettings.defaults(8000, 12): 20 ms
    frames, speech above -45 dBFS and 12 dB over a tracked noise floor, opens after 60 ms of speech
    keeping 40 ms before it, closes after 800 ms of silence keeping 600 ms, cut at 12 s, dropped
    under 300 ms."""

    def __init__(self, rate=audio.SAMPLE_RATE, frame_ms=20, threshold_db=-45.0, noise_margin_db=12.0,
                 min_speech_ms=60, hangover_ms=800, tail_ms=600, pre_roll_ms=40, min_utterance_ms=300,
                 max_utterance_ms=12000):
        self.rate, self.threshold_db, self.margin_db = rate, threshold_db, noise_margin_db
        self.min_speech_ms, self.hangover_ms, self.tail_ms = min_speech_ms, hangover_ms, tail_ms
        self.pre_roll_ms, self.min_utt_ms, self.max_utt_ms = pre_roll_ms, min_utterance_ms, max_utterance_ms
        self.frame_len = rate * frame_ms // 1000
        self.frame = []
        self.position = 0
        self.noise_db = -60.0
        self.pre_roll = deque(maxlen=rate * (pre_roll_ms + min_speech_ms) // 1000 + self.frame_len)
        self.speech = None
        self.speech_start = 0
        self.voiced_run = 0
        self.silent_run = 0

    def ms(self, samples):
        return samples * 1000 // self.rate

    def tail(self):
        return self.rate * self.tail_ms // 1000

    def accept(self, samples):
        """Feeds samples; returns the closed utterances as (start sample, samples)."""
        out, samples, at = [], np.asarray(samples, dtype=np.float32), 0
        while at < samples.size:
            take = min(self.frame_len - len(self.frame), samples.size - at)
            self.frame += samples[at:at + take].tolist()
            at += take
            if len(self.frame) == self.frame_len:
                self.on_frame(out)
                self.frame = []
        return out

    def flush(self):
        """End of the channel: closes an open utterance without the silence it ended in."""
        out = []
        if self.speech is not None:
            self.append(self.frame)
            self.position += len(self.frame)
            self.silent_run += len(self.frame)
            self.frame = []
            self.close(out, self.silent_run - self.tail())
        return out

    def on_frame(self, out):
        x = np.asarray(self.frame, dtype=np.float64)
        db = 10 * np.log10(np.sum(x * x) / x.size + 1e-12)
        voiced = db > self.threshold_db and db > self.noise_db + self.margin_db
        self.track_noise(db, voiced)
        self.position += self.frame_len
        if self.speech is None:
            self.pre_roll.extend(self.frame)
            self.voiced_run = self.voiced_run + self.frame_len if voiced else 0
            if self.ms(self.voiced_run) >= self.min_speech_ms:
                self.open()
            return
        self.append(self.frame)
        self.silent_run = 0 if voiced else self.silent_run + self.frame_len
        if self.ms(self.silent_run) >= self.hangover_ms:
            self.close(out, self.silent_run - self.tail())
        elif self.ms(len(self.speech)) >= self.max_utt_ms:
            self.close(out, 0)

    def open(self):
        keep = min(len(self.pre_roll), self.rate * (self.pre_roll_ms + self.ms(self.voiced_run)) // 1000)
        self.speech = list(self.pre_roll)[len(self.pre_roll) - keep:]
        self.speech_start = self.position - keep
        self.silent_run = self.voiced_run = 0
        self.pre_roll.clear()

    def close(self, out, drop_tail):
        length = max(0, len(self.speech) - max(0, drop_tail))
        voiced = length - min(self.silent_run, self.tail())  # the kept silence does not count
        if self.ms(voiced) >= self.min_utt_ms:
            out.append((self.speech_start, np.asarray(self.speech[:length], dtype=np.float32)))
        self.speech = None
        self.silent_run = 0

    def append(self, src):
        cap = self.rate * self.max_utt_ms // 1000
        self.speech.extend(src[:max(0, cap - len(self.speech))])

    def track_noise(self, db, voiced):
        """Follows quiet frames quickly, rises slowly; digital silence is ignored."""
        if db < -100:
            return
        if db < self.noise_db:
            self.noise_db = 0.7 * self.noise_db + 0.3 * db
        elif not voiced:
            self.noise_db += 0.05 * (db - self.noise_db)
        else:
            self.noise_db += 0.0005 * (db - self.noise_db)


def segment_channel(samples, rate=audio.SAMPLE_RATE):
    """One channel, start to end: [(start_ms, end_ms, samples)] as ChannelSegmenter gives them."""
    ep = Endpointer(rate)
    cuts = ep.accept(samples) + ep.flush()
    return [(s * 1000 // rate, (s + x.size) * 1000 // rate, x) for s, x in cuts]


def named_emotion(caption, lexicon):
    """Port of sec.inference.text.EmotionLexicon.find: the first emotion word in the caption decides;
    English words match whole words, CJK words as substrings."""
    text, best, found = caption.lower(), None, None
    for emotion, words in lexicon.items():
        for w in words:
            pat = re.escape(w.lower()) if not w.isascii() else r'(?<![^\W\d_])' + re.escape(w.lower()) + r'(?![^\W\d_])'
            m = re.search(pat, text)
            if m and (best is None or m.start() < best):
                best, found = m.start(), emotion
    return found


def emotion_lexicon():
    """model.json's "emotions" (imported late: export.py imports evaluate.py, which imports this)."""
    from export import emotion_lexicon as lexicon
    return lexicon()


def emotion_accuracy(captions, truths, lexicon):
    return round(100.0 * float(np.mean([named_emotion(c, lexicon) == t for c, t in zip(captions, truths)])), 1) \
        if truths else None


def decode_all(feats, lang, tok, context, verifier, drafter, batch=32):
    """Greedy captions (text) of both models for a list of utterances (decode.features) of one language."""
    drafts = [tok.decode(decode.drafter_greedy(drafter, f, lang)[0]) for f in feats]
    verified = []
    for s in range(0, len(feats), batch):
        ctx, ctx_len = decode.context_batch(context, feats[s:s + batch])
        verified += [tok.decode(v) for v in decode.verifier_greedy(verifier, ctx, ctx_len, [lang] * ctx.shape[0])]
    return drafts, verified


def cut_calls(calls_dir):
    """Every endpointer cut of every call with the turn it overlaps most (None when it overlaps none),
    and the turns themselves: [(call, lang, channel, start_ms, end_ms, samples, turn)], turns."""
    cuts, turns = [], []
    with open(os.path.join(calls_dir, 'calls.jsonl'), encoding='utf-8') as f:
        calls = [json.loads(line) for line in f]
    for call in calls:
        x, rate = audio.read_wav(os.path.join(calls_dir, call['file']))
        for t in call['turns']:
            c = call['channels'].index(t['channel'])
            t = dict(t, call=call['file'], lang=call['lang'],
                     samples=x[t['start_ms'] * rate // 1000:t['end_ms'] * rate // 1000, c])
            turns.append(t)
        for c, channel in enumerate(call['channels']):
            for start, end, samples in segment_channel(x[:, c], rate):
                overlap = [(min(end, t['end_ms']) - max(start, t['start_ms']), k) for k, t in enumerate(turns)
                           if t['call'] == call['file'] and t['channel'] == channel]
                best = max(overlap, default=(0, None))
                cuts.append({'call': call['file'], 'lang': call['lang'], 'channel': channel,
                             'start_ms': start, 'end_ms': end, 'samples': samples,
                             'turn': best[1] if best[0] > 0 else None})
    return cuts, turns


def with_baselines(utterances):
    """Features of each utterance in call order, each with the speaker baseline of the utterances of
    its call and channel before it (as the edge job keeps it in keyed state), and without."""
    baselines, with_b, without = {}, [], []
    for u in sorted(utterances, key=lambda u: (u['call'], u['channel'], u['start_ms'])):
        b = baselines.setdefault((u['call'], u['channel']), prosody.SpeakerBaseline())
        stats, track = prosody.analyse(u['samples'])
        mel = audio.log_mel(u['samples'])
        u['_feats'] = ((mel, track, prosody.with_baseline(stats, b.value())),
                       (mel, track, prosody.with_baseline(stats, None)))
        b.add(stats)
    for u in utterances:
        with_b.append(u['_feats'][0])
        without.append(u['_feats'][1])
        del u['_feats']
    return with_b, without


def evaluate_calls(calls_dir, tok, context, verifier, drafter, lexicon=None):
    """Per language: emotion accuracy of both models on the endpointer cuts (with the speaker baseline
    the pipeline keeps, and without) and on the turns' exact spans, with counts; plus every cut's
    captions for inspection."""
    lexicon = lexicon or emotion_lexicon()
    cuts, turns = cut_calls(calls_dir)
    report, details = {}, []
    for lang in sorted({t['lang'] for t in turns}):
        mine = [c for c in cuts if c['lang'] == lang and c['turn'] is not None]
        spans = [t for t in turns if t['lang'] == lang]
        cut_b, cut_none = with_baselines(mine)
        span_b, _ = with_baselines([dict(t, start_ms=t['start_ms']) for t in spans])
        d_cut, v_cut = decode_all(cut_b, lang, tok, context, verifier, drafter)
        d_none, v_none = decode_all(cut_none, lang, tok, context, verifier, drafter)
        d_pad, v_pad = decode_all(span_b, lang, tok, context, verifier, drafter)
        truth_cut = [turns[c['turn']]['emotion'] for c in mine]
        truth_pad = [t['emotion'] for t in spans]
        hit = {c['turn'] for c in mine}
        report[lang] = {
            'cuts': {'drafter': emotion_accuracy(d_cut, truth_cut, lexicon),
                     'verifier': emotion_accuracy(v_cut, truth_cut, lexicon), 'n': len(mine)},
            'cuts_without_baseline': {'drafter': emotion_accuracy(d_none, truth_cut, lexicon),
                                      'verifier': emotion_accuracy(v_none, truth_cut, lexicon), 'n': len(mine)},
            'turn_spans': {'drafter': emotion_accuracy(d_pad, truth_pad, lexicon),
                           'verifier': emotion_accuracy(v_pad, truth_pad, lexicon), 'n': len(spans)},
            'turns_without_cut': sum(1 for k, t in enumerate(turns) if t['lang'] == lang and k not in hit),
            'cuts_without_turn': sum(1 for c in cuts if c['lang'] == lang and c['turn'] is None),
        }
        for c, d, v in zip(mine, d_cut, v_cut):
            t = turns[c['turn']]
            details.append({'call': c['call'], 'channel': c['channel'], 'cut_ms': [c['start_ms'], c['end_ms']],
                            'turn_ms': [t['start_ms'], t['end_ms']], 'emotion': t['emotion'],
                            'drafter': d, 'verifier': v})
    return report, details


def main():
    import model
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', help='training work dir (models.pt, tokenizer.json)')
    ap.add_argument('--bundle', help='an exported bundle instead of the training checkpoint')
    ap.add_argument('--calls', default=os.path.join(os.path.dirname(__file__), '..', 'calls'))
    ap.add_argument('--out')
    args = ap.parse_args()
    model.setup_torch()
    if args.bundle:
        from bundle import load_bundle
        parts = load_bundle(args.bundle)
    else:
        from evaluate import load
        parts = load(args.work)
    report, details = evaluate_calls(args.calls, *parts)
    print(json.dumps(report))
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump({'report': report, 'cuts': details}, f, ensure_ascii=False, indent=1)


if __name__ == '__main__':
    main()
