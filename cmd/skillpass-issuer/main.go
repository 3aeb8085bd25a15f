// Command skillpass-issuer is an issuer agent a training provider runs: it
// holds its own DID and keys in an encrypted wallet, invites learners over
// DIDComm and issues them Open Badges 3.0 credentials from a catalogue,
// with a status list it serves for revocation checks. See package
// github.com/skillpass/skillpass/wallet/issuer for the commands and the
// catalogue format.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/skillpass/skillpass/wallet/issuer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := issuer.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
