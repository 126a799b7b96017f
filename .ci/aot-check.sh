#!/usr/bin/env bash
# NativeAOT check: publish the Gpt2Summary sample ahead-of-time and require the exact output of the JIT build.
# Registration, counting and summaries must not depend on reflection.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet publish "$repo/samples/Gpt2Summary" -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet
for arch in gpt2 gpt3-175b llama-2-7b; do
  "$out/aot/Gpt2Summary" "$arch" 2 > "$out/aot-$arch.txt"
  dotnet run --project "$repo/samples/Gpt2Summary" -c Release -- "$arch" 2 > "$out/jit-$arch.txt"
  # Counts and summaries must match exactly; the logits line is rounded and only checked to be there.
  diff <(grep -v "classifier logits" "$out/jit-$arch.txt") <(grep -v "classifier logits" "$out/aot-$arch.txt")
  grep -q "classifier logits" "$out/aot-$arch.txt"
  grep "Total params" "$out/aot-$arch.txt"
done
# The command line (Spectre.Console.Cli, reflection-based; the types it reflects over are rooted by
# src/ParameterKit.Cli/Conventions/CommandLineConventions.props) must behave identically once trimmed and compiled
# ahead of time: help, --version, and usage errors with their exit code and suggestion.
dll="$repo/samples/Gpt2Summary/bin/Release/net10.0/Gpt2Summary.dll"
diff <(dotnet "$dll" --help) <("$out/aot/Gpt2Summary" --help)
"$out/aot/Gpt2Summary" --help | grep -q "\[architecture\]"
diff <(dotnet "$dll" --version) <("$out/aot/Gpt2Summary" --version)
set +e
"$out/aot/Gpt2Summary" gpt2 1 --bogus 2> "$out/aot-usage.txt"
code=$?
set -e
test "$code" -eq 2
grep -q "Unknown option 'bogus'" "$out/aot-usage.txt"
diff <(dotnet "$dll" gpt2 1 --verbos 2>&1) <("$out/aot/Gpt2Summary" gpt2 1 --verbos 2>&1)
diff <(dotnet "$dll" gpt2 two 2>&1) <("$out/aot/Gpt2Summary" gpt2 two 2>&1)
"$out/aot/Gpt2Summary" gpt2 1 --verbos 2> "$out/aot-suggestion.txt" || true   # exits 2, as --bogus above
grep -q "Did you mean --verbose?" "$out/aot-suggestion.txt"
echo "NativeAOT output equals JIT output: OK"
