#!/usr/bin/env bash
# Builds llama.cpp's CPU benchmark (llama-bench) and CLI (llama-cli) from a source checkout, Release, gcc, no GPU
# back end, tuned for this CPU (GGML_NATIVE: -march=native, so AVX-512 / AVX512_BF16 where the host has them,
# which is what the comparison with ParameterKit's own per-CPU dispatch wants).
#
#   bash benchmarks/llama.cpp/build.sh [SOURCE_DIR]      # default /work/llama.cpp
#
# The source is a git clone of llama.cpp (the figures in benchmarks/README.md used commit
# c392e5094deaf2d1a7c18683214f007fad3fe42b, tag b4747-1). The script prints the commit it built and leaves
# the binaries in SOURCE_DIR/build/bin. cmake and g++ come from Debian: apt-get install -y cmake g++.
# Builds run under `nice -n 19` because the machine's two cores are shared.
set -euo pipefail

src="${1:-/work/llama.cpp}"
if [[ ! -f "$src/CMakeLists.txt" || ! -d "$src/ggml" ]]; then
    echo "build.sh: '$src' is not a llama.cpp source tree (no CMakeLists.txt / ggml/)" >&2
    exit 2
fi
for tool in cmake g++; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing: apt-get install -y cmake g++" >&2; exit 2; }
done

commit="$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
echo "llama.cpp source: $src, commit $commit"

# LLAMA_CURL=OFF: no model downloads (and no libcurl headers needed). Tests, examples and the server are left out;
# only the two tools are built.
nice -n 19 cmake -S "$src" -B "$src/build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_SERVER=OFF
nice -n 19 cmake --build "$src/build" --config Release -j "$(nproc)" --target llama-bench llama-cli

"$src/build/bin/llama-bench" --help >/dev/null
echo "built $src/build/bin/llama-bench and llama-cli from commit $commit"
