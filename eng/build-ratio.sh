#!/usr/bin/env bash
# Times `dotnet build` of the 1,000-file synthetic solution with and without ConvAnalyzers (the analyzer assembly, as
# the package adds it), 7 alternating runs each, and prints every run, the median ratio, and an A/A ratio (a second copy
# of the build without the package against the first) that shows the noise. Usage: eng/build-ratio.sh [files] [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
files=${1:-1000}
runs=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet run -c Release --project "$root/benchmarks/ConvAnalyzers.Benchmarks" -- write-solution "$work/src" "$files" >/dev/null
# The analyzer assembly as the package ships it, built once: a project reference would be rebuilt by every
# --no-incremental build and its compile time counted as ours.
dotnet build "$root/src/ConvAnalyzers/ConvAnalyzers.csproj" -c Release -nologo -v q >/dev/null
analyzer="$root/src/ConvAnalyzers/bin/Release/netstandard2.0/ConvAnalyzers.dll"
# Default severities, except that the IDs whose default is Error are lowered to warning by ID (the planted bugs must not
# stop the build): no Hidden trace is raised, so this is the build a user runs.
errors=$(awk -F'|' '$3 ~ /Error/ { gsub(/ /, "", $1); print $1 }' "$root/src/ConvAnalyzers/Diagnostics/AnalyzerReleases.Unshipped.md")
for variant in with without again; do
  mkdir -p "$work/$variant"
  cp "$work/src"/*.cs "$work/$variant/"
  if [ "$variant" = with ]; then
    reference="<Analyzer Include=\"$analyzer\" />"
  else
    # Without the package the attributes it would add are ordinary source.
    cp "$work/src/Attributes.cs.txt" "$work/$variant/Attributes.cs"
    reference=""
  fi
  cat > "$work/$variant/Synthetic.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>disable</Nullable><TreatWarningsAsErrors>false</TreatWarningsAsErrors><NoWarn>CS8019;CS0169;CS0414</NoWarn></PropertyGroup>
  <ItemGroup><PackageReference Include="TorchSharp" Version="0.107.0" />$reference</ItemGroup>
</Project>
PROJ
  { printf 'root = true\n[*.cs]\n'; for id in $errors; do printf 'dotnet_diagnostic.%s.severity = warning\n' "$id"; done; } > "$work/$variant/.editorconfig"
  dotnet build "$work/$variant" -c Release -nologo -v q >/dev/null 2>&1 || { echo "warm-up build of '$variant' failed"; dotnet build "$work/$variant" -c Release -nologo -v q | tail -5; exit 1; }
done

declare -a with_times without_times again_times
for i in $(seq 1 "$runs"); do
  for variant in without with again; do
    start=$(date +%s.%N)
    dotnet build "$work/$variant" -c Release -nologo -v q --no-incremental >/dev/null 2>&1
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    case $variant in with) with_times+=("$t") ;; without) without_times+=("$t") ;; *) again_times+=("$t") ;; esac
    echo "run $i $variant: ${t}s"
  done
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mw=$(median "${with_times[@]}")
mo=$(median "${without_times[@]}")
ma=$(median "${again_times[@]}")
echo "median with ConvAnalyzers: ${mw}s, without: ${mo}s, ratio: $(echo "scale=3; $mw / $mo" | bc); A/A (without, second copy / first): $(echo "scale=3; $ma / $mo" | bc)"
