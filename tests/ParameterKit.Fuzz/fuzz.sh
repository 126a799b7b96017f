#!/usr/bin/env bash
# Coverage-guided fuzzing of one reader with AFL++ and SharpFuzz (docs/fuzzing.md).
#
#   bash tests/ParameterKit.Fuzz/fuzz.sh TARGET [SECONDS]
#
# TARGET is one of FuzzTargets.All (safetensors, index, gguf, config, chat-template, tokenizer-json, adapter-config,
# adapter-weights, tokenizer-config, spm-tokenizer-config, generation-config). Installs afl++ from Debian and the
# sharpfuzz tool from NuGet when missing, publishes this program, instruments ParameterKit.dll, seeds AFL with the test
# fixtures of that format and fuzzes for SECONDS (default 600). Every input that lets an untyped exception escape,
# allocates past 1 GiB of heap, overflows the stack or runs past 10 s is kept under
# $FUZZ_OUT/TARGET/findings/default/{crashes,hangs}; replay one with the uninstrumented build (instrumented code crashes
# outside AFL's loop):
#   dotnet build tests/ParameterKit.Fuzz -c Release
#   dotnet tests/ParameterKit.Fuzz/bin/Release/net10.0/ParameterKit.Fuzz.dll replay TARGET FILE...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${1:?usage: fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
out="${FUZZ_OUT:-/tmp/parameterkit-fuzz}/$target"
fixtures="$repo/tests/ParameterKit.Tests/Fixtures"

if ! command -v afl-fuzz >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    # A fresh machine may have no package lists yet: "Unable to locate package afl++" without this.
    $sudo apt-get update -q >/dev/null
    $sudo apt-get install -y -q afl++ >/dev/null
fi
cd "$repo" && dotnet tool restore >/dev/null

rm -rf "$out/bin" "$out/seeds"
mkdir -p "$out/seeds"
dotnet publish "$here/ParameterKit.Fuzz.csproj" -c Release -o "$out/bin" -v quiet -nologo
# Instrument the library only: coverage of the readers is what guides AFL.
dotnet tool run sharpfuzz "$out/bin/ParameterKit.dll" >/dev/null

# Seeds: the fixtures the tests already read, small ones of each format.
case "$target" in
    safetensors) cp "$fixtures"/safetensors/*.safetensors "$out/seeds/" ;;
    index) find "$fixtures" -name 'model.safetensors.index.json' | while read -r f; do cp "$f" "$out/seeds/$(basename "$(dirname "$f")").json"; done ;;
    gguf) cp "$fixtures"/gguf/types.gguf "$fixtures"/gguf/aligned64_v2.gguf "$fixtures"/gguf/llama_mha.q8_0.gguf "$here"/seeds/*.gguf "$out/seeds/" ;;
    config) find "$fixtures" -name config.json | while read -r f; do cp "$f" "$out/seeds/$(basename "$(dirname "$f")").json"; done ;;
    chat-template) cp "$fixtures"/chat_templates/*.jinja "$out/seeds/" ;;
    tokenizer-json) cp "$fixtures"/tokenizers/synthetic-gpt2-digits/tokenizer.json "$out/seeds/" ;;
    adapter-config) cp "$fixtures"/lora/gpt2_c24_r4/adapter_config.json "$out/seeds/" ;;
    adapter-weights) cp "$fixtures"/lora/gpt2_c24_r4/adapter_model.safetensors "$out/seeds/" ;;
    tokenizer-config | spm-tokenizer-config | generation-config)
        name="${target#spm-}"; name="${name/-/_}.json"
        for d in "$fixtures"/tokenizers/*/; do [ -f "$d/$name" ] && cp "$d/$name" "$out/seeds/$(basename "$d").json"; done ;;
    *) echo "unknown target '$target'" >&2; exit 2 ;;
esac

# .NET reserves far more virtual memory than AFL's default limit (-m none); the heap limit is what makes an
# unbounded allocation a crash instead of a slow run. AFL needs no forkserver check of a managed binary.
export DOTNET_GCHeapHardLimit=0x40000000 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
afl-fuzz -i "$out/seeds" -o "$out/findings" -t 10000 -m none -V "$seconds" -- "$out/bin/ParameterKit.Fuzz" fuzz "$target" \
    > "$out/afl.log" 2>&1 || { tail -30 "$out/afl.log"; exit 1; }
crashes=$(find "$out/findings" -path '*crashes/id*' | wc -l)
hangs=$(find "$out/findings" -path '*hangs/id*' | wc -l)
grep -E 'execs_done|corpus_count|bitmap_cvg' "$out/findings/default/fuzzer_stats" || true
echo "$target: $crashes crashes, $hangs hangs in ${seconds} s (inputs under $out/findings/default)"
