#!/usr/bin/env bash
# Runs llama-bench on the random-weight GGUFs that make_gguf.py wrote: pp512 (a 512-token prompt), tg128 (128 tokens
# generated one at a time) and pg 512,128 (the prompt, then 128 tokens), at 1 and 2 threads, REPS repetitions each
# (llama-bench reports mean +- standard deviation of tokens/s and runs one warm-up of each test first).
# Every run is preceded by the CPU model, the llama.cpp commit and the load average, since the machine is shared.
#
#   bash benchmarks/llama.cpp/run_bench.sh [MODELS_DIR] [LLAMA_CPP_DIR] [REPS] [NAMES...]
#   # defaults: /work/bench-models /work/llama.cpp 3, every *.gguf in MODELS_DIR/gguf
#   bash benchmarks/llama.cpp/run_bench.sh /work/bench-models /work/llama.cpp 3 smollm2-135m-bf16 qwen2.5-0.5b-bf16
#   NICE=-20 bash benchmarks/llama.cpp/run_bench.sh ...   # ahead of other work on a shared host (root only)
#   THREADS=1 PG= bash benchmarks/llama.cpp/run_bench.sh ...   # one thread count only, no pp512+tg128 (busy host)
set -euo pipefail

models="${1:-/work/bench-models}"
src="${2:-/work/llama.cpp}"
reps="${3:-3}"
threads="${THREADS:-1,2}"
pg="${PG-512,128}"
shift $(( $# < 3 ? $# : 3 ))
bench="$src/build/bin/llama-bench"
[[ -x "$bench" ]] || { echo "run_bench.sh: $bench is missing: bash benchmarks/llama.cpp/build.sh $src" >&2; exit 2; }

if (( $# )); then
    files=(); for name in "$@"; do files+=("$models/gguf/$name.gguf"); done
else
    files=("$models"/gguf/*.gguf)
fi
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; llama.cpp $(git -C "$src" rev-parse --short=12 HEAD)"
for file in "${files[@]}"; do
    [[ -f "$file" ]] || { echo "run_bench.sh: $file is missing: run make_gguf.py first" >&2; exit 2; }
    echo "== $(basename "$file") | $(date -u +%H:%M:%S) UTC | load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    nice -n "${NICE:-0}" "$bench" -m "$file" -p 512 -n 128 ${pg:+-pg "$pg"} -t "$threads" -r "$reps" -o md
    echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"
done
