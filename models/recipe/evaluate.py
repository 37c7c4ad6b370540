"""Greedy captions of drafter and verifier on the held-out sets -> report.json (BLEU-1/4, ROUGE-L,
entropy AUROC for 'the teacher-forced verifier would choose another token here', how often the
caption names the right emotion), and the same emotion accuracy on endpointer cuts of the demo calls
(callturns.py, under "call_turns"): the held-out audio keeps espeak-ng's padding, a live pipeline's
cuts do not."""
import argparse
import json
import os

import numpy as np
import torch

import callturns
import decode
import metrics
import model
from bundle import load_bundle
from tokenizer import EOS, Tokenizer


def load(work):
    tok = Tokenizer.load(os.path.join(work, 'tokenizer.json'))
    state = torch.load(os.path.join(work, 'models.pt'))
    context, verifier, drafter = (model.ContextEncoder(40, 160), model.Verifier(state['vocab']),
                                  model.Drafter(state['vocab']))
    context.load_state_dict(state['context'])
    verifier.load_state_dict(state['verifier'])
    drafter.load_state_dict(state['drafter'])
    for m in (context, verifier, drafter):
        m.eval()
    return tok, context, model.VerifierExport(verifier), drafter


def evaluate_lang(lang, work, tok, context, verifier, drafter, limit=None, batch=64):
    feats = np.load(os.path.join(work, f'heldout-{lang}.npz'))
    with open(os.path.join(work, f'heldout-{lang}.jsonl'), encoding='utf-8') as f:
        items = [json.loads(line) for line in f][:limit]
    mels = [feats[f'arr_{i}'].astype(np.float32) for i in range(len(items))]
    drafts, ents = zip(*(decode.drafter_greedy(drafter, m, lang) for m in mels))
    verified, disagree = [], []
    for s in range(0, len(items), batch):
        ctx, ctx_len = decode.context_batch(context, mels[s:s + batch])
        langs = [lang] * ctx.shape[0]
        verified += decode.verifier_greedy(verifier, ctx, ctx_len, langs)
        tf = decode.verifier_teacher_forced(verifier, ctx, ctx_len, langs, list(drafts[s:s + batch]))
        for d, t in zip(drafts[s:s + batch], tf):
            disagree += [int(a != b) for a, b in zip(d + [EOS], t)]
    refs = [[metrics.eval_tokens(r) for r in it['references']] for it in items]
    scores = {}
    for name, out in (('drafter', drafts), ('verifier', verified)):
        cands = [metrics.eval_tokens(tok.decode(o)) for o in out]
        scores[name] = {'bleu1': round(metrics.corpus_bleu(cands, refs, 1), 2),
                        'bleu4': round(metrics.corpus_bleu(cands, refs, 4), 2),
                        'rougeL': round(metrics.rouge_l(cands, refs), 2)}
    flat_ents = [e for es in ents for e in es]
    scores['entropy_auroc'] = round(metrics.auroc(flat_ents, disagree), 4)
    scores['tokens'] = len(flat_ents)
    scores['disagreement_rate'] = round(float(np.mean(disagree)), 4)
    scores['utterances'] = len(items)
    lexicon = callturns.emotion_lexicon()
    truth = [it['emotion'] for it in items]
    scores['emotion_accuracy'] = {name: callturns.emotion_accuracy([tok.decode(o) for o in out], truth, lexicon)
                                  for name, out in (('drafter', drafts), ('verifier', verified))}
    scores['examples'] = [{'references': it['references'][:1], 'drafter': tok.decode(d),
                           'verifier': tok.decode(v)} for it, d, v in
                          list(zip(items, drafts, verified))[:3]]
    return scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--work', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--limit', type=int)
    ap.add_argument('--bundle', help='score an exported bundle (models/bundled) instead of models.pt')
    ap.add_argument('--calls', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'calls'))
    args = ap.parse_args()
    model.setup_torch()
    parts = load_bundle(args.bundle) if args.bundle else load(args.work)
    report = {lang: evaluate_lang(lang, args.work, *parts, limit=args.limit) for lang in ('en', 'zh')}
    if os.path.exists(os.path.join(args.calls, 'calls.jsonl')):
        report['call_turns'] = callturns.evaluate_calls(args.calls, *parts)[0]
    with open(args.out, 'w', encoding='utf-8') as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    print(json.dumps({l: {k: v for k, v in r.items() if k != 'examples'} for l, r in report.items()}))


if __name__ == '__main__':
    main()
