#!/usr/bin/env bash
# Records new public API of src/ParameterKit in PublicAPI.Unshipped.txt (after a merge adds public members, the
# build fails with RS0016 for each; this adds exactly those). Members removed or changed show as RS0017: those are
# breaking changes, so the script lists them and stops; delete their lines by hand if the break is intended.
# Usage: bash .ci/update-public-api.sh [PROJECT]   (PROJECT: a folder of src/, ParameterKit by default, such as
# ParameterKit.Extensions.AI; then review `git diff src/PROJECT/PublicAPI.Unshipped.txt`)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:-ParameterKit}"
project="$repo/src/$name/$name.csproj"
unshipped="$repo/src/$name/PublicAPI.Unshipped.txt"

# --no-incremental: the analyzer must see every file, not just the ones that changed since the last build.
build="$(dotnet build "$project" --no-incremental --nologo -v quiet 2>&1 || true)"
removed="$(grep -oE "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" <<<"$build" \
  | sed -E "s/^RS0017: Symbol '(.*)' is part of the declared API.*/\1/" | sort -u || true)"
if [[ -n "$removed" ]]; then
  echo "Declared public API no longer found (a breaking change; delete these lines from PublicAPI.*.txt if intended):"
  echo "$removed"
  exit 1
fi
added="$(grep -oE "RS0016: Symbol '.*' is not part of the declared public API" <<<"$build" \
  | sed -E "s/^RS0016: Symbol '(.*)' is not part of the declared public API$/\1/" | sort -u || true)"
if [[ -z "$added" ]]; then
  echo "PublicAPI files are up to date."
  exit 0
fi
{ head -n 1 "$unshipped"; { tail -n +2 "$unshipped"; echo "$added"; } | grep -v '^$' | LC_ALL=C sort -u; } > "$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "Added $(wc -l <<<"$added") members to PublicAPI.Unshipped.txt."
dotnet build "$project" --nologo -v quiet
