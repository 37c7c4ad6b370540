"""Writes a static-int8 copy of a bundle's verifier, for measurement: not part of build.sh, and no
bundle ships it yet (models/recipe/README.md, "The models", says why and what it measured).

Every nn.Linear is wrapped in quantize -> int8 Linear -> dequantize with activation scales fixed by
calibration (eager-mode static quantization; FX tracing fails on the model's shape-dependent
arange). Unlike quantize_dynamic, a row's logits then depend on nothing but its own inputs, so batching
and the tokens after a position change nothing and exact UGSD stays equal to the cloud. The calibration
here is the parity fixtures' contexts and drafted captions (6 utterances); a shipped file should
calibrate on the calibration set instead. fbgemm kernels are CPU only: a GPU must keep verifier.pt.

  PYTHONHASHSEED=0 /usr/bin/python3 models/recipe/quantize_static.py --bundle models/bundled --out /tmp/verifier-static.pt
"""
import argparse
import copy
import json
import os
import sys

import torch
import torch.nn as nn
from torch.ao.quantization import DeQuantStub, QuantStub, convert, get_default_qconfig, prepare

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402


class QuantizedLinear(nn.Module):
    def __init__(self, linear):
        super().__init__()
        self.q, self.lin, self.dq = QuantStub(), linear, DeQuantStub()

    def forward(self, x):
        return self.dq(self.lin(self.q(x)))


def wrap_linears(m):
    for name, child in m.named_children():
        if isinstance(child, nn.Linear):
            setattr(m, name, QuantizedLinear(child))
        else:
            wrap_linears(child)


def fixture_inputs(fx, specials):
    """(context, context_lengths, tokens, token_lengths) of one parity fixture: prompt + drafted caption."""
    ctx = torch.tensor(fx['context'], dtype=torch.int8).unsqueeze(0)
    tokens = torch.tensor([[specials['bos'], specials['languages'][fx['lang']]] + fx['drafter']['tokens']])
    return ctx, torch.tensor([ctx.shape[1]]), tokens, torch.tensor([tokens.shape[1]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bundle', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    sd = torch.jit.load(os.path.join(args.bundle, 'verifier', 'verifier.pt')).state_dict()
    with open(os.path.join(args.bundle, 'model.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    exact = model.VerifierExport(model.Verifier(manifest['vocab_size'], context_dim=manifest['context']['dim']))
    exact.load_state_dict(sd)
    exact.eval()
    q = copy.deepcopy(exact)
    wrap_linears(q)
    for m in q.modules():
        if isinstance(m, QuantizedLinear):
            m.qconfig = get_default_qconfig('fbgemm')
    prepared = prepare(q)
    parity = os.path.join(os.path.dirname(os.path.abspath(args.bundle)), 'parity', 'parity.json')
    with open(parity, encoding='utf-8') as f:
        fixtures = json.load(f)['fixtures']
    specials = manifest['special_tokens']
    with torch.no_grad():
        for fx in fixtures:
            prepared(*fixture_inputs(fx, specials))
    scripted = torch.jit.script(convert(prepared))
    scripted.save(args.out)
    fx = fixtures[0]
    with torch.no_grad():
        want = exact(*fixture_inputs(fx, specials))
        got = torch.jit.load(args.out)(*fixture_inputs(fx, specials))
    print(f'wrote {args.out}: max |dlogit| {float((want - got).abs().max()):.3f}, argmax agreement '
          f'{float((want.argmax(-1) == got.argmax(-1)).float().mean()):.3f} on {fx["file"]}')


if __name__ == '__main__':
    main()
