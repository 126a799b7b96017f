#!/usr/bin/env bash
# Runs the kernel tests as arm64 code under qemu's user-mode emulation, so the paths an ARM64 machine takes (Apple
# silicon, Graviton: AdvSimd, 128-bit vectors, no AVX) are proven here on x64, not only assumed portable.
#
# How: the test project is built for arm64 (`dotnet test -a arm64`) and vstest starts its test host with the
# `dotnet` named in the run settings (DotNetHostPath). That is a script running an arm64 `dotnet` under
# qemu-aarch64-static; the arm64 `dotnet` is arm64/dotnet-muxer.c (Microsoft ships none in a NuGet package) beside an
# arm64 runtime laid out as a .NET root, taken from the runtime pack the SDK restores for a self-contained publish.
# Debian's packages give qemu, a cross compiler and the arm64 C, C++, OpenSSL and ICU libraries (multiarch).
# W^X is off under emulation: the runtime's double-mapped code pages leave the test host idle forever under qemu 7.2.
# Call from .ci/run: bash .ci/arm64-emulated.sh. A test filter as the argument runs other tests the same way, e.g.
# "FullyQualifiedName~Models|FullyQualifiedName~Gguf|FullyQualifiedName~Transformers" (486 tests and the golden
# logits against PyTorch and llama.cpp, about 2.5 min; left out of CI for time).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
if ! command -v qemu-aarch64-static > /dev/null || ! command -v aarch64-linux-gnu-gcc > /dev/null \
   || [ ! -e /lib/ld-linux-aarch64.so.1 ] || ! dpkg -s libicu72:arm64 libssl3:arm64 > /dev/null 2>&1; then
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends qemu-user-static gcc-aarch64-linux-gnu \
    libc6-dev-arm64-cross libc6:arm64 libstdc++6:arm64 libssl3:arm64 libicu72:arm64 zlib1g:arm64
fi

# An arm64 runtime: publishing an empty program self-contained makes the SDK restore the arm64 runtime pack it would
# use, and names its version; the pack holds the shared framework's files (its deps.json and runtimeconfig.json too).
mkdir -p "$work/probe"
cat > "$work/probe/probe.csproj" <<'PROJECT'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RuntimeIdentifier>linux-arm64</RuntimeIdentifier>
    <SelfContained>true</SelfContained>
  </PropertyGroup>
</Project>
PROJECT
echo 'System.Console.WriteLine(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture);' > "$work/probe/Program.cs"
dotnet publish "$work/probe" -c Release -o "$work/probe/out" --nologo -v quiet
version="$(sed -n 's/.*"version": "\(10\.[^"]*\)".*/\1/p' "$work/probe/out/probe.runtimeconfig.json" | head -1)"
pack="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.netcore.app.runtime.linux-arm64/$version/runtimes/linux-arm64"
root="$work/dotnet-arm64"
framework="$root/shared/Microsoft.NETCore.App/$version"
mkdir -p "$root/host/fxr/$version" "$framework"
cp "$pack/native/libhostfxr.so" "$root/host/fxr/$version/"
cp "$pack/lib/net10.0/"* "$pack/native/"* "$framework/"
rm "$framework/libhostfxr.so"
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -o "$root/dotnet" .ci/arm64/dotnet-muxer.c
cat > "$root/dotnet-qemu" <<SCRIPT
#!/bin/sh
exec qemu-aarch64-static "$root/dotnet" "\$@"
SCRIPT
chmod +x "$root/dotnet-qemu"
echo "arm64 program under qemu: $("$root/dotnet-qemu" "$work/probe/out/probe.dll")"
"$root/dotnet-qemu" --list-runtimes

cat > "$work/arm64.runsettings" <<SETTINGS
<RunSettings>
  <RunConfiguration>
    <DotNetHostPath>$root/dotnet-qemu</DotNetHostPath>
    <EnvironmentVariables>
      <DOTNET_EnableWriteXorExecute>0</DOTNET_EnableWriteXorExecute>
    </EnvironmentVariables>
  </RunConfiguration>
</RunSettings>
SETTINGS
filter="${1:-FullyQualifiedName~Kernels}"
echo "== arm64 tests: $filter"
dotnet test "$repo/tests/ParameterKit.Tests" -c Release -a arm64 --settings "$work/arm64.runsettings" --filter "$filter"
