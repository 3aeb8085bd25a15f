// Package cli is Skillpass's command line (skillpass-cli): the headless
// wallet and the employer's verifier. It only parses arguments, asks for the
// passphrase and prints; the work happens in package wallet and below. The
// command contract is in DESIGN.md ("Contract for skillpass-cli").
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
)

// Exit codes of the contract.
const (
	ExitOK       = 0 // done, or verified
	ExitRefused  = 1 // not verified, or refused
	ExitUsage    = 2 // usage or I/O error
	minPassChars = 8
)

// EnvPassphrase names the environment variable that supplies the passphrase.
const EnvPassphrase = "SKILLPASS_PASSPHRASE"

// Env is what a command run sees of its surroundings.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (os.Getenv in main).
	Getenv func(string) string
	// Prompt asks for a secret on the terminal without echo; nil when there
	// is no terminal.
	Prompt func(prompt string) ([]byte, error)
	// HTTP is the fetcher used when the network is allowed (did:web,
	// status lists); nil means the network is never used.
	HTTP did.Fetcher
	// Now is the clock (time.Now in main).
	Now func() time.Time
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg, hint string }

func (e *usageError) Error() string { return e.msg }

// refusedError means the command ran and the answer is no (exit 1).
type refusedError struct{ error }

// hinted wraps an error with what the user can do about it.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

// opts are the flags every command understands.
type opts struct {
	wallet     string
	json       bool
	offline    bool
	offlineDir string
	role       string
	listen     string // agent
	endpoint   string // agent
	reason     string // decline
	sector     string // framework roles
	fileOut    string // passport export
	pdfOut     string // passport export
	audience   string // passport export
	name       string // passport export --pdf
	holder     string // advisor note, notes
	clear      bool   // passport category --clear
	// Open Badges 2.0: consent to fetch hosted parts, and a recipient to check
	fetchBadges bool
	recipient   string
	ob2Out      string // linkedin --ob2
	// present and verify
	choices   choicesFlag
	challenge string
	domain    string
	expires   string
	qrOut     string
	sheetOut  string // present: the printable A4 sheet
	text      bool
	args      []string

	// presentation requests: requests --all, share --use DESCRIPTOR=CREDENTIAL
	all bool
	use map[string]string
}

// Run executes one command line (without the program name) and returns the
// exit code.
func Run(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	err := run(args, env)
	if err == nil {
		return ExitOK
	}
	code := ExitUsage
	var ref *refusedError
	if errors.As(err, &ref) {
		code = ExitRefused
		err = ref.error
		if err == nil {
			return code
		}
	}
	fmt.Fprintln(env.Stderr, msgErrPrefix+err.Error())
	if h := hintFor(err); h != "" {
		fmt.Fprintln(env.Stderr, msgHintPrefix+h)
	}
	return code
}

func hintFor(err error) string {
	var u *usageError
	if errors.As(err, &u) && u.hint != "" {
		return u.hint
	}
	var h *hinted
	if errors.As(err, &h) {
		return h.hint
	}
	switch {
	case errors.Is(err, wallet.ErrNoWallet):
		return msgNoWalletHint
	case errors.Is(err, wallet.ErrWrongPassphrase):
		return msgWrongPassHint
	case errors.Is(err, wallet.ErrBusy):
		return msgBusyHint
	case errors.Is(err, wallet.ErrExists):
		return msgExistsHint
	case errors.Is(err, wallet.ErrNotFound), errors.Is(err, wallet.ErrAmbiguous):
		return msgNeedIDHint
	case errors.Is(err, wallet.ErrBackupPassphrase):
		return msgBackupPassHint
	case errors.Is(err, wallet.ErrBackupDamaged):
		return msgBackupDamagedHint
	case errors.Is(err, wallet.ErrLocked):
		return msgLockedHint
	}
	return ""
}

// parse reads flags anywhere on the line (before or after the command and
// its arguments), as people type them.
func parse(args []string, stderr io.Writer) (string, *opts, error) {
	o := &opts{}
	fs := flag.NewFlagSet("skillpass-cli", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.wallet, "wallet", "", "wallet folder")
	fs.BoolVar(&o.json, "json", false, "JSON output")
	fs.BoolVar(&o.offline, "offline", false, "never use the network")
	fs.StringVar(&o.offlineDir, "offline-dir", "", "serve https URLs from this folder")
	fs.StringVar(&o.role, "role", "", "role profile file, or a job role code from an imported framework, for a gap analysis")
	fs.StringVar(&o.listen, "listen", "", "agent: HOST:PORT for DIDComm")
	fs.StringVar(&o.endpoint, "endpoint", "", "agent: the public URL issuers reach it at")
	fs.StringVar(&o.reason, "reason", "", "decline: the reason the issuer is told")
	fs.BoolVar(&o.all, "all", false, "requests: every request, whatever its state")
	fs.Var(useFlag{&o.use}, "use", "share: DESCRIPTOR=CREDENTIAL, the credential that answers a descriptor (repeatable)")
	fs.StringVar(&o.sector, "sector", "", "framework roles: only roles of sectors whose name contains this")
	fs.StringVar(&o.fileOut, "file", "", "passport export: the passport file to write")
	fs.StringVar(&o.pdfOut, "pdf", "", "passport export: the one-page PDF summary to write")
	fs.StringVar(&o.audience, "audience", "", "passport export: whom the passport file is for")
	fs.StringVar(&o.name, "name", "", "passport export: your name as printed on the PDF")
	fs.StringVar(&o.holder, "holder", "", "advisor: the learner's holder DID")
	fs.BoolVar(&o.clear, "clear", false, "passport category: give the skill back the category its credentials give it")
	fs.BoolVar(&o.fetchBadges, "fetch-badges", false, "Open Badges 2.0: allow fetching hosted assertions, badge classes, issuer profiles and keys")
	fs.StringVar(&o.recipient, "recipient", "", "verify: the email an Open Badges 2.0 badge must be issued to")
	fs.StringVar(&o.ob2Out, "ob2", "", "linkedin: write an Open Badges 2.0 style export of the credential to this file")
	fs.Var(credentialFlag{&o.choices}, "credential", "credential to present (repeatable)")
	fs.Var(discloseFlag{&o.choices}, "disclose", "claim of the last --credential to disclose (repeatable)")
	fs.StringVar(&o.challenge, "challenge", "", "the verifier's challenge")
	fs.StringVar(&o.domain, "domain", "", "the verifier's domain")
	fs.StringVar(&o.expires, "expires", "", "when a presentation expires (RFC 3339 or a duration such as 15m or 30d)")
	fs.StringVar(&o.qrOut, "qr", "", "PNG file to write the presentation's QR code to")
	fs.StringVar(&o.sheetOut, "sheet", "", "PDF file to write a printable A4 sheet of the presentation to")
	fs.BoolVar(&o.text, "text", false, "print the QR code's text too")
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", nil, &usageError{msg: err.Error(), hint: msgUnknownCommandH}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) == 0 {
		return "help", o, nil
	}
	o.args = pos[1:]
	return pos[0], o, nil
}

func run(args []string, env Env) error {
	cmd, o, err := parse(args, env.Stderr)
	if err != nil {
		return err
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintf(env.Stdout, usageText, defaultWalletDir())
		return nil
	case "init":
		return cmdInit(o, env)
	case "import":
		return cmdImport(o, env)
	case "list":
		return viaAgent(o, env, agentList, cmdList)
	case "show":
		return viaAgent(o, env, agentShow, cmdShow)
	case "linkedin":
		return cmdLinkedIn(o, env)
	case "identities":
		return cmdIdentities(o, env)
	case "verify":
		return cmdVerify(o, env)
	case "present":
		return cmdPresent(o, env)
	case "passport":
		if len(o.args) > 0 && o.args[0] == "export" {
			return cmdPassportExport(o, env)
		}
		if len(o.args) > 0 && (o.args[0] == "category" || o.args[0] == "categories") {
			return cmdPassportCategory(o, env)
		}
		return viaAgent(o, env, agentPassport, cmdPassport)
	case "advisor":
		return cmdAdvisor(o, env)
	case "backup":
		return cmdBackup(o, env)
	case "restore":
		return cmdRestore(o, env)
	case "activity":
		return cmdActivity(o, env)
	case "framework":
		return cmdFramework(o, env)
	case "agent":
		return cmdAgent(o, env)
	case "connect":
		return cmdConnect(o, env)
	case "connections":
		return cmdConnections(o, env)
	case "inbox":
		return cmdInbox(o, env)
	case "accept":
		return cmdAccept(o, env)
	case "decline":
		return cmdDecline(o, env)
	case "mediator":
		return cmdMediator(o, env)
	case "pickup":
		return cmdPickup(o, env)
	case "requests":
		return cmdRequests(o, env)
	case "request":
		return cmdRequest(o, env)
	case "share":
		return cmdShare(o, env)
	case "decline-request":
		return cmdDeclineRequest(o, env)
	default:
		return &usageError{msg: fmt.Sprintf(msgUnknownCommand, cmd), hint: msgUnknownCommandH}
	}
}

// defaultWalletDir is the OS user config dir's skillpass folder.
func defaultWalletDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "skillpass")
	}
	return ".skillpass"
}

func (o *opts) walletDir() string {
	if o.wallet != "" {
		return o.wallet
	}
	return defaultWalletDir()
}

// fetcher picks how https URLs are answered: a folder, nothing, or the web.
func (o *opts) fetcher(env Env) (did.Fetcher, error) {
	switch {
	case o.offlineDir != "":
		if st, err := os.Stat(o.offlineDir); err != nil || !st.IsDir() {
			return nil, &usageError{msg: fmt.Sprintf("--offline-dir %s is not a folder", o.offlineDir), hint: "give a folder laid out as DIR/<host>/<path>"}
		}
		return did.DirFetcher(o.offlineDir), nil
	case o.offline:
		return nil, nil
	default:
		return env.HTTP, nil
	}
}

// badgeFetch reports whether Open Badges 2.0 parts may be fetched: with
// --fetch-badges, or from the local copies of --offline-dir (nothing leaves
// the machine then).
func (o *opts) badgeFetch() bool { return o.fetchBadges || o.offlineDir != "" }

func (o *opts) walletOptions(env Env) (wallet.Options, error) {
	f, err := o.fetcher(env)
	if err != nil {
		return wallet.Options{}, err
	}
	return wallet.Options{Fetcher: f, Now: env.Now, BadgeFetch: o.badgeFetch()}, nil
}

// passphrase gets the passphrase from the environment or the terminal.
func passphrase(env Env, prompt string) ([]byte, error) {
	if p := env.Getenv(EnvPassphrase); p != "" {
		return []byte(p), nil
	}
	if env.Prompt == nil {
		return nil, &usageError{msg: msgNoTTY, hint: msgNoTTYHint}
	}
	p, err := env.Prompt(prompt)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return []byte(strings.TrimRight(string(p), "\r\n")), nil
}

func openWallet(o *opts, env Env) (*wallet.Wallet, error) {
	dir := o.walletDir()
	if !wallet.Exists(dir) {
		return nil, fmt.Errorf("open wallet in %s: %w", dir, wallet.ErrNoWallet)
	}
	wo, err := o.walletOptions(env)
	if err != nil {
		return nil, err
	}
	pass, err := passphrase(env, fmt.Sprintf(msgPassPrompt, dir))
	if err != nil {
		return nil, err
	}
	return wallet.Open(dir, pass, wo)
}

func ctx() context.Context { return context.Background() }
