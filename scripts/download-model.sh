#!/usr/bin/env bash
# Downloads a Japanese-capable offline speech model for the `local` recognizer (sherpa-onnx).
# Needs internet once; aizuchi itself never downloads at install or run time.
#
#   scripts/download-model.sh [sense-voice|whisper-small] [target-dir]
#
# sense-voice (default, ~230 MB): SenseVoice small int8 — Japanese, English, Chinese, Korean,
#   Cantonese; fast on CPU, one pass per utterance. Good first choice.
# whisper-small (a few hundred MB, int8): multilingual Whisper small; slower, sometimes better on names.
#
# Prints the model folder at the end: set the recognizer's modelDir to it (the default modelDir
# is data/models/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17, which this script fills).
set -euo pipefail

model="${1:-sense-voice}"
target="${2:-data/models}"
releases="https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models"

case "$model" in
  sense-voice) name="sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17" ;;
  whisper-small) name="sherpa-onnx-whisper-small" ;;
  *)
    echo "unknown model '$model' (choose sense-voice or whisper-small)" >&2
    exit 2
    ;;
esac

mkdir -p "$target"
if [ -d "$target/$name" ]; then
  echo "already present: $target/$name"
  exit 0
fi

for tool in curl tar bzip2; do
  command -v "$tool" >/dev/null || { echo "this script needs $tool" >&2; exit 2; }
done

archive="$(mktemp "${TMPDIR:-/tmp}/aizuchi-model.XXXXXX")"
trap 'rm -f "$archive"' EXIT
echo "downloading $name …"
curl --fail --location --progress-bar --output "$archive" "$releases/$name.tar.bz2"
tar -xjf "$archive" -C "$target"

# Keep only what the recognizer loads: the int8 weights and the token table.
case "$model" in
  sense-voice) rm -f "$target/$name/model.onnx" ;;
  whisper-small) find "$target/$name" -name '*.onnx' ! -name '*.int8.onnx' -delete ;;
esac
rm -rf "$target/$name/test_wavs"

echo "model ready in $target/$name"
