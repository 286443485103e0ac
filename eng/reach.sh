#!/usr/bin/env bash
# Measures the analyzers' reach on a folder of real TorchSharp code (docs/REACH.md explains the figures):
#   eng/reach.sh [--at COMMIT] FOLDER ANNOTATIONS [--sites] [--errors] [--all-sites] [--reach] [--profile]
# FOLDER is read, never written; ANNOTATIONS names the networks and their input shapes (eng/reach/*.txt).
# Without --at, the analyzer is the working tree's src/; with --at, the analyzer of COMMIT, exported (git archive) into a
# scratch folder and built there, so a measurement names exactly what it measured and leaves the working tree alone.
# The tool itself (tools/ConvAnalyzers.Reach) and tests/Shared/LayerCallSites.cs always come from the working tree.
# Builds in Release when something it is built from is newer than the binary, then runs it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
at=""
if [ "${1:-}" = "--at" ]; then
  at=$(git -C "$root" rev-parse --verify "${2:?--at needs a commit}^{commit}")
  shift 2
fi
if [ $# -lt 2 ]; then
  echo "usage: eng/reach.sh [--at COMMIT] FOLDER ANNOTATIONS [--sites] [--errors] [--all-sites] [--reach] [--profile]" >&2
  exit 2
fi

if [ -n "$at" ]; then
  base="${TMPDIR:-/tmp}/convanalyzers-reach-${at:0:12}"
  if [ ! -f "$base/.exported" ]; then
    rm -rf "$base" && mkdir -p "$base"
    git -C "$root" archive "$at" Directory.Build.props Directory.Packages.props global.json src/ConvAnalyzers tests/Shared | tar -x -C "$base"
    touch "$base/.exported"
  fi
  mkdir -p "$base/tools" "$base/tests/Shared"
  mkdir -p "$base/tools/ConvAnalyzers.Reach"
  (cd "$root/tools/ConvAnalyzers.Reach" && find . \( -name bin -o -name obj \) -prune -o -type f -print | while read -r f; do
    mkdir -p "$base/tools/ConvAnalyzers.Reach/$(dirname "$f")"; cmp -s "$f" "$base/tools/ConvAnalyzers.Reach/$f" || cp -p "$f" "$base/tools/ConvAnalyzers.Reach/$f"; done)
  cp -p "$root/tests/Shared/LayerCallSites.cs" "$base/tests/Shared/LayerCallSites.cs"
  measured="commit ${at:0:7} (exported)"
else
  base="$root"
  dirty=$(git -C "$root" status --porcelain -- src | wc -l)
  measured="working tree at commit $(git -C "$root" rev-parse --short HEAD)$( [ "$dirty" -gt 0 ] && echo ", $dirty uncommitted path(s) under src/" || true)"
fi

project="$base/tools/ConvAnalyzers.Reach/ConvAnalyzers.Reach.csproj"
binary="$base/tools/ConvAnalyzers.Reach/bin/Release/net10.0/ConvAnalyzers.Reach.dll"
newer=""
if [ -f "$binary" ]; then
  newer=$(find "$base/tools/ConvAnalyzers.Reach" "$base/src/ConvAnalyzers" "$base/tests/Shared/LayerCallSites.cs" \
    \( -name bin -o -name obj \) -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.md' \) -newer "$binary" -print | head -1)
fi
if [ ! -f "$binary" ] || [ -n "$newer" ]; then
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
fi

echo "analyzer measured: $measured"
exec dotnet "$binary" "$@"
