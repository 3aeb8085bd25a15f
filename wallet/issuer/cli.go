package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

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
  skillpass-issuer --dir DIR serve --listen HOST:PORT --catalog FILE [--endpoint URL] [--auto-offer] [--proof ed25519|bbs|eddsa-2022]
  skillpass-issuer --dir DIR offer --connection C --achievement A [--subject-name NAME] [--date YYYY-MM-DD] [--result TEXT]
  skillpass-issuer --dir DIR issue-batch [--skip-invalid] [--json] FILE.csv
  skillpass-issuer --dir DIR revoke CREDENTIAL_ID
  skillpass-issuer --dir DIR connections [--json]
  skillpass-issuer --dir DIR issued [--json]
The passphrase of the issuer's wallet comes from ` + PassphraseEnv + `; serve creates
the wallet in DIR on first run and answers the other commands on DIR/` + AdminSocket + `.
offer and issue-batch need a running serve; revoke, connections and issued
open the wallet themselves when none runs. C is a connection id or the learner's
DID. FILE.csv has a header row with the columns learner, achievement, date
(YYYY-MM-DD) and optionally result. --proof picks how credentials are signed
(an achievement's "proof" in the catalogue overrides it): ed25519 (default,
VC 1.1, Ed25519Signature2020), bbs (VC 1.1, BbsBlsSignature2020 by the
issuer's BLS12-381 did:key, so learners can disclose single claims) or
eddsa-2022 (VC 2.0, DataIntegrityProof eddsa-rdfc-2022).
`

// errUsage marks errors of the command line (exit code 2).
var errUsage = errors.New("usage")

// refused lists the errors that are a refusal (exit code 1), not a usage
// or I/O error.
var refused = []error{
	ErrNotIssued, ErrAmbiguous, wallet.ErrWrongPassphrase, ErrUnknownAchievement, ErrNoConnection,
	ErrAmbiguousLearner, ErrBadOffer, ErrInvalidBatch, errBatchIncomplete,
}

// errBatchIncomplete is returned when a batch left rows unsent.
var errBatchIncomplete = errors.New("not every row was offered")

// Run is the skillpass-issuer command: it parses args (without the program
// name), runs the subcommand until ctx ends (serve) or it is done, and
// returns the exit code: 0 done, 1 refused, 2 usage or I/O error. Output
// goes to stdout (serve: the invitation URL first); messages to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	dir, err := run(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "skillpass-issuer: error: %v\n%s", err, usage)
		return 2
	}
	fmt.Fprintf(stderr, "skillpass-issuer: error: %v\n", err)
	switch {
	case errors.Is(err, ErrNotServing):
		fmt.Fprintf(stderr, "hint: start the issuer first, in another terminal: skillpass-issuer --dir %s serve --listen HOST:PORT --catalog FILE\n", dir)
	case errors.Is(err, wallet.ErrBusy):
		fmt.Fprintln(stderr, "hint: a `skillpass-issuer serve` is starting or stopping on this folder; try again in a moment")
	case errors.Is(err, ErrUnsafeDir):
		fmt.Fprintf(stderr, "hint: chmod go-w %s\n", dir)
	}
	for _, r := range refused {
		if errors.Is(err, r) {
			return 1
		}
	}
	return 2
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (string, error) {
	top := flag.NewFlagSet("skillpass-issuer", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	dir := top.String("dir", "", "the issuer's folder (its wallet)")
	if err := top.Parse(args); err != nil {
		return "", fmt.Errorf("%w: %v", errUsage, err)
	}
	if *dir == "" {
		return "", fmt.Errorf("%w: --dir is required", errUsage)
	}
	rest := top.Args()
	if len(rest) == 0 {
		return *dir, fmt.Errorf("%w: no command", errUsage)
	}
	var err error
	switch rest[0] {
	case "serve":
		err = serve(ctx, *dir, rest[1:], stdout, stderr)
	case "offer":
		err = cmdOffer(ctx, *dir, rest[1:], stdout)
	case "issue-batch":
		err = cmdIssueBatch(ctx, *dir, rest[1:], stdout, stderr)
	case "revoke":
		err = cmdRevoke(ctx, *dir, rest[1:], stdout)
	case "connections":
		err = cmdConnections(ctx, *dir, rest[1:], stdout)
	case "issued":
		err = cmdIssued(ctx, *dir, rest[1:], stdout)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, rest[0])
	}
	return *dir, err
}

// parseFlags parses a subcommand's flags and returns its arguments, of
// which it wants exactly nargs.
func parseFlags(fs *flag.FlagSet, args []string, nargs int, what string) ([]string, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	if fs.NArg() != nargs {
		if nargs == 0 {
			return nil, fmt.Errorf("%w: %s takes no arguments (got %q)", errUsage, fs.Name(), strings.Join(fs.Args(), " "))
		}
		return nil, fmt.Errorf("%w: %s takes %s (flags first)", errUsage, fs.Name(), what)
	}
	return fs.Args(), nil
}

// needServe explains that a command works only through a running serve.
func needServe(cmd string, err error) error {
	if errors.Is(err, ErrNotServing) {
		return fmt.Errorf("%s needs a running `skillpass-issuer serve`: %w", cmd, err)
	}
	return err
}

func cmdOffer(ctx context.Context, dir string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("offer", flag.ContinueOnError)
	conn := fs.String("connection", "", "the learner: a connection id or the learner's DID")
	ach := fs.String("achievement", "", "the achievement id (from the catalogue)")
	name := fs.String("subject-name", "", "the learner's name, put in the credential")
	date := fs.String("date", "", "the issuance date, YYYY-MM-DD (default: when the learner accepts)")
	result := fs.String("result", "", "a result text or score, put in the credential")
	if _, err := parseFlags(fs, args, 0, ""); err != nil {
		return err
	}
	if *conn == "" || *ach == "" {
		return fmt.Errorf("%w: offer needs --connection C and --achievement A", errUsage)
	}
	o := OfferOptions{SubjectName: *name, Result: *result}
	if *date != "" {
		d, err := time.Parse(time.DateOnly, *date)
		if err != nil {
			return fmt.Errorf("%w: --date %q is not YYYY-MM-DD", errUsage, *date)
		}
		o.Date = d
	}
	id, err := NewAdminClient(dir).Offer(ctx, *conn, *ach, o)
	if err != nil {
		return needServe("offer", err)
	}
	fmt.Fprintln(stdout, id)
	return nil
}

func cmdIssueBatch(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("issue-batch", flag.ContinueOnError)
	skip := fs.Bool("skip-invalid", false, "send the good rows even when some rows are invalid")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	rest, err := parseFlags(fs, args, 1, "one CSV file")
	if err != nil {
		return err
	}
	raw, err := readBatchFile(rest[0])
	if err != nil {
		return err
	}
	rep, err := NewAdminClient(dir).IssueBatch(ctx, raw, BatchOptions{SkipInvalid: *skip})
	if err != nil {
		return needServe("issue-batch", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else {
		printBatch(stdout, rep)
	}
	if len(rep.Ignored) > 0 {
		fmt.Fprintf(stderr, "columns not read: %s\n", strings.Join(rep.Ignored, ", "))
	}
	fmt.Fprintf(stderr, "%d row(s): %d offered, %d offered before, %d invalid, %d not sent, %d failed\n",
		len(rep.Rows), rep.Count(RowOffered), rep.Count(RowAlreadyOffered), rep.Count(RowInvalid),
		rep.Count(RowNotSent), rep.Count(RowFailed))
	if rep.OK() {
		return nil
	}
	if rep.Count(RowNotSent) > 0 {
		return fmt.Errorf("%s: %w: nothing was sent because of the invalid rows; fix them and run it again (rows offered before are not sent twice), or add --skip-invalid", rest[0], errBatchIncomplete)
	}
	return fmt.Errorf("%s: %w", rest[0], errBatchIncomplete)
}

// readBatchFile reads a batch file, at most MaxBatchBytes.
func readBatchFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read batch: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxBatchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read batch %s: %w", path, err)
	}
	if len(raw) > MaxBatchBytes {
		return nil, fmt.Errorf("%s: %w: larger than %d bytes; split it", path, ErrInvalidBatch, MaxBatchBytes)
	}
	return raw, nil
}

// printBatch prints one line per row: line, status, then what or why.
func printBatch(w io.Writer, rep *BatchReport) {
	for _, r := range rep.Rows {
		switch r.Status {
		case RowOffered, RowAlreadyOffered:
			fmt.Fprintf(w, "line %d\t%s\t%s\t%s\t%s\n", r.Line, r.Status, r.OfferID, r.Connection, r.Achievement)
		case RowNotSent:
			fmt.Fprintf(w, "line %d\t%s\t%s\t%s\n", r.Line, r.Status, r.Learner, r.Achievement)
		default:
			fmt.Fprintf(w, "line %d\t%s\t%s\n", r.Line, r.Status, r.Problem)
		}
	}
}

func cmdRevoke(ctx context.Context, dir string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("revoke", flag.ContinueOnError)
	rest, err := parseFlags(fs, args, 1, "one credential id")
	if err != nil {
		return err
	}
	rec, err := NewAdminClient(dir).Revoke(ctx, rest[0])
	if err == nil {
		fmt.Fprintf(stdout, "%s revoked (status entry %d); the served status list shows it now\n", rec.ID, rec.StatusIndex)
		return nil
	}
	if !errors.Is(err, ErrNotServing) {
		return err
	}
	w, err := openWallet(dir, false)
	if err != nil {
		return err
	}
	defer w.Close()
	rec, err = Revoke(w, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s revoked (status entry %d); the next serve publishes it\n", rec.ID, rec.StatusIndex)
	return nil
}

func cmdConnections(ctx context.Context, dir string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("connections", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args, 0, ""); err != nil {
		return err
	}
	list, err := NewAdminClient(dir).Connections(ctx)
	if errors.Is(err, ErrNotServing) {
		var w *wallet.Wallet
		if w, err = openWallet(dir, false); err != nil {
			return err
		}
		defer w.Close()
		list, err = Connections(w)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, list)
	}
	for _, c := range list {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", c.ID, c.TheirDID, orDash(c.Label), c.State)
	}
	return nil
}

func cmdIssued(ctx context.Context, dir string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("issued", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args, 0, ""); err != nil {
		return err
	}
	list, err := NewAdminClient(dir).Issued(ctx)
	if errors.Is(err, ErrNotServing) {
		var w *wallet.Wallet
		if w, err = openWallet(dir, false); err != nil {
			return err
		}
		defer w.Close()
		list, err = IssuedCredentials(w)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, list)
	}
	for _, x := range list {
		st := "active"
		if x.Revoked != nil {
			st = "revoked"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.Issued.Format("2006-01-02"), st, x.AchievementID, x.Subject)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
	proofName := fs.String("proof", string(ProofEd25519), "how credentials are signed: ed25519, bbs or eddsa-2022")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	proofKind, err := ParseProof(*proofName)
	if err != nil {
		return fmt.Errorf("%w: --proof: %v", errUsage, err)
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
		Listen: *listenAddr, Endpoint: *endpoint, Catalog: cat, AutoOffer: *autoOffer, Proof: proofKind,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	defer is.Close()
	admin, err := ServeAdmin(dir, is)
	if err != nil {
		return err
	}
	defer admin.Close()
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
	if is.BBSDID() != "" {
		fmt.Fprintf(stderr, "BBS+ issuer %s (status list %s)\n", is.BBSDID(), is.BBSStatusListURL())
	}
	fmt.Fprintf(stderr, "admin endpoint: %s\n", admin.Path())
	<-ctx.Done()
	return errors.Join(admin.Close(), is.Close())
}
