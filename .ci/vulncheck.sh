#!/usr/bin/env bash
# Runs govulncheck on every package against a local copy of the Go vulnerability
# database, so CI needs no access to vuln.go.dev.
#
# The database comes from the golang.org/x/vulndb module (its data/osv folder, CC-BY-4.0)
# through the Go module proxy, at the version VULNDB names (pinned in the Makefile; pass
# VULNDB=latest to take the newest the proxy serves). Its own indexdb command turns the
# OSV files into the v1 database layout that govulncheck -db file://... reads. Everything
# is rebuilt in a temporary folder each run: nothing is cached that could not be rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
VULNDB="${VULNDB:?set VULNDB to a golang.org/x/vulndb version}"
GOVULNCHECK="${GOVULNCHECK:?set GOVULNCHECK to a golang.org/x/vuln version}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

src=$($GO mod download -json "golang.org/x/vulndb@${VULNDB}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
  echo "vulncheck: could not get golang.org/x/vulndb@${VULNDB} from the module proxy" >&2
  exit 2
fi
version=$($GO mod download -json "golang.org/x/vulndb@${VULNDB}" | sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p')
echo "vulncheck: database golang.org/x/vulndb@${version} ($(ls "$src/data/osv" | wc -l) reports), $($GO version)"

# indexdb is run from the same module version as the data, in its own module mode.
(cd "$work" && $GO run "golang.org/x/vulndb/cmd/indexdb@${version}" -vulns "$src/data/osv" -out "$work/db")

$GO run "golang.org/x/vuln/cmd/govulncheck@${GOVULNCHECK}" -db "file://$work/db" ./...
