#!/usr/bin/env bash
# The sample command: builds samples/ShapeBugs (wrong on purpose) so that ConvAnalyzers' diagnostics appear,
# then runs samples/Autoencoder3d: the seed's 3-D autoencoder with a generated, verified decoder on libtorch.
# Installs the native prerequisite first (eng/install-native-prereqs.sh). Exits 0 when the sample ran.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/eng/install-native-prereqs.sh" || echo "The native prerequisite could not be installed; TorchSharp may fail to load." >&2

echo "== samples/ShapeBugs: dotnet build shows the shape bugs (the build fails on purpose) =="
dotnet build samples/ShapeBugs -nologo -v q 2>&1 | grep -E "(error|warning) CONV[0-9]{3}" | sed "s|$root/||" | sort -u

echo
echo "== samples/Autoencoder3d: the generated decoder on libtorch =="
dotnet run --project samples/Autoencoder3d -c Release
