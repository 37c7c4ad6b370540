"""An experiment, not a step of build.sh: espeak-ng voice data whose variants all speak with about
the typical intonation spread, so that no speaker needs a wide SSML range to sound typical.

espeak-ng applies SSML range only up to 200 %: a variant with a narrow native spread (cmn+linda
2.0 semitones at 100 %, 3.95 at 200 % and the same 3.95 at 250-400 %) gets a range scale of up to
1.6 in corpus.speaker(), and then every emotion whose prototype range times that scale passes 200 %
(surprised 210 %, happy 160 %, angry 135 %) comes out with one and the same range. `--measure`
prints that response. The variants' own range is the second number of their `pitch <base> <top>`
line; this script rewrites it so that ln(top / base) scales by typical / own spread (voices.json,
the median over the accents that use the variant) in a copy of espeak-ng's data. Use it as
    espeak_variants.py OUT                       (writes OUT/espeak-ng-data)
    ESPEAK_DATA=OUT VOICES_JSON=W.json voices.py W.json
    ESPEAK_DATA=OUT VOICES_JSON=W.json corpus.py ...
(models/recipe/README.md, "espeak-ng's range stops at 200 %", has what it did to the prosody probe).
Usage: espeak_variants.py OUT | --measure VOICE BASE LANG"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

import corpus
import voices
from texts import SENTENCES

SYSTEM_DATA = '/usr/lib/x86_64-linux-gnu/espeak-ng-data'


def write(out):
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(SYSTEM_DATA, os.path.join(out, 'espeak-ng-data'))
    table = voices.table()['espeak']
    spreads = {}
    for group in table.values():
        for voice, v in group.items():
            spreads.setdefault(voice.split('+')[1], []).append(v['spread_st'])
    typical = float(np.median([v['spread_st'] for g in table.values() for v in g.values()]))
    vdir = os.path.join(out, 'espeak-ng-data', 'voices', '!v')
    for variant in corpus.MALE + corpus.FEMALE + corpus.UNSEEN_MALE + corpus.UNSEEN_FEMALE:
        path = os.path.join(vdir, next(f for f in os.listdir(vdir) if f.lower() == variant.lower()))
        with open(path, encoding='latin-1') as f:
            text = f.read()
        m = re.search(r'^pitch\s+(\d+)\s+(\d+)', text, re.M)
        base, top = (int(m.group(1)), int(m.group(2))) if m else (82, 118)   # espeak-ng's default
        k = typical / float(np.median(spreads[variant]))
        line = f'pitch {base} {max(base + 5, int(round(base * (top / base) ** k)))}'
        text = text[:m.start()] + line + text[m.end():] if m else text.rstrip('\n') + '\n' + line + '\n'
        with open(path, 'w', encoding='latin-1') as f:
            f.write(text)
        print(f'{variant}: pitch {base} {top} -> {line[6:]}')


def measure(voice, base, lang):
    """A voice's intonation spread (semitones, median of six sentences) at SSML range 50-400 %."""
    for pct in (50, 100, 150, 200, 250, 300, 400):
        spread = []
        for text in SENTENCES[lang][:6]:
            with tempfile.NamedTemporaryFile(suffix='.wav') as f:
                ssml = f'<speak><prosody pitch="+0%" range="{pct}%" rate="100%">{text}</prosody></speak>'
                subprocess.run(voices.espeak_command(voice, base, f.name, ssml), check=True, capture_output=True)
                spread.append(voices.measure(f.name)[1])
        print(f'{voice} base {base} range {pct} %: spread {np.median(spread):.2f} st')


if __name__ == '__main__':
    if sys.argv[1] == '--measure':
        measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        write(sys.argv[1])
