// Command skillpass-bench is `make bench`: one run that measures Skillpass
// (Go benchmarks, our verifier in process and as `skillpass-cli verify`) and
// the peer verifier (../shared/peers/dcc-verifier, run with Node) side by
// side on the same generated corpus, then the skills passport and the QR
// codes (payload size and QR version of plain JSON, zlib+base45 and SP1),
// and prints a table with ratios and aims.
//
// Usage:
//
//	go run ./cmd/skillpass-bench [-json] [-skip-go] [-skip-peer] [-shared DIR] [-runs N] [-count N] ...
//
// See `go run ./cmd/skillpass-bench -h` for every flag.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/skillpass/skillpass/cmd/skillpass-bench/internal/benchrun"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := benchrun.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
