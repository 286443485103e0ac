#!/usr/bin/env bash
# Runs every test project of the solution, after installing the native prerequisite TorchSharp needs
# (eng/install-native-prereqs.sh: on Debian 12 it upgrades libstdc++6 and libc6 from Debian 13).
#
# Case counts default to the CI budget; larger runs are opt-in:
#   CONV_ORACLE_CASES=200000 CONV_ORACLE_SEED=random eng/test.sh
# Ends with one line: "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! "$root/eng/install-native-prereqs.sh"; then
  echo "The native prerequisite could not be installed; the libtorch tests will fail to load TorchSharp." >&2
fi

dotnet build ConvAnalyzers.sln -c Release -nologo -v q
build=$?
if [ $build -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
declare -A minutes
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  started=$SECONDS
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=1
  elapsed=$((SECONDS - started))
  minutes[$name]=$(printf '%d.%d' $((elapsed / 60)) $(((elapsed % 60) / 6)))
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  name=$(basename "$trx" .trx)
  echo "$name: ${p:-0} passed, ${f:-0} failed, ${e:-0} of ${t:-0} executed, ${minutes[$name]:-?} min"
  "$root/eng/suite-minutes.sh" "$trx" 30 || true
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  # Anything not executed (a crashed test host, a skipped test) counts as failed.
  if [ "${e:-0}" -lt "${t:-0}" ]; then
    failed=$((failed + ${t:-0} - ${e:-0}))
  fi
done

expected=$(ls tests/*/*.csproj | wc -l)
found=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$found" -lt "$expected" ]; then
  echo "only $found of $expected test projects reported results (a test host crashed?)"
  failed=$((failed + expected - found))
fi

unit="$results/ConvAnalyzers.Tests.trx"
if [ -f "$unit" ]; then
  grep -o 'typing simulation: [^&<]*' "$unit" | head -1
  grep -o 'value fuzzing: [^&<]*' "$unit" | head -1
fi

clients="$results/ConvAnalyzers.ClientTests.trx"
if [ -f "$clients" ]; then
  grep -o 'csharp-ls [a-z]* sync: [^&<]*' "$clients" | head -1
  grep -o 'workspace: [^&<]*' "$clients" | head -2
  grep -o 'dotnet format: [0-9][^&<]*' "$clients" | head -1
fi

libtorch="$results/ConvAnalyzers.LibTorchTests.trx"
if [ -f "$libtorch" ]; then
  ran=$(grep -o '<Counters [^>]*>' "$libtorch" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  echo "libtorch tests: ${ran:-0} ran on TorchSharp (CPU libtorch)"
  grep -o 'oracle: seed [0-9]*, [0-9]* TorchSharp cases[^&<]*' "$libtorch" | head -1
  grep -o 'source cross-check: [^&<]*' "$libtorch" | head -1
  grep -o 'realistic models: [^&<]*' "$libtorch" | head -1
  grep -o 'reach: [0-9]*/[0-9]* layer calls traced' "$libtorch" | head -1
  grep -o 'generated decoders: [^&<]*' "$libtorch" | head -1
  if [ "${ran:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
else
  echo "libtorch tests: 0 ran"
fi

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
