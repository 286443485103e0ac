#!/usr/bin/env bash
# Prints the test time of each test class (suite) in a .trx file, longest first: the sum of its tests' durations.
# xunit runs classes in parallel, so these add up to more than the project's wall time (which eng/test.sh prints).
#   eng/suite-minutes.sh RESULTS.trx [MIN_SECONDS]
set -euo pipefail
trx=${1:?usage: eng/suite-minutes.sh RESULTS.trx [MIN_SECONDS]}
min=${2:-20}
grep -o '<UnitTestResult [^>]*>' "$trx" \
  | sed -n 's/.* testName="\([^"(]*\)[^"]*".* duration="\([0-9]*\):\([0-9]*\):\([0-9.]*\)".*/\1 \2 \3 \4/p' \
  | awk -v min="$min" '{
      name = $1; sub(/\.[^.]*$/, "", name); n = split(name, parts, "."); cls = parts[n]
      seconds[cls] += $2 * 3600 + $3 * 60 + $4; count[cls]++
    }
    END {
      for (c in seconds) if (seconds[c] >= min) printf "  %-40s %5.1f min  (%d tests)\n", c, seconds[c] / 60, count[c]
    }' \
  | sort -k2 -nr
