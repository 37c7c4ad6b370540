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
from evaluate import load
from tokenizer import BOS, EOS, LANG_TOKEN, PAD, SPECIALS, UNK

OPSET = 17


def export_onnx(module, args, path, inputs, outputs, axes):
    torch.onnx.export(module, args, path, opset_version=OPSET, input_names=inputs,
                      output_names=outputs, dynamic_axes=axes, do_constant_folding=True)


def export_drafter(drafter, context, out):
    os.makedirs(os.path.join(out, 'drafter'), exist_ok=True)
    mel = torch.randn(1, 173, 40) - 4
    export_onnx(drafter.encoder, (mel,), os.path.join(out, 'drafter', 'encoder.onnx'),
                ['log_mel'], ['encoder_states'],
                {'log_mel': {0: 'batch', 1: 'frames'}, 'encoder_states': {0: 'batch', 1: 'steps'}})
    export_onnx(context, (mel,), os.path.join(out, 'drafter', 'context.onnx'),
                ['log_mel'], ['context'],
                {'log_mel': {0: 'batch', 1: 'frames'}, 'context': {0: 'batch', 1: 'steps'}})
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


def export_verifier(verifier_export, out):
    os.makedirs(os.path.join(out, 'verifier'), exist_ok=True)
    scripted = torch.jit.script(verifier_export)
    path = os.path.join(out, 'verifier', 'verifier.pt')
    scripted.save(path)
    loaded = torch.jit.load(path)
    ctx = torch.randint(-127, 128, (3, 29, model.CONTEXT_DIM), dtype=torch.int8)
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


def manifest(vocab, drafter_info, out):
    return {
        'name': 'sec-emotion-v1',
        'languages': ['en', 'zh'],
        'audio': {'sample_rate': audio.SAMPLE_RATE, 'n_fft': audio.N_FFT, 'win_length': audio.N_FFT,
                  'hop_length': audio.HOP, 'window': 'hann_periodic', 'center': False,
                  'n_mels': audio.N_MELS, 'f_min': audio.F_MIN, 'f_max': audio.F_MAX,
                  'mel_scale': 'htk', 'mel_norm': None, 'power': 2.0, 'log': 'natural',
                  'log_floor': audio.LOG_FLOOR, 'max_seconds': 12.0,
                  'pad_value': 'log(log_floor): padding frames are silence',
                  'note': 'frames start at sample 0, hop 80, a trailing partial frame is dropped; '
                          'log(max(mel_power, log_floor)); the models normalise internally'},
        'encoder': {'downsample': 8, 'steps': 'ceil(frames / 8)'},
        'context': {'file': 'drafter/context.onnx', 'dim': model.CONTEXT_DIM, 'dtype': 'int8',
                    'frame_ms': 80, 'scale': model.CONTEXT_SCALE,
                    'bytes_per_second': 1000 // 80 * model.CONTEXT_DIM},
        'tokenizer': 'tokenizer.json',
        'vocab_size': vocab,
        'special_tokens': {'pad': PAD, 'unk': UNK, 'bos': BOS, 'eos': EOS,
                           'languages': LANG_TOKEN, 'names': SPECIALS},
        'prompt': ['<bos>', '<lang>'],
        'max_caption_tokens': decode.MAX_CAPTION_TOKENS,
        'detokenize': 'join with spaces; no space before punctuation, none next to CJK characters',
        'entropy': 'natural log, softmax over the full vocabulary',
        'emotions': emotion_lexicon(),
        'drafter': dict({'encoder': 'drafter/encoder.onnx', 'decoder': 'drafter/decoder.onnx',
                         'opset': OPSET}, **drafter_info),
        'verifier': {'file': 'verifier/verifier.pt', 'format': 'torchscript',
                     'inputs': ['context int8 [B,T,16]', 'context_lengths int64 [B]',
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
        json.dump(manifest(len(tok.vocab), info, args.out), f, ensure_ascii=False, indent=1)
    print('exported to', args.out)


if __name__ == '__main__':
    main()
