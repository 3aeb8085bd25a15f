package issuer

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	arieslog "github.com/hyperledger/aries-framework-go/pkg/common/log"
	spilog "github.com/hyperledger/aries-framework-go/spi/log"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

// PassphraseEnv names the environment variable the command reads the
// issuer wallet's passphrase from.
const PassphraseEnv = "SKILLPASS_ISSUER_PASSPHRASE"

// InvitationPNG is the file name of the invitation's QR code, written in
// the issuer's folder by serve.
const InvitationPNG = "invitation.png"

const usage = `usage:
  skillpass-issuer --dir DIR serve --listen HOST:PORT --catalog FILE [--endpoint URL] [--auto-offer]
  skillpass-issuer --dir DIR revoke CREDENTIAL_ID
  skillpass-issuer --dir DIR issued
The passphrase of the issuer's wallet comes from ` + PassphraseEnv + `; serve creates
the wallet in DIR on first run.
`

// errUsage marks errors of the command line (exit code 2).
var errUsage = errors.New("usage")

// Run is the skillpass-issuer command: it parses args (without the program
// name), runs the subcommand until ctx ends (serve) or it is done, and
// returns the exit code: 0 done, 1 refused, 2 usage or I/O error. Output
// goes to stdout (serve: the invitation URL first); messages to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "skillpass-issuer: error: %v\n%s", err, usage)
		return 2
	case errors.Is(err, ErrNotIssued), errors.Is(err, ErrAmbiguous), errors.Is(err, wallet.ErrWrongPassphrase):
		fmt.Fprintf(stderr, "skillpass-issuer: error: %v\n", err)
		return 1
	default:
		fmt.Fprintf(stderr, "skillpass-issuer: error: %v\n", err)
		if errors.Is(err, wallet.ErrBusy) {
			fmt.Fprintln(stderr, "hint: a running `skillpass-issuer serve` holds this folder; stop it first (the admin endpoint is not built yet)")
		}
		return 2
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	top := flag.NewFlagSet("skillpass-issuer", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	dir := top.String("dir", "", "the issuer's folder (its wallet)")
	if err := top.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *dir == "" {
		return fmt.Errorf("%w: --dir is required", errUsage)
	}
	rest := top.Args()
	if len(rest) == 0 {
		return fmt.Errorf("%w: no command", errUsage)
	}
	switch rest[0] {
	case "serve":
		return serve(ctx, *dir, rest[1:], stdout, stderr)
	case "revoke":
		if len(rest) != 2 {
			return fmt.Errorf("%w: revoke takes one credential id", errUsage)
		}
		w, err := openWallet(*dir, false)
		if err != nil {
			return err
		}
		defer w.Close()
		rec, err := Revoke(w, rest[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s revoked (status entry %d); the next serve publishes it\n", rec.ID, rec.StatusIndex)
		return nil
	case "issued":
		w, err := openWallet(*dir, false)
		if err != nil {
			return err
		}
		defer w.Close()
		list, err := IssuedCredentials(w)
		if err != nil {
			return err
		}
		for _, x := range list {
			st := "active"
			if x.Revoked != nil {
				st = "revoked"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.Issued.Format("2006-01-02"), st, x.AchievementID, x.Subject)
		}
		return nil
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, rest[0])
	}
}

// openWallet opens the issuer's wallet in dir, creating it when create is
// set and there is none.
func openWallet(dir string, create bool) (*wallet.Wallet, error) {
	pass := os.Getenv(PassphraseEnv)
	if pass == "" {
		return nil, fmt.Errorf("%w: set %s to the issuer wallet's passphrase", errUsage, PassphraseEnv)
	}
	if !wallet.Exists(dir) {
		if !create {
			return nil, fmt.Errorf("no issuer wallet in %s (run serve first): %w", dir, wallet.ErrNoWallet)
		}
		return wallet.Create(dir, []byte(pass), wallet.Options{})
	}
	return wallet.Open(dir, []byte(pass), wallet.Options{})
}

func serve(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listenAddr := fs.String("listen", "", "HOST:PORT to listen on")
	catalogPath := fs.String("catalog", "", "the catalogue file (JSON)")
	endpoint := fs.String("endpoint", "", "public base URL (default http://HOST:PORT)")
	autoOffer := fs.Bool("auto-offer", false, "offer the first achievement to every new connection")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected %q", errUsage, strings.Join(fs.Args(), " "))
	case *listenAddr == "":
		return fmt.Errorf("%w: serve needs --listen HOST:PORT", errUsage)
	case *catalogPath == "":
		return fmt.Errorf("%w: serve needs --catalog FILE", errUsage)
	}
	cat, err := LoadCatalog(*catalogPath)
	if err != nil {
		return err
	}
	arieslog.SetLevel("", spilog.ERROR)
	w, err := openWallet(dir, true)
	if err != nil {
		return err
	}
	defer w.Close()
	is, err := Start(w, Options{
		Listen: *listenAddr, Endpoint: *endpoint, Catalog: cat, AutoOffer: *autoOffer,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	defer is.Close()
	fmt.Fprintln(stdout, is.InvitationURL())
	png, _, err := qr.RenderPNG(is.InvitationURL(), qr.ModulePixels, 40)
	if err != nil {
		fmt.Fprintf(stderr, "invitation QR code not written: %v\n", err)
	} else {
		path := filepath.Join(dir, InvitationPNG)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			fmt.Fprintf(stderr, "invitation QR code not written: %v\n", err)
		} else {
			fmt.Fprintf(stderr, "invitation QR code: %s\n", path)
		}
	}
	fmt.Fprintf(stderr, "issuer %s listening on %s (status list %s)\n", is.DID(), is.Addr(), is.StatusListURL())
	<-ctx.Done()
	return is.Close()
}
