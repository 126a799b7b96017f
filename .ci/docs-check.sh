#!/usr/bin/env bash
# Docs check: every command README.md and docs/ show that needs no download runs here, and its output starts the
# way the docs show it. (The C# blocks are compiled by tests/ParameterKit.Tests/Docs/DocsCompileTests.cs.)
#
# - Every `$ parameterkit ...` line in docs/cli.md runs against the built tool, from the conformance corpus folder
#   (so `x_offset_hole.safetensors` resolves), and the first line of the output block under it must appear in the
#   real output. Lines naming files the docs make by hand are listed in SKIP with the reason.
# - The `dotnet run` lines of README.md and docs/cli.md that need no download run as written.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build src/ParameterKit.Cli -c Release --nologo -v quiet
tool_dll="$repo/src/ParameterKit.Cli/bin/Release/net10.0/ParameterKit.Cli.dll"
parameterkit() { dotnet "$tool_dll" "$@"; }
corpus="$repo/tests/ParameterKit.Tests/Fixtures/safetensors"

# Shown with files the reader makes first (a 498 MB GPT-2, two fine-tuning checkpoints): not made in CI.
SKIP=("parameterkit inspect gpt2/model.safetensors" "parameterkit diff base.safetensors finetuned.safetensors")

ran=0
# Each `$ parameterkit` line of a ```text block, with the first line of output after it.
while IFS=$'\t' read -r line command expected; do
  command="${command%%; echo*}"   # `...; echo "exit $?"` shows the exit code; the check tests it below
  skip=false
  for s in "${SKIP[@]}"; do [[ "$command" == "$s" ]] && skip=true; done
  if $skip; then echo "docs/cli.md:$line: skipped (needs files the reader makes): $command"; continue; fi
  read -r -a argv <<<"${command#parameterkit }"
  set +e
  output="$(cd "$corpus" && parameterkit "${argv[@]}" 2>&1)"
  code=$?
  set -e
  if [[ $code -ne 0 && $code -ne 2 ]]; then
    echo "docs/cli.md:$line: '$command' exited $code:"; echo "$output"; exit 1
  fi
  if ! grep -qF -- "$expected" <<<"$output"; then
    echo "docs/cli.md:$line: '$command' no longer prints the documented first line:"
    echo "  expected: $expected"; echo "$output" | head -5; exit 1
  fi
  echo "docs/cli.md:$line: ok: $command"
  ran=$((ran + 1))
done < <(awk '/^\$ parameterkit /{ cmd = substr($0, 3); n = FNR; getline out; printf "%d\t%s\t%s\n", n, cmd, out }' docs/cli.md)
test "$ran" -ge 3   # the extraction itself must keep finding the examples

# The dotnet run lines that need no download, as README.md and docs/cli.md write them.
dotnet run --project src/ParameterKit.Cli -- count --config gpt3-175b | grep -q "174,604,259,328"
dotnet run --project samples/Gpt2Summary -- gpt3-175b 1 | grep -q "Total params: 174,604,259,328"
grep -qF 'dotnet run --project src/ParameterKit.Cli -- count --config gpt3-175b' docs/cli.md
grep -qF 'dotnet run --project samples/Gpt2Summary -- gpt3-175b 1' README.md
echo "docs-check: OK ($ran documented tool commands, 2 dotnet run lines)"
