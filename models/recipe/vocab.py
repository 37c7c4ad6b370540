"""Builds tokenizer.json from every caption the templates can produce (not only the ones drawn),
so no reference ever maps to <unk>."""
import itertools
import sys

import numpy as np

import captions
from emotions import EMOTIONS
from tokenizer import Tokenizer

CUE_VALUES = {'pitch': ('high', 'low', 'mid'), 'pace': ('fast', 'slow', 'moderate'),
              'loud': ('loud', 'soft', 'normal'), 'variation': ('wide', 'flat', 'normal'),
              'pauses': ('pauses', 'none')}


def all_captions():
    rng = np.random.default_rng(0)
    keys = list(CUE_VALUES)
    for lang, emotion, gender in itertools.product(('en', 'zh'), EMOTIONS, ('male', 'female')):
        for values in itertools.product(*(CUE_VALUES[k] for k in keys)):
            yield from captions.references(lang, emotion, gender, dict(zip(keys, values)), rng, n=5)


if __name__ == '__main__':
    tok = Tokenizer.build(all_captions())
    tok.save(sys.argv[1])
    print(f'vocabulary: {len(tok.vocab)} tokens')
