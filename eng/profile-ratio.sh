#!/usr/bin/env bash
# The CPU the analyzers cost, this build against another build of ConvAnalyzers.dll, read from CPU profiles rather than
# from the driver's callback times (which count whatever garbage collection lands in a callback, and leave out the
# operation trees the driver builds for an analyzer's operation-block actions). Per round, alternating: dotnet-trace on
# `profile-analyzers <files> 6 sequential` with each build, then `profile-cpu` on each profile.
# Usage: eng/profile-ratio.sh OTHER/ConvAnalyzers.dll [rounds] [files]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
other=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rounds=${2:-3}
files=${3:-5000}
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || dotnet tool install -g dotnet-trace >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/benchmarks/ConvAnalyzers.Benchmarks" -c Release -nologo -v q >/dev/null
bench="$root/benchmarks/ConvAnalyzers.Benchmarks/bin/Release/net10.0/ConvAnalyzers.Benchmarks"
for round in $(seq 1 "$rounds"); do
  for who in this other; do
    extra=""
    [ "$who" = other ] && extra="$other"
    dotnet-trace collect --format speedscope -o "$work/$who-$round.nettrace" -- "$bench" profile-analyzers "$files" 6 sequential $extra >/dev/null 2>&1
    echo "round $round, $who build: $("$bench" profile-cpu "$work/$who-$round.speedscope.json")"
  done
done
