"""Loads an exported bundle (models/bundled/) back into the recipe's torch modules, so evaluate.py
and callturns.py can score what ships without the training checkpoint (.recipe-work/models.pt):
the verifier from its TorchScript state, the drafter and context encoder from the ONNX initializers
(torch exports a Linear as MatMul with the transposed weight, then Add with the named bias). The
decoder's cross-attention K/V projections are in drafter/cross_kv.onnx since split_cross_kv.py."""
import json
import os

import onnx
import torch
from onnx import numpy_helper

import model
from tokenizer import Tokenizer


def onnx_state(path, prefix=''):
    """State dict of the module an ONNX file was exported from (names without `prefix`)."""
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    state = {k: torch.from_numpy(v.copy()) for k, v in inits.items() if not k.startswith('onnx::')}
    for node in graph.node:
        if node.op_type != 'MatMul' or node.input[1] not in inits or node.input[1] in state:
            continue
        add = [n for n in consumers.get(node.output[0], []) if n.op_type == 'Add']
        bias = [i for n in add for i in n.input if i in state and i.endswith('.bias')]
        assert len(bias) == 1, f'{path}: no bias found after {node.name}'
        state[bias[0][:-len('bias')] + 'weight'] = torch.from_numpy(inits[node.input[1]].T.copy())
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def load_bundle(folder):
    """(tokenizer, context encoder, VerifierExport, drafter) as evaluate.load returns them."""
    tok = Tokenizer.load(os.path.join(folder, 'tokenizer.json'))
    vocab = len(tok.vocab)
    with open(os.path.join(folder, 'model.json'), encoding='utf-8') as f:
        dim = json.load(f)['context']['dim']
    context, verifier, drafter = (model.ContextEncoder(40, 160, dim), model.Verifier(vocab, context_dim=dim),
                                  model.Drafter(vocab))
    context.load_state_dict(onnx_state(os.path.join(folder, 'drafter', 'context.onnx')))
    drafter.encoder.load_state_dict(onnx_state(os.path.join(folder, 'drafter', 'encoder.onnx')))
    decoder = onnx_state(os.path.join(folder, 'drafter', 'decoder.onnx'), 'd.')
    cross = os.path.join(folder, 'drafter', 'cross_kv.onnx')
    if os.path.isfile(cross):  # a bundle from before the split has them in decoder.onnx
        decoder.update(onnx_state(cross, 'd.'))
    drafter.decoder.load_state_dict(decoder)
    scripted = torch.jit.load(os.path.join(folder, 'verifier', 'verifier.pt'))
    verifier.load_state_dict({k[len('v.'):]: v for k, v in scripted.state_dict().items()})
    for m in (context, verifier, drafter):
        m.eval()
    return tok, context, model.VerifierExport(verifier), drafter
