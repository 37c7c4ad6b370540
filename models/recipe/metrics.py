"""Caption metrics used by the recipe's report (the Java evaluation has its own, tested ones).
Tokens: English lower-case words, Mandarin characters; punctuation dropped in both.
BLEU: corpus-level, multiple references, clipped counts, brevity penalty against the closest
reference length (Papineni et al. 2002). ROUGE-L: LCS F-measure with beta = 1.2, best reference per
candidate, averaged over candidates (as in the COCO caption toolkit)."""
import math
from collections import Counter

from tokenizer import _is_punct, pieces


def eval_tokens(text):
    return [p for p in pieces(text) if not _is_punct(p[0])]


def _ngrams(toks, n):
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def corpus_bleu(candidates, references, max_n=4):
    """candidates: list of token lists; references: list of lists of token lists. Returns 0-100."""
    match, total = [0] * max_n, [0] * max_n
    cand_len = ref_len = 0
    for cand, refs in zip(candidates, references):
        cand_len += len(cand)
        ref_len += min((abs(len(r) - len(cand)), len(r)) for r in refs)[1]
        for n in range(1, max_n + 1):
            counts = _ngrams(cand, n)
            best = Counter()
            for r in refs:
                best |= _ngrams(r, n)
            match[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
            total[n - 1] += max(0, len(cand) - n + 1)
    if cand_len == 0 or min(match) == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(match, total)) / max_n
    bp = 1.0 if cand_len > ref_len else math.exp(1 - ref_len / cand_len)
    return 100.0 * bp * math.exp(log_p)


def _lcs(a, b):
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(candidates, references, beta=1.2):
    scores = []
    for cand, refs in zip(candidates, references):
        best = 0.0
        for r in refs:
            lcs = _lcs(cand, r)
            if lcs == 0:
                continue
            p, rec = lcs / len(cand), lcs / len(r)
            best = max(best, (1 + beta ** 2) * p * rec / (rec + beta ** 2 * p))
        scores.append(best)
    return 100.0 * sum(scores) / max(1, len(scores))


def auroc(scores, labels):
    """Probability that a random positive scores above a random negative (ties count half)."""
    pairs = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return float('nan')
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2.0
        rank_sum += avg_rank * sum(l for _, l in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)
