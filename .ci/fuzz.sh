#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each (FUZZTIME, default 10s).
# Seed corpora live in each package's testdata/fuzz; a crash fails the run and leaves
# its input there to commit as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
GO="${GO:-go}"
fail=0
for pkg in $($GO list ./...); do
  dir=$($GO list -f '{{.Dir}}' "$pkg")
  grep -ls '^func Fuzz' "$dir"/*_test.go >/dev/null 2>&1 || continue
  for target in $(cd "$dir" && $GO test -list '^Fuzz' . | grep '^Fuzz' || true); do
    echo "fuzz $pkg $target ($FUZZTIME)"
    if ! $GO test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" >/tmp/fuzz-$$.log 2>&1; then
      cat /tmp/fuzz-$$.log
      fail=1
    fi
  done
done
rm -f /tmp/fuzz-$$.log
exit $fail
