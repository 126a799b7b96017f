#!/usr/bin/env bash
# Proves the command-line tool installs and runs: pack src/ParameterKit.Cli into a folder feed, install it with
# `dotnet tool install --tool-path` (never global), and run `parameterkit` against a known model and corpus files.
# A unique prerelease version and a private NuGet packages folder mean no stale cached copy can be picked up.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages"
version="0.1.0-ci.$(date -u +%Y%m%d%H%M%S).$$"
corpus="$repo/tests/ParameterKit.Tests/Fixtures/safetensors"

dotnet pack "$repo/src/ParameterKit.Cli/ParameterKit.Cli.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
test -f "$work/feed/ParameterKit.Cli.$version.nupkg"
test -f "$work/feed/ParameterKit.Cli.$version.snupkg"   # symbols, as for the library
python3 - "$work/feed/ParameterKit.Cli.$version.nupkg" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
assert {"PACKAGE.md", "icon.png"} <= names, sorted(names)
nuspec = z.read("ParameterKit.Cli.nuspec").decode()
assert "<readme>PACKAGE.md</readme>" in nuspec and "<icon>icon.png</icon>" in nuspec, nuspec
PY

dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" --ignore-failed-sources ParameterKit.Cli --version "$version"
tool="$work/tools/parameterkit"

"$tool" --version
output="$("$tool" count --config gpt3-175b)"
echo "$output"
grep -q "174,604,259,328" <<<"$output"

output="$("$tool" inspect "$corpus/sharded_2")"
echo "$output"
grep -q "Total parameters: 24 in 4 tensors" <<<"$output"

# A file the reference crate rejects: exit code 2 and the crate's error kind as JSON on standard error.
set +e
output="$("$tool" inspect --json "$corpus/x_offset_hole.safetensors" 2>&1)"
code=$?
set -e
echo "$output"
test "$code" -eq 2
grep -q '"kind": *"InvalidOffset"' <<<"$output"

echo "tool-install: OK"
