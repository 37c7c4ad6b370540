#!/usr/bin/env bash
# Regenerates the bundled model pair, the held-out and calibration sets, the demo calls, the Java
# parity fixtures and report.json. Deterministic from SEED. Resumable: each step skips when its
# output exists, training resumes from its last epoch checkpoint (.recipe-work/ckpt-*.pt).
# Usage: models/recipe/build.sh [--clean] [--even-variants]
#   --even-variants: espeak-ng's voice variants rewritten to the typical intonation spread
#   (espeak_variants.py, an experiment: README "espeak-ng's range stops at 200 %"), with their own
#   calibration in the work dir; the bundled pair is built without it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
models=$(dirname "$here")
work="${RECIPE_WORK:-$(dirname "$models")/.recipe-work}"  # outside models/, which holds only what is committed
PY=/usr/bin/python3
SEED=${SEED:-1234}
TRAIN_PER_LANG=${TRAIN_PER_LANG:-6000}
HELDOUT_PER_LANG=332
CALIB_PER_LANG=100
UNSEEN_PER_LANG=200
export OMP_NUM_THREADS=2 PYTHONHASHSEED=0

clean=; even=
for arg in "$@"; do
  case "$arg" in
    --clean) clean=1 ;;
    --even-variants) even=1 ;;
    *) echo "usage: build.sh [--clean] [--even-variants]" >&2; exit 2 ;;
  esac
done
if [[ -n $clean ]]; then
  rm -rf "$work" "$models/bundled" "$models/eval" "$models/calib" "$models/parity" "$models/calls" "$models/unseen"
fi

if ! [[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]] || ! $PY -c 'import torch, onnx, numpy' 2>/dev/null || ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null || ! command -v flite >/dev/null; then
  echo "installing the recipe's Debian packages" >&2
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    python3-torch python3-onnx python3-numpy espeak-ng sox flite libopenblas0-pthread
fi

mkdir -p "$work"
cd "$here"
step() { echo "[$(date +%H:%M:%S)] $*"; }

# the voices' own pitch and spread, measured once (committed; corpus.py places every speaker by it)
[[ -f voices.json ]] || { step "voice calibration"; $PY voices.py; }
if [[ -n $even ]]; then
  [[ -d "$work/espeak/espeak-ng-data" ]] || { step "even espeak-ng variants"; $PY espeak_variants.py "$work/espeak"; }
  export ESPEAK_DATA="$work/espeak" VOICES_JSON="$work/voices-even.json"
  [[ -f "$VOICES_JSON" ]] || { step "voice calibration of the even variants"; $PY voices.py "$VOICES_JSON"; }
fi

for lang in en zh; do
  [[ -f "$work/train-$lang.jsonl" ]] || { step "corpus train $lang"; $PY corpus.py "$SEED" train $lang "$TRAIN_PER_LANG" "$work/train-$lang.npz"; }
  [[ -f "$work/heldout-$lang.jsonl" ]] || { step "corpus heldout $lang"; $PY corpus.py "$SEED" heldout $lang $HELDOUT_PER_LANG "$work/heldout-$lang.npz" "$models/eval/$lang"; }
  [[ -f "$work/calib-$lang.jsonl" ]] || { step "corpus calib $lang"; $PY corpus.py "$SEED" calib $lang $CALIB_PER_LANG "$work/calib-$lang.npz" "$models/calib/$lang"; }
  [[ -f "$work/unseen-$lang.jsonl" ]] || { step "corpus unseen voices $lang"; $PY corpus.py "$SEED" unseen $lang $UNSEEN_PER_LANG "$work/unseen-$lang.npz" "$models/unseen/$lang"; }
done
[[ -f "$work/tokenizer.json" ]] || { step "tokenizer"; $PY vocab.py "$work/tokenizer.json"; }
[[ -f "$work/models.pt" ]] || { step "train"; $PY train.py --work "$work" --seed "$SEED"; }
step "export"; $PY export.py --work "$work" --out "$models/bundled"
step "split cross K/V"; $PY split_cross_kv.py "$models/bundled"  # the decoder's cross K/V, once per utterance
# the demo calls before the evaluation: report.json scores their endpointer cuts
[[ -f "$models/calls/calls.jsonl" ]] || { step "demo calls"; $PY democalls.py "$SEED" "$models/calls"; }
step "evaluate"; $PY evaluate.py --work "$work" --out "$here/report.json"
step "parity fixtures"; $PY parity.py --work "$work" --eval "$models/eval" --out "$models/parity"
step "done"; du -sh "$models/bundled"/* "$models/eval" "$models/calib" "$models/calls" "$models/parity"
