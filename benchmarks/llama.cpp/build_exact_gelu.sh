#!/usr/bin/env bash
# Builds a second llama.cpp whose CPU back end computes GELU in float32, for logit-by-logit comparisons with
# ParameterKit (tests/ParameterKit.Tests/Fixtures/gguf/make_llamacpp_logits.py).
#
#   bash benchmarks/llama.cpp/build_exact_gelu.sh [SOURCE_DIR] [TARGET_DIR]   # defaults /work/llama.cpp, /work/llama.cpp-exact-gelu
#
# Why: ggml's CPU back end defines GGML_GELU_FP16 in ggml-cpu.c, so every GELU rounds its input to f16 and reads the
# result from a 65,536-entry f16 table. That rounding (about 1e-3 relative) is llama.cpp's choice, not part of the
# model; on the GPT-2 c32 fixture it moves the logits by up to 3.8e-3 in float32 (0.04% of the largest) and by 0.15
# (1.6%) with Q8_0 weights, where each rounded GELU output is then quantized to 8 bits again. The source keeps the float32 form beside the table (#ifdef
# GGML_GELU_FP16 ... #else), so removing the one define gives llama.cpp's own exact GELU: the build this script makes.
# The source is copied (never edited in place), the define removed, and the copy built as build.sh builds the stock
# tree, plus pk-logits (benchmarks/llama.cpp/logits.c). Prints the commit.
set -euo pipefail

src="${1:-/work/llama.cpp}"
dst="${2:-/work/llama.cpp-exact-gelu}"
here="$(cd "$(dirname "$0")" && pwd)"
if [[ ! -f "$src/CMakeLists.txt" || ! -f "$src/ggml/src/ggml-cpu/ggml-cpu.c" ]]; then
    echo "build_exact_gelu.sh: '$src' is not a llama.cpp source tree (no CMakeLists.txt / ggml/src/ggml-cpu/ggml-cpu.c)" >&2
    exit 2
fi
for tool in cmake gcc g++ tar; do
    command -v "$tool" >/dev/null || { echo "build_exact_gelu.sh: $tool is missing: apt-get install -y cmake g++ tar" >&2; exit 2; }
done

commit="$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
# A copy of the sources (not a git clone: the mirrors this project fetches leave out large model blobs, which a
# checkout then refuses), without the source's build folder and model files.
if [[ -e "$dst" ]]; then
    # Only ever replace a copy this script made.
    grep -qs 'removed by ParameterKit build_exact_gelu.sh' "$dst/ggml/src/ggml-cpu/ggml-cpu.c" \
        || { echo "build_exact_gelu.sh: refusing to replace '$dst': not a copy this script made" >&2; exit 2; }
    rm -rf "$dst"
fi
mkdir -p "$dst"
tar -C "$src" --exclude=./build --exclude=./.git --exclude=./models -cf - . | tar -C "$dst" -xf -
cpu="$dst/ggml/src/ggml-cpu/ggml-cpu.c"
grep -q '^#define GGML_GELU_FP16$' "$cpu" || { echo "build_exact_gelu.sh: no '#define GGML_GELU_FP16' line in $cpu" >&2; exit 2; }
sed -i 's|^#define GGML_GELU_FP16$|// GGML_GELU_FP16 removed by ParameterKit build_exact_gelu.sh: GELU in float32|' "$cpu"
echo "llama.cpp source: $src, commit $commit; GGML_GELU_FP16 removed in $dst"

# The same configuration as the stock build (build.sh: Release, gcc, GGML_NATIVE, llama-bench and llama-cli, which
# link libllama), so the two differ in the define alone.
bash "$here/build.sh" "$dst"
nice -n 19 gcc -O2 -o "$dst/build/bin/pk-logits" "$here/logits.c" -I"$dst/include" -I"$dst/ggml/include" \
    -L"$dst/build/bin" -lllama -Wl,-rpath,"$dst/build/bin"
echo "built $dst/build/bin/pk-logits (exact GELU) from commit $commit"
