"""Word-level tokenizer shared by drafter and verifier: English by lower-case words, Mandarin by
characters, punctuation as tokens. Written as a Hugging Face tokenizer.json (WordLevel model,
BertNormalizer with handle_chinese_chars, BertPreTokenizer) so Java loads the same rules."""
import json
import re
import unicodedata

SPECIALS = ['<pad>', '<unk>', '<bos>', '<eos>', '<en>', '<zh>']
PAD, UNK, BOS, EOS = 0, 1, 2, 3
LANG_TOKEN = {'en': 4, 'zh': 5}


def _is_cjk(ch):
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def pieces(text):
    """The same split as BertNormalizer(lowercase, handle_chinese_chars) + BertPreTokenizer."""
    out, word = [], ''
    for ch in text.lower():
        if ch.isspace() or _is_cjk(ch) or _is_punct(ch):
            if word:
                out.append(word)
            word = ''
            if not ch.isspace():
                out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


class Tokenizer:
    def __init__(self, vocab):
        self.vocab = vocab
        self.inverse = {i: t for t, i in vocab.items()}

    @staticmethod
    def build(texts):
        words = sorted({p for t in texts for p in pieces(t)})
        vocab = {t: i for i, t in enumerate(SPECIALS)}
        for w in words:
            vocab[w] = len(vocab)
        return Tokenizer(vocab)

    def encode(self, text):
        return [self.vocab.get(p, UNK) for p in pieces(text)]

    def decode(self, ids):
        """Words joined by spaces, no space before punctuation or between CJK characters."""
        out = ''
        for i in ids:
            if i in (PAD, BOS, EOS) or i in LANG_TOKEN.values():
                continue
            tok = self.inverse.get(i, '<unk>')
            prev = out[-1:] if out else ''
            glue = (not out or _is_punct(tok[0]) or _is_cjk(tok[0]) or _is_cjk(prev) or
                    (prev and _is_punct(prev) and not prev in ',.'))
            out += tok if glue else ' ' + tok
        return out

    def save(self, path):
        added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)]
        doc = {
            'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
            'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                           'strip_accents': False, 'lowercase': True},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': None, 'decoder': None,
            'model': {'type': 'WordLevel', 'vocab': self.vocab, 'unk_token': '<unk>'},
        }
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)

    @staticmethod
    def load(path):
        with open(path, encoding='utf-8') as f:
            return Tokenizer(json.load(f)['model']['vocab'])
