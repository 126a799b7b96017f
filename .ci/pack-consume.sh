#!/usr/bin/env bash
# Proves the package is consumable: pack ParameterKit, restore it from a local folder feed into a throwaway
# console project outside the repository, build it and run a few lines of the public API.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet pack "$repo/src/ParameterKit/ParameterKit.csproj" -c Release -o "$work/feed" --nologo -v quiet
ls "$work/feed"
test -f "$work/feed/ParameterKit.0.1.0.nupkg"
test -f "$work/feed/ParameterKit.0.1.0.snupkg"

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
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
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
CS
# The folder feed plus the machine's default sources (for System.Numerics.Tensors).
dotnet build -c Release --nologo -v quiet
output="$(dotnet run -c Release --no-build)"
echo "$output"
grep -q "gpt2 total 124439808, embedding 39383808" <<<"$output"
grep -q "fc params 10" <<<"$output"
echo "pack-and-consume: OK"
