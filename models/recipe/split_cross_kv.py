"""Splits the exported drafter decoder in two, so that the cross-attention keys and values are
projected once per utterance instead of once per decoder step:

  drafter/cross_kv.onnx   encoder_states [B,steps,D] -> cross_key_i, cross_value_i per layer
  drafter/decoder.onnx    input_ids, position_ids, cross_key_i, cross_value_i, encoder_mask,
                          self_mask, past_* -> logits, present_*   (no encoder_states any more)

Works on the ONNX graph alone (no checkpoint, no onnxruntime): the nodes computable from
encoder_states, initializers and constants alone move to cross_kv.onnx; the tensors where the
rest of the decoder reads them become the new inputs. Their layout is whatever the export has
there, e.g. the keys already transposed for Q @ K^T ([B,heads,head_dim,steps]) and the values
[B,heads,steps,head_dim]; both files keep opset 17 and the initializer names (bundle.py reads the
weights back by those names). model.json's drafter entry gets cross_kv, cross_inputs (the names, in
the order the Java side feeds them) and cross_shapes.

Usage: split_cross_kv.py BUNDLE_DIR   (e.g. models/bundled, after export.py; a decoder already split
is left as it is)"""
import json
import os
import re
import sys

import onnx
from onnx import helper, numpy_helper

SOURCE = 'encoder_states'
CROSS_FILE = 'drafter/cross_kv.onnx'


def encoder_only(graph):
    """Nodes whose inputs all come from encoder_states, initializers or constants (graph order)."""
    free = {i.name for i in graph.initializer}
    free.update(o for n in graph.node if n.op_type == 'Constant' for o in n.output)
    derived, nodes = {SOURCE}, []
    for n in graph.node:
        inputs = [x for x in n.input if x]
        if n.op_type != 'Constant' and any(x in derived for x in inputs) and all(x in derived or x in free for x in inputs):
            derived.update(n.output)
            nodes.append(n)
    return nodes, derived


def frontier(graph, moved, derived):
    """Derived tensors read by the nodes that stay: the decoder's new inputs."""
    moved_ids = {id(n) for n in moved}
    used = []
    for n in graph.node:
        if id(n) not in moved_ids:
            used += [x for x in n.input if x in derived and x not in used]
    if any(o.name in derived for o in graph.output):
        sys.exit('a decoder output depends on encoder_states alone; not a decoder this script knows')
    return used


def producer_chain(graph, name):
    """The nodes from `name` back to encoder_states (first input of each)."""
    by_output = {o: n for n in graph.node for o in n.output}
    chain = []
    while name in by_output:
        n = by_output[name]
        chain.append(n)
        name = n.input[0] if n.op_type != 'Add' else next(x for x in n.input if x in by_output or x == SOURCE)
    return chain


def kind_of(graph, name):
    """('key'|'value', layer) from the bias the torch export names d.layers.<i>.cross.<k|v>.bias."""
    for n in producer_chain(graph, name):
        if n.op_type == 'Add':
            for x in n.input:
                m = re.match(r'.*layers\.(\d+)\.cross\.([kv])\.bias$', x)
                if m:
                    return ('key' if m.group(2) == 'k' else 'value'), int(m.group(1))
    sys.exit(f'{name}: no cross.k/v bias above it; cannot tell which projection it is')


def shape_of(graph, name):
    """[batch, ..., steps, ...] from the Reshape target and Transpose perm that made `name`."""
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == 'Constant'}
    consts.update({i.name: numpy_helper.to_array(i) for i in graph.initializer})
    chain = producer_chain(graph, name)
    perm = None
    dims = None
    for n in chain:
        if n.op_type == 'Transpose' and perm is None:
            perm = list(next(a for a in n.attribute if a.name == 'perm').ints)
        if n.op_type == 'Reshape':
            target = {x.output[0]: x for x in graph.node}[n.input[1]]
            # [batch, steps] come from the projection's own shape; the rest are constants (heads, head_dim)
            dims = ['batch', 'steps'] + [int(consts[x].reshape(-1)[0]) for x in target.input[2:]]
            break
    if dims is None or perm is None or len(perm) != len(dims):
        sys.exit(f'{name}: not the Reshape + Transpose of a head split; cannot name its shape')
    return [dims[p] for p in perm]


def value_info(name, dims):
    return helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, dims)


def rename(nodes, old, new):
    for n in nodes:
        for i, x in enumerate(n.input):
            if x == old:
                n.input[i] = new
        for i, x in enumerate(n.output):
            if x == old:
                n.output[i] = new


def prune(graph):
    """Drops constants and initializers nothing reads any more."""
    while True:
        read = {x for n in graph.node for x in n.input} | {o.name for o in graph.output}
        dead = [n for n in graph.node if n.op_type == 'Constant' and n.output[0] not in read]
        if not dead:
            break
        for n in dead:
            graph.node.remove(n)
    read = {x for n in graph.node for x in n.input}
    for init in [i for i in graph.initializer if i.name not in read]:
        graph.initializer.remove(init)


def split(folder):
    dec_path = os.path.join(folder, 'decoder.onnx')
    model = onnx.load(dec_path)
    graph = model.graph
    if SOURCE not in [i.name for i in graph.input]:
        if not os.path.isfile(os.path.join(folder, 'cross_kv.onnx')):
            sys.exit(f'{dec_path}: has no {SOURCE} input and there is no cross_kv.onnx beside it')
        print(f'{dec_path}: already split', file=sys.stderr)
        return cross_info(onnx.load(os.path.join(folder, 'cross_kv.onnx')).graph)
    moved, derived = encoder_only(graph)
    cut = frontier(graph, moved, derived)
    named = {}
    for t in cut:
        kind, layer = kind_of(graph, t)
        named[f'cross_{kind}_{layer}'] = (t, shape_of(graph, t))
    layers = len(named) // 2
    order = [f'cross_{k}_{i}' for i in range(layers) for k in ('key', 'value')]
    if sorted(order) != sorted(named):
        sys.exit(f'{dec_path}: expected a key and a value per layer, found {sorted(named)}')

    # cross_kv.onnx: the moved nodes, the constants and initializers they read
    moved_ids = {id(n) for n in moved}
    cross_nodes = [onnx.NodeProto.FromString(n.SerializeToString()) for n in graph.node
                   if id(n) in moved_ids or n.op_type == 'Constant']
    for new, (old, _) in named.items():
        rename(cross_nodes, old, new)
    src = next(i for i in graph.input if i.name == SOURCE)
    cross_graph = helper.make_graph(cross_nodes, 'drafter_cross_kv', [src],
                                    [value_info(n, named[n][1]) for n in order],
                                    [onnx.TensorProto.FromString(i.SerializeToString()) for i in graph.initializer])
    prune(cross_graph)
    cross = helper.make_model(cross_graph, opset_imports=model.opset_import, producer_name='split_cross_kv.py')
    cross.ir_version = model.ir_version

    # decoder.onnx: the rest, reading the cut tensors from the new inputs
    for n in moved:
        graph.node.remove(n)
    for new, (old, _) in named.items():
        rename(graph.node, old, new)
    inputs = list(graph.input)
    at = [i.name for i in inputs].index(SOURCE)
    del graph.input[:]
    graph.input.extend(inputs[:at] + [value_info(n, named[n][1]) for n in order] + inputs[at + 1:])
    prune(graph)

    onnx.checker.check_model(cross)
    onnx.checker.check_model(model)
    onnx.save(cross, os.path.join(folder, 'cross_kv.onnx'))
    onnx.save(model, dec_path)
    print(f'{folder}: {len(moved)} nodes moved to cross_kv.onnx, cut at {[named[n][0] for n in order]}', file=sys.stderr)
    return cross_info(cross_graph)


def cross_info(cross_graph):
    """The manifest's entries for the split: the file and the cross tensors' names and shapes."""
    outs = [(o.name, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]) for o in cross_graph.output]
    return {'cross_kv': CROSS_FILE, 'cross_inputs': [n for n, _ in outs],
            'cross_shapes': {n: '[' + ','.join(str(d) for d in s) + ']' for n, s in outs}}


def update_manifest(bundle, info):
    """Puts the split's entries into model.json's drafter, right after decoder (as export.py writes it)."""
    path = os.path.join(bundle, 'model.json')
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    drafter = {}
    for key, value in manifest['drafter'].items():
        if key not in info:
            drafter[key] = value
        if key == 'decoder':
            drafter.update(info)
    manifest['drafter'] = drafter
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)


def main(bundle):
    with open(os.path.join(bundle, 'model.json'), encoding='utf-8') as f:
        decoder = json.load(f)['drafter']['decoder']
    if os.path.dirname(decoder) != os.path.dirname(CROSS_FILE):
        sys.exit(f'{decoder}: expected the decoder in {os.path.dirname(CROSS_FILE)}/')
    info = split(os.path.join(bundle, os.path.dirname(decoder)))
    update_manifest(bundle, info)
    print(json.dumps(info))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
