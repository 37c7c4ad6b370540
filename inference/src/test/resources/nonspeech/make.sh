#!/usr/bin/env bash
# Regenerates the non-speech test recordings with sox (8 kHz G.711 mu-law, 2 s each, deterministic:
# sox's noise generators are seeded with -R). None of them may be captioned with an emotion.
#   inference/src/test/resources/nonspeech/make.sh
set -euo pipefail
cd "$(dirname "$0")"
gen() { local name=$1; shift; sox -R -D -n -r 8000 -c 1 -b 16 "/tmp/$name.wav" "$@"; sox -D "/tmp/$name.wav" -e mu-law "$name.wav"; rm "/tmp/$name.wav"; }
gen white-noise synth 2 whitenoise vol 0.3
gen pink-noise synth 2 pinknoise vol 0.3
gen brown-noise synth 2 brownnoise vol 0.3
gen silence trim 0 2
gen tone-440 synth 2 sine 440 vol 0.3
gen tone-150 synth 2 sine 150 vol 0.3
gen dtmf synth 2 sine 697 sine 1209 remix - vol 0.3
gen beeps synth 0.25 sine 1000 pad 0 0.25 repeat 3 vol 0.3
gen sweep synth 2 sine 200-3000 vol 0.3
gen tremolo synth 2 sine 180 tremolo 5 90 vol 0.3
gen hum synth 2 sine 60 sine 120 remix - vol 0.2
