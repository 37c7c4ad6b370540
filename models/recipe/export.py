"""Exports the trained pair: drafter/encoder.onnx, drafter/decoder.onnx, drafter/context.onnx
(opset 17), verifier/verifier.pt (TorchScript), tokenizer.json, model.json; checks every export
against the eager modules on inputs of other shapes than the ones traced. build.sh then moves the
decoder's cross-attention K/V projections to drafter/cross_kv.onnx (split_cross_kv.py)."""
import argparse
import json
import os
import shutil

import torch

import audio
import decode
import model
import prosody
from evaluate import load
from tokenizer import BOS, EOS, LANG_TOKEN, PAD, SPECIALS, UNK

OPSET = 17


def export_onnx(module, args, path, inputs, outputs, axes):
    torch.onnx.export(module, args, path, opset_version=OPSET, input_names=inputs,
                      output_names=outputs, dynamic_axes=axes, do_constant_folding=True)


AUDIO_INPUTS = ['log_mel', 'pitch', 'prosody']
AUDIO_AXES = {'log_mel': {0: 'batch', 1: 'frames'}, 'pitch': {0: 'batch', 1: 'frames'}, 'prosody': {0: 'batch'}}


def export_drafter(drafter, context, out):
    os.makedirs(os.path.join(out, 'drafter'), exist_ok=True)
    audio_in = (torch.randn(1, 173, 40) - 4, torch.randn(1, 173, model.PITCH_DIM),
                torch.randn(1, model.PROSODY_DIM))
    export_onnx(drafter.encoder, audio_in, os.path.join(out, 'drafter', 'encoder.onnx'),
                AUDIO_INPUTS, ['encoder_states'], dict(AUDIO_AXES, encoder_states={0: 'batch', 1: 'steps'}))
    export_onnx(context, audio_in, os.path.join(out, 'drafter', 'context.onnx'),
                AUDIO_INPUTS, ['context'], dict(AUDIO_AXES, context={0: 'batch', 1: 'steps'}))
    check_audio_exports(drafter, context, out)
    dec = drafter.decoder
    layers, heads, dh = dec.n_layers, dec.heads, dec.dim // dec.heads
    b, s, p, t = 2, 3, 5, 22
    past = [torch.randn(b, heads, p, dh) for _ in range(2 * layers)]
    args = (torch.randint(6, 50, (b, s)), torch.arange(p, p + s).repeat(b, 1),
            torch.randn(b, t, dec.dim), torch.ones(b, t), torch.ones(b, p + s), *past)
    past_names = [f'past_{kind}_{i}' for i in range(layers) for kind in ('key', 'value')]
    present_names = [n.replace('past', 'present') for n in past_names]
    axes = {'input_ids': {0: 'batch', 1: 'new'}, 'position_ids': {0: 'batch', 1: 'new'},
            'encoder_states': {0: 'batch', 1: 'steps'}, 'encoder_mask': {0: 'batch', 1: 'steps'},
            'self_mask': {0: 'batch', 1: 'total'}, 'logits': {0: 'batch', 1: 'new'}}
    axes.update({n: {0: 'batch', 2: 'past'} for n in past_names})
    axes.update({n: {0: 'batch', 2: 'total'} for n in present_names})
    export_onnx(model.DrafterStep(dec), args, os.path.join(out, 'drafter', 'decoder.onnx'),
                ['input_ids', 'position_ids', 'encoder_states', 'encoder_mask', 'self_mask'] + past_names,
                ['logits'] + present_names, axes)
    return {'layers': layers, 'heads': heads, 'head_dim': dh, 'dim': dec.dim,
            'past_inputs': past_names, 'present_outputs': present_names}


def check_audio_exports(drafter, context, out):
    """The exported encoders against the eager modules on another length than the one traced."""
    import onnx
    for name in ('encoder', 'context'):
        onnx.checker.check_model(os.path.join(out, 'drafter', f'{name}.onnx'))
    with torch.no_grad():
        mel, pitch, vec = torch.randn(2, 61, 40) - 4, torch.randn(2, 61, model.PITCH_DIM), torch.randn(2, model.PROSODY_DIM)
        assert drafter.encoder(mel, pitch, vec).shape == (2, 1 + 8, drafter.decoder.dim)
        assert context(mel, pitch, vec).shape == (2, 1 + 8, context.context_dim)


def prosody_manifest():
    """Every constant of the prosody front end, for the Java port (sec.inference.audio.ProsodyFeatures)."""
    return {'vector': prosody.NAMES, 'dim': prosody.DIM, 'utterance_dim': prosody.UTTERANCE_DIM,
            'baseline_from': prosody.BASELINE_FROM,
            'hop': prosody.HOP, 'window': prosody.WINDOW, 'tau_min': prosody.TAU_MIN, 'tau_max': prosody.TAU_MAX,
            'voiced_max': prosody.VOICED_MAX, 'octave_reach': prosody.OCTAVE_REACH,
            'energy_floor_db': prosody.ENERGY_FLOOR_DB, 'active_below_peak_db': prosody.ACTIVE_BELOW_PEAK_DB,
            'noise_margin_db': prosody.NOISE_MARGIN_DB, 'pause_min_frames': prosody.PAUSE_MIN_FRAMES,
            'nucleus_half': prosody.NUCLEUS_HALF, 'nucleus_reach': prosody.NUCLEUS_REACH,
            'nucleus_dip_db': prosody.NUCLEUS_DIP_DB, 'min_voiced': prosody.MIN_VOICED,
            'f0_ref_hz': prosody.F0_REF_HZ, 'pitch_track_scale': prosody.PITCH_TRACK_SCALE,
            'pitch_track': '[frames, 2] per log-mel frame: (semitones from the median / scale, 1) voiced, (0, 0) not',
            'note': 'models/recipe/prosody.py is the definition; the baseline part is (has_baseline, '
                    'f0_median - running mean of earlier f0_median, level - running mean of level, f0_spread - running '
                    'mean of earlier f0_spread; the pitch means over the utterances with pitch, their deviations 0 '
                    'without pitch)'}


def export_verifier(verifier_export, out):
    os.makedirs(os.path.join(out, 'verifier'), exist_ok=True)
    scripted = torch.jit.script(verifier_export)
    path = os.path.join(out, 'verifier', 'verifier.pt')
    scripted.save(path)
    loaded = torch.jit.load(path)
    ctx = torch.randint(-127, 128, (3, 29, verifier_export.v.context_dim), dtype=torch.int8)
    ctx_len = torch.tensor([29, 17, 5])
    ids = torch.randint(6, 50, (3, 11))
    ids_len = torch.tensor([11, 7, 3])
    want = verifier_export(ctx, ctx_len, ids, ids_len)
    got = loaded(ctx, ctx_len, ids, ids_len)
    err = float((want - got).abs().max())
    assert err < 1e-4, f'TorchScript verifier differs from eager by {err}'
    return path


def emotion_lexicon():
    """Which caption words name which emotion (English words, Mandarin words), from the templates."""
    from captions import EN_EMO, ZH_EMO
    return {e: sorted({EN_EMO[e][0], EN_EMO[e][1], ZH_EMO[e][0], ZH_EMO[e][1]}) for e in EN_EMO}


def emotion_tokens(tok):
    """Token ids of every emotion word: the tokens where the edge's emotion gate uses its lower τ."""
    return sorted({i for words in emotion_lexicon().values() for w in words for i in tok.encode(w)})


def manifest(vocab, drafter_info, out, tok, context_dim):
    return {
        'name': 'sec-emotion-v2',
        'languages': ['en', 'zh'],
        'audio': {'sample_rate': audio.SAMPLE_RATE, 'n_fft': audio.N_FFT, 'win_length': audio.N_FFT,
                  'hop_length': audio.HOP, 'window': 'hann_periodic', 'center': False,
                  'n_mels': audio.N_MELS, 'f_min': audio.F_MIN, 'f_max': audio.F_MAX,
                  'mel_scale': 'htk', 'mel_norm': None, 'power': 2.0, 'log': 'natural',
                  'log_floor': audio.LOG_FLOOR, 'max_seconds': 12.0,
                  'pad_value': 'log(log_floor): padding frames are silence',
                  'note': 'frames start at sample 0, hop 80, a trailing partial frame is dropped; '
                          'log(max(mel_power, log_floor)); the models normalise internally'},
        'encoder': {'downsample': 8, 'prosody_steps': 1, 'steps': '1 + ceil(frames / 8): the prosody step, then the audio'},
        'prosody': prosody_manifest(),
        'context': {'file': 'drafter/context.onnx', 'dim': context_dim, 'dtype': 'int8',
                    'frame_ms': 80, 'scale': model.CONTEXT_SCALE,
                    'bytes_per_second': 1000 // 80 * context_dim},
        'tokenizer': 'tokenizer.json',
        'vocab_size': vocab,
        'special_tokens': {'pad': PAD, 'unk': UNK, 'bos': BOS, 'eos': EOS,
                           'languages': LANG_TOKEN, 'names': SPECIALS},
        'prompt': ['<bos>', '<lang>'],
        'max_caption_tokens': decode.MAX_CAPTION_TOKENS,
        'detokenize': 'join with spaces; no space before punctuation, none next to CJK characters',
        'entropy': 'natural log, softmax over the full vocabulary',
        'emotions': emotion_lexicon(),
        'emotion_tokens': emotion_tokens(tok),
        'drafter': dict({'encoder': 'drafter/encoder.onnx', 'decoder': 'drafter/decoder.onnx',
                         'opset': OPSET}, **drafter_info),
        'verifier': {'file': 'verifier/verifier.pt', 'format': 'torchscript',
                     'inputs': [f'context int8 [B,T,{context_dim}] (frame 0: the prosody frame)', 'context_lengths int64 [B]',
                                'tokens int64 [B,L] (prompt + prefix + block, right-padded)',
                                'token_lengths int64 [B]'],
                     'output': 'logits float32 [B,L,V]; row i predicts token i+1'},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    model.setup_torch()
    tok, context, verifier_export, drafter = load(args.work)
    info = export_drafter(drafter, context, args.out)
    export_verifier(verifier_export, args.out)
    shutil.copy(os.path.join(args.work, 'tokenizer.json'), os.path.join(args.out, 'tokenizer.json'))
    with open(os.path.join(args.out, 'model.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest(len(tok.vocab), info, args.out, tok, context.context_dim), f, ensure_ascii=False, indent=1)
    print('exported to', args.out)


if __name__ == '__main__':
    main()
