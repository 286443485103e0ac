#!/usr/bin/env bash
# Runs the BenchmarkDotNet suites with short jobs (analyzer overhead, generator caching, generated vs hand-written
# decoder), then the build-ratio script. Results: benchmarks/ConvAnalyzers.Benchmarks/BenchmarkDotNet.Artifacts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/eng/install-native-prereqs.sh"
(cd "$root/benchmarks/ConvAnalyzers.Benchmarks" && dotnet run -c Release -- --filter '*' --job short --exporters markdown)
"$root/eng/build-ratio.sh" 1000 5
