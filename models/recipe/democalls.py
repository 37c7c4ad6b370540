"""Sample two-party calls for the demo: stereo G.711 mu-law WAVs (left = agent, right = customer),
20-60 s, mixed emotions, both languages; calls.jsonl lists every turn with its time span, emotion
and reference captions."""
import json
import os
import sys

import numpy as np

import audio
import corpus
import emotions

# Per call: language, customer emotions in order (agents stay calm, neutral or happy).
ARCS = [
    ('en', ['neutral', 'frustrated', 'angry', 'frustrated', 'calm', 'happy']),
    ('en', ['anxious', 'anxious', 'surprised', 'happy']),
    ('en', ['sad', 'sad', 'neutral', 'calm', 'happy']),
    ('en', ['angry', 'angry', 'frustrated', 'neutral', 'surprised', 'calm']),
    ('zh', ['neutral', 'frustrated', 'angry', 'happy']),
    ('zh', ['anxious', 'surprised', 'happy', 'happy']),
    ('zh', ['sad', 'neutral', 'calm', 'calm']),
    ('zh', ['frustrated', 'angry', 'neutral', 'happy']),
]
AGENT_EMOTIONS = ['calm', 'neutral', 'happy']


def turn(seed, call, k, lang, emotion, party):
    return corpus.draw(seed, f'call{call:02d}', lang, k, emotion=emotion, voice=party)


def build_call(seed, call, lang, arc, out_dir):
    """Each party is one speaker (voice, base pitch, level) for the whole call, drawn as a training
    speaker is (espeak-ng or, in English, flite's training voices), though never one of them."""
    rng = emotions.rng_for(seed, 'call-parties', call)
    parties = []
    for r, role in enumerate(('agent', 'customer')):
        gender = 'male' if rng.random() < 0.5 else 'female'
        party = corpus.speaker(seed, 'calls', lang, 2 * call + r, gender)
        parties.append(dict(party, role=role, id=f'call{call:02d}-{role}'))
    tracks, turns, cursor, k = [[], []], [], 0, 0
    for emotion in arc:
        for ch, party in enumerate(parties):
            emo = emotion if ch == 1 else AGENT_EMOTIONS[k % len(AGENT_EMOTIONS)]
            item = turn(seed, call, k, lang, emo, party)
            pcm = corpus.synthesize(item)
            gap = int(rng.uniform(0.4, 1.0) * audio.SAMPLE_RATE)
            for c in (0, 1):
                tracks[c].append(pcm if c == ch else np.zeros(pcm.size, dtype=np.int16))
                tracks[c].append(np.zeros(gap, dtype=np.int16))
            turns.append({'channel': party['role'].upper(), 'start_ms': cursor * 1000 // audio.SAMPLE_RATE,
                          'end_ms': (cursor + pcm.size) * 1000 // audio.SAMPLE_RATE,
                          'emotion': emo, 'gender': party['gender'], 'text': item['text'],
                          'references': item['references']})
            cursor += pcm.size + gap
            k += 1
    noise_rng = np.random.default_rng([seed, call])
    stereo = np.stack([np.concatenate(t) for t in tracks], axis=1).astype(np.float64)
    stereo += noise_rng.standard_normal(stereo.shape) * 20
    name = f'call-{call:02d}-{lang}.wav'
    audio.write_wav_mulaw(os.path.join(out_dir, name),
                          np.clip(np.round(stereo), -32768, 32767).astype(np.int16), channels=2)
    seconds = stereo.shape[0] / audio.SAMPLE_RATE
    return {'file': name, 'lang': lang, 'seconds': round(seconds, 2),
            'channels': ['AGENT', 'CUSTOMER'], 'parties': parties, 'turns': turns}


if __name__ == '__main__':
    seed, out_dir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'calls.jsonl'), 'w', encoding='utf-8') as f:
        for call, (lang, arc) in enumerate(ARCS, start=1):
            meta = build_call(seed, call, lang, arc, out_dir)
            assert 20 <= meta['seconds'] <= 60, f'{meta["file"]} lasts {meta["seconds"]} s'
            f.write(json.dumps(meta, ensure_ascii=False) + '\n')
            print(meta['file'], meta['seconds'], 's', len(meta['turns']), 'turns')
