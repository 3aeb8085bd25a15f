#!/bin/sh
# Runs aries-framework-go's storage conformance suite
# (github.com/hyperledger/aries-framework-go/test/component/storage) against
# package store. That module is in go.sum and the module cache but not in
# go.mod, and go.mod is not ours to change, so the suite runs in a throwaway
# module that points at this repository. Offline: GOPROXY=off.
# Usage: wallet/store/testdata/conformance/run.sh [go test flags, e.g. -v]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/go.sum" "$tmp/go.sum"
cp "$here/conformance_test.go" "$tmp/"
cat >"$tmp/go.mod" <<MOD
module example.com/storeconformance

go 1.26.0

require (
	github.com/hyperledger/aries-framework-go/test/component v0.0.0-20220322085443-50e8f9bd208b
	github.com/skillpass/skillpass v0.0.0
)

replace github.com/skillpass/skillpass => $root
MOD
cd "$tmp"
GOFLAGS=-mod=mod GOPROXY=off go test -count=1 "$@" .
