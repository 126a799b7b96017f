#!/usr/bin/env bash
# Runs the header allocation bounds (docs/security.md) with every method left unoptimized by the JIT.
# The bounds must hold however late tiered compilation optimizes: on a busy two-core machine the optimized
# code can come after most of a large header has been read, and unoptimized code allocates where the optimizer
# would not (an unoptimized generic call once boxed its arguments per name and doubled `inspect`'s allocations).
# DOTNET_TC_CallCounting=0 keeps every method at its first, unoptimized tier; DOTNET_TC_OnStackReplacement=0
# stops long loops from being optimized in place.
# Call from .ci/run after the tests have built: bash .ci/unoptimized-allocation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_TC_CallCounting=0 DOTNET_TC_OnStackReplacement=0
dotnet test tests/ParameterKit.Cli.Tests --no-build --filter "FullyQualifiedName~HugeHeaderTests|FullyQualifiedName~BlockFoldingTests"
dotnet test tests/ParameterKit.Tests --no-build --filter "FullyQualifiedName~HeaderMemoryTests|FullyQualifiedName~GgufHeaderMemoryTests"
