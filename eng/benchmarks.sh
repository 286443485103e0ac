#!/usr/bin/env bash
# Runs the analyzers' own execution times, the BenchmarkDotNet suites (analyzer overhead with 10 iterations, generator
# caching with a short job, generated vs hand-written decoder with a medium job), then the build-ratio script. Results: benchmarks/ConvAnalyzers.Benchmarks/BenchmarkDotNet.Artifacts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/eng/install-native-prereqs.sh"
cd "$root/benchmarks/ConvAnalyzers.Benchmarks"
dotnet build -c Release -nologo -v q >/dev/null
dotnet run -c Release --no-build -- execution-times 5000 7
dotnet run -c Release --no-build -- --filter '*AnalyzerBenchmarks*' --exporters markdown
dotnet run -c Release --no-build -- --filter '*GeneratorBenchmarks*' --job short --exporters markdown
# The decoders' forward differs by microseconds against milliseconds: a longer job for a usable error.
dotnet run -c Release --no-build -- --filter '*RuntimeBenchmarks*' --job medium --exporters markdown
"$root/eng/build-ratio.sh" 1000 7
