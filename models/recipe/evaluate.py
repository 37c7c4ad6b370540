"""Greedy captions of drafter and verifier -> report.json. Per language, on the held-out set: how often
the caption names the right emotion (accuracy, macro-F1, the confusion matrix), BLEU-1/4, ROUGE-L, the
AUROC of the drafter's per-token entropy for 'the teacher-forced verifier would choose another token
here' over all tokens and over the tokens that decide the emotion (the template choice and the emotion
word). The same emotion figures on the voices no training recording uses (`unseen_voices`), and on
endpointer cuts of the demo calls (callturns.py, under "call_turns"): the held-out audio keeps the
synthesiser's padding, a live pipeline's cuts do not. Held-out and unseen recordings are single
utterances: no speaker baseline."""
import argparse
import json
import os

import numpy as np
import torch

import callturns
import decode
import metrics
import model
import prosody
import prosody_probe
from bundle import load_bundle
from emotions import EMOTIONS
from tokenizer import EOS, Tokenizer


def load(work):
    tok = Tokenizer.load(os.path.join(work, 'tokenizer.json'))
    state = torch.load(os.path.join(work, 'models.pt'))
    dim = state.get('context_dim', model.CONTEXT_DIM)
    context, verifier, drafter = (model.ContextEncoder(40, 160, dim), model.Verifier(state['vocab'], context_dim=dim),
                                  model.Drafter(state['vocab']))
    context.load_state_dict(state['context'])
    verifier.load_state_dict(state['verifier'])
    drafter.load_state_dict(state['drafter'])
    for m in (context, verifier, drafter):
        m.eval()
    return tok, context, model.VerifierExport(verifier), drafter


def load_set(work, split, lang, limit=None):
    """(items, features) of a corpus split as the corpus stored them (no baseline)."""
    base = os.path.join(work, f'{split}-{lang}')
    with open(base + '.jsonl', encoding='utf-8') as f:
        items = [json.loads(line) for line in f][:limit]
    mels, tracks = np.load(base + '.npz'), np.load(base + '-pitch.npz')
    stats = np.load(base + '-prosody.npy')
    feats = [(mels[f'arr_{i}'].astype(np.float32), tracks[f'arr_{i}'].astype(np.float32),
              prosody.with_baseline(stats[i], None)) for i in range(len(items))]
    return items, feats


def emotion_scores(captions, truths, lexicon):
    """Accuracy and macro-F1 (percent) of the emotion a caption names, the confusion matrix (rows: the
    truth in EMOTIONS order; columns: EMOTIONS then 'none', a caption that names no emotion), and per
    emotion how often it is named correctly."""
    named = [callturns.named_emotion(c, lexicon) for c in captions]
    conf = np.zeros((len(EMOTIONS), len(EMOTIONS) + 1), dtype=int)
    for n, t in zip(named, truths):
        conf[EMOTIONS.index(t), EMOTIONS.index(n) if n in EMOTIONS else len(EMOTIONS)] += 1
    f1s = []
    for k in range(len(EMOTIONS)):
        tp, fp, fn = conf[k, k], conf[:, k].sum() - conf[k, k], conf[k].sum() - conf[k, k]
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return {'accuracy': round(100.0 * np.trace(conf[:, :len(EMOTIONS)]) / max(1, len(truths)), 1),
            'macro_f1': round(100.0 * float(np.mean(f1s)), 1),
            'correct_per_emotion': {e: int(conf[k, k]) for k, e in enumerate(EMOTIONS)},
            'confusion': {'rows': EMOTIONS, 'columns': EMOTIONS + ['none'], 'counts': conf.tolist()}}


def deciding_positions(tokens, tok, lexicon):
    """Where the caption's emotion is decided: its first token (the template, which the emotion picks)
    and every token of the first emotion word."""
    best = None
    for words in lexicon.values():
        for w in words:
            ids = tok.encode(w)
            for s in range(len(tokens) - len(ids) + 1):
                if tokens[s:s + len(ids)] == ids and (best is None or s < best[0]):
                    best = (s, len(ids))
                    break
    out = {0} if tokens else set()
    if best:
        out |= set(range(best[0], best[0] + best[1]))
    return sorted(out)


def evaluate_lang(lang, work, tok, context, verifier, drafter, split='heldout', limit=None, batch=64,
                  quality=True):
    items, feats = load_set(work, split, lang, limit)
    drafts, ents = zip(*(decode.drafter_greedy(drafter, f, lang) for f in feats))
    verified, disagree, deciding = [], [], []
    lexicon = callturns.emotion_lexicon()
    for s in range(0, len(items), batch):
        ctx, ctx_len = decode.context_batch(context, feats[s:s + batch])
        langs = [lang] * ctx.shape[0]
        verified += decode.verifier_greedy(verifier, ctx, ctx_len, langs)
        tf = decode.verifier_teacher_forced(verifier, ctx, ctx_len, langs, list(drafts[s:s + batch]))
        for d, t, e in zip(drafts[s:s + batch], tf, ents[s:s + batch]):
            flags = [int(a != b) for a, b in zip(d + [EOS], t)][:len(e)]  # no eos at the token limit
            disagree.append(flags)
            deciding += [(e[p], flags[p]) for p in deciding_positions(d, tok, lexicon)]
    truth = [it['emotion'] for it in items]
    scores = {'utterances': len(items)}
    emo = {name: emotion_scores([tok.decode(o) for o in out], truth, lexicon)
           for name, out in (('drafter', drafts), ('verifier', verified))}
    scores['emotion_accuracy'] = {name: e['accuracy'] for name, e in emo.items()}
    scores['emotion_macro_f1'] = {name: e['macro_f1'] for name, e in emo.items()}
    scores['emotion'] = emo
    if quality:
        refs = [[metrics.eval_tokens(r) for r in it['references']] for it in items]
        for name, out in (('drafter', drafts), ('verifier', verified)):
            cands = [metrics.eval_tokens(tok.decode(o)) for o in out]
            scores[name] = {'bleu1': round(metrics.corpus_bleu(cands, refs, 1), 2),
                            'bleu4': round(metrics.corpus_bleu(cands, refs, 4), 2),
                            'rougeL': round(metrics.rouge_l(cands, refs), 2)}
        flat_ents = [e for es in ents for e in es]
        flat_dis = [f for fs in disagree for f in fs]
        scores['entropy_auroc'] = round(metrics.auroc(flat_ents, flat_dis), 4)
        scores['entropy_auroc_emotion'] = round(metrics.auroc([e for e, _ in deciding], [f for _, f in deciding]), 4)
        scores['emotion_tokens'] = {'n': len(deciding), 'disagreement_rate': round(float(np.mean([f for _, f in deciding])), 4)}
        scores['tokens'] = len(flat_ents)
        scores['disagreement_rate'] = round(float(np.mean(flat_dis)), 4)
        scores['examples'] = [{'references': it['references'][:1], 'emotion': it['emotion'],
                               'drafter': tok.decode(d), 'verifier': tok.decode(v)} for it, d, v in
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
    report['unseen_voices'] = {}
    for lang in ('en', 'zh'):
        if os.path.exists(os.path.join(args.work, f'unseen-{lang}.jsonl')):
            s = evaluate_lang(lang, args.work, *parts, split='unseen', limit=args.limit, quality=False)
            report['unseen_voices'][lang] = dict(s['emotion_accuracy'], n=s['utterances'],
                                                 macro_f1=s['emotion_macro_f1'], emotion=s['emotion'])
    report['prosody_classifier'] = {lang: prosody_probe.probe(args.work, lang) for lang in ('en', 'zh')}
    if os.path.exists(os.path.join(args.calls, 'calls.jsonl')):
        report['call_turns'] = callturns.evaluate_calls(args.calls, *parts)[0]
    with open(args.out, 'w', encoding='utf-8') as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    print(json.dumps(summary(report)))


def summary(report):
    """The headline figures: emotion named right (percent) per set and model."""
    out = {}
    for lang in ('en', 'zh'):
        r = report[lang]
        out[lang] = {'heldout': r['emotion_accuracy'], 'macro_f1': r['emotion_macro_f1'],
                     'unseen': {k: v for k, v in report.get('unseen_voices', {}).get(lang, {}).items()
                                if k in ('drafter', 'verifier', 'n')},
                     'cuts': report.get('call_turns', {}).get(lang, {}).get('cuts'),
                     'entropy_auroc': r.get('entropy_auroc'), 'entropy_auroc_emotion': r.get('entropy_auroc_emotion'),
                     'bleu1': {m: r[m]['bleu1'] for m in ('drafter', 'verifier') if m in r}}
    return out


if __name__ == '__main__':
    main()
