#!/usr/bin/env bash
# Writes the Q8_0 GGUF of GPT-2 small's random weights that both llama-bench and ParameterKit's Gpt2Q8_0Benchmarks read:
# llama.cpp's own llama-quantize (built from the same tree as llama-bench) on the f32 file make_gguf.py wrote, so
# the 8-bit blocks are llama.cpp's, not ParameterKit's.
#
#   bash benchmarks/llama.cpp/quantize_q8_0.sh [MODELS_DIR] [LLAMA_CPP_DIR] [NAME]
#   # defaults: /work/bench-models /work/llama.cpp gpt2-small  -> MODELS_DIR/gguf/gpt2-small-q8_0.gguf
set -euo pipefail
models="${1:-/work/bench-models}"
src="${2:-/work/llama.cpp}"
name="${3:-gpt2-small}"
quantize="$src/build/bin/llama-quantize"
if [[ ! -x "$quantize" ]]; then
    # Only the quantize tool and what it links (ggml, llama): a few minutes on two busy cores.
    nice -n 19 cmake --build "$src/build" --target llama-quantize -j2
fi
echo "llama.cpp $(git -C "$src" rev-parse --short=12 HEAD)"
nice -n 19 "$quantize" "$models/gguf/$name-f32.gguf" "$models/gguf/$name-q8_0.gguf" Q8_0
ls -l "$models/gguf/$name-q8_0.gguf"
