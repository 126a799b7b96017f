#!/usr/bin/env bash
# Installs OpenBLAS (Debian's pthread build, libopenblas.so.0) so the kernel benchmarks can call it in the same
# process as ParameterKit's GEMM and report the ratio. The library itself never depends on it.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends libopenblas0-pthread
# Debian registers OpenBLAS as an alternative for libblas.so.3; the benchmark loads libopenblas.so.0 directly.
ldconfig -p | grep -E 'libopenblas\.so\.0' || { echo "libopenblas.so.0 not found after install" >&2; exit 1; }
