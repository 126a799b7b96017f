#!/usr/bin/env bash
# Runs the GEMM kernel tests once per instruction-set level, so every dispatch path is proven on one machine.
# Each test run also forces every path the process supports per call (GemmPropertyTests), so together these
# cover AVX-512, AVX2 + FMA, and the portable Vector<T> path with 256-bit, 128-bit (SSE) and no-AVX packing.
# .NET 10 reads DOTNET_EnableAVX512 (DOTNET_EnableAVX512F is the pre-.NET 10 spelling, set too for older runtimes).
# Call from .ci/run: bash .ci/kernel-paths.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build tests/ParameterKit.Tests -c Release
run() {
  echo "== kernel tests: ${1:-all instruction sets}"
  env "$@" dotnet test tests/ParameterKit.Tests -c Release --no-build --filter "FullyQualifiedName~Kernels"
}
run
run DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0
run DOTNET_EnableAVX2=0
run DOTNET_EnableAVX=0
