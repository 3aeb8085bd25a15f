package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/verify"
)

// cmdAdvisor is advisor mode: open learners' passport files, and keep
// private notes on learners in the advisor's wallet.
func cmdAdvisor(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: msgAdvisorUsage, hint: msgAdvisorUsageHint}
	}
	sub := o.args[0]
	o.args = o.args[1:]
	switch sub {
	case "open":
		return cmdAdvisorOpen(o, env)
	case "note":
		return cmdAdvisorNote(o, env)
	case "notes":
		return cmdAdvisorNotes(o, env)
	default:
		return &usageError{msg: fmt.Sprintf(msgAdvisorUnknown, sub), hint: msgAdvisorUsageHint}
	}
}

// cmdAdvisorOpen verifies each passport file and prints, per file, the
// holder, the verdict, the skills passport of the credentials that count,
// the gaps against --role and the advisor's notes on the holder. It uses
// the advisor's wallet (for the notes, and a --role code from an imported
// framework) when there is one; without a wallet it works like verify.
func cmdAdvisorOpen(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: fmt.Sprintf(msgNeedFiles, "advisor open"), hint: msgAdvisorUsageHint}
	}
	popts, roleCode, err := roleOptions(o, env)
	if err != nil {
		return err
	}
	var w *wallet.Wallet
	if wallet.Exists(o.walletDir()) {
		if w, err = openWallet(o, env); err != nil {
			return err
		}
		defer w.Close()
		if err := frameworkOptions(w, &popts, roleCode); err != nil {
			return err
		}
	} else if roleCode != "" {
		return &hinted{err: fmt.Errorf(msgAdvisorRoleCode, roleCode), hint: msgRoleHint}
	}
	f, err := o.fetcher(env)
	if err != nil {
		return err
	}
	v, err := verify.New(verify.Options{Fetcher: f, Now: env.Now})
	if err != nil {
		return err
	}
	many := len(o.args) > 1
	allOK := true
	var ioErr error
	for _, name := range o.args {
		sp, err := openShared(w, v, name, env, popts)
		if err != nil {
			fmt.Fprintln(env.Stderr, msgErrPrefix+err.Error())
			if h := hintFor(err); h != "" {
				fmt.Fprintln(env.Stderr, msgHintPrefix+h)
			}
			if ioErr == nil {
				ioErr = err
			}
			continue
		}
		if !sp.Verified {
			allOK = false
		}
		switch {
		case o.json && many:
			b, err := json.Marshal(sp)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, string(b))
		case o.json:
			if err := writeJSON(env.Stdout, sp); err != nil {
				return err
			}
		default:
			if many {
				fmt.Fprintln(env.Stdout, strings.Repeat("=", 72))
			}
			printShared(env.Stdout, sp)
		}
	}
	if ioErr != nil {
		return &hinted{err: errors.New(msgAdvisorSomeUnread), hint: "see the messages above"}
	}
	if !allOK {
		return &refusedError{}
	}
	return nil
}

// openShared reads and judges one passport file: through the advisor's
// wallet (adding the notes) when w is not nil, else with v alone.
func openShared(w *wallet.Wallet, v *verify.Verifier, name string, env Env, popts passport.Options) (*wallet.SharedPassport, error) {
	data, err := readInput(name, env.Stdin)
	if err != nil {
		return nil, err
	}
	data, err = unwrapInput(name, data)
	if err != nil {
		return nil, err
	}
	var sp *wallet.SharedPassport
	if w != nil {
		sp, err = w.OpenPassportFile(ctx(), displayName(name), data, popts)
	} else {
		sp, err = wallet.ReadPassportFile(ctx(), v, displayName(name), data, popts)
	}
	if errors.Is(err, wallet.ErrNotPassportFile) {
		return nil, &hinted{err: err, hint: msgAdvisorNotFileHint}
	}
	return sp, err
}

// printShared writes one passport file's verdict and passport for people.
func printShared(out io.Writer, sp *wallet.SharedPassport) {
	total := len(sp.Credentials)
	switch {
	case sp.Verified:
		fmt.Fprintf(out, msgAdvisorVerified, sp.File)
	case sp.HolderSigned:
		fmt.Fprintf(out, msgAdvisorPartly, sp.File, sp.Counted, total)
	default:
		fmt.Fprintf(out, msgAdvisorNotVerified, sp.File)
	}
	fmt.Fprintf(out, "  holder    %s\n", firstNonEmpty(sp.Holder, "(not named)"))
	if sp.Audience != "" {
		fmt.Fprintf(out, "  for       %s\n", sp.Audience)
	}
	if !sp.Expires.IsZero() {
		fmt.Fprintf(out, "  expires   %s\n", sp.Expires.Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(out, "  counted   %d of %d credentials\n", sp.Counted, total)
	for _, c := range sp.Credentials {
		if !c.Counted {
			fmt.Fprintf(out, "    not counted: credential %d, %q from %s: %s\n", c.Index+1, c.Name, firstNonEmpty(c.IssuerName, c.IssuerID, "?"), c.Reason)
		}
	}
	if sp.Result != nil {
		for _, e := range sp.Result.Errors {
			fmt.Fprintf(out, "    - %s\n", e)
		}
	}
	fmt.Fprintln(out)
	if len(sp.Passport.Skills) == 0 {
		fmt.Fprint(out, msgAdvisorNoSkills)
	} else {
		printPassport(out, sp.Passport)
	}
	if len(sp.Notes) > 0 {
		fmt.Fprint(out, "\nYour notes\n")
		for _, n := range sp.Notes {
			printNote(out, n)
		}
	}
}

// cmdAdvisorNote keeps a private note on a learner.
func cmdAdvisorNote(o *opts, env Env) error {
	if o.holder == "" || len(o.args) == 0 {
		return &usageError{msg: msgAdvisorNoteUsage, hint: msgAdvisorUsageHint}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	n, err := w.AddNote(o.holder, strings.Join(o.args, " "))
	if errors.Is(err, wallet.ErrBadNote) {
		return &usageError{msg: err.Error(), hint: msgAdvisorNoteHint}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, msgAdvisorNoted, n.Holder, n.Time.Format("2006-01-02 15:04 MST"))
	return nil
}

// cmdAdvisorNotes lists the advisor's notes, on one learner or on all.
func cmdAdvisorNotes(o *opts, env Env) error {
	if err := noArgs("advisor notes", o); err != nil {
		return err
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	notes, err := w.Notes(o.holder)
	if err != nil {
		return err
	}
	if o.json {
		if notes == nil {
			notes = []wallet.Note{}
		}
		return writeJSON(env.Stdout, notes)
	}
	if len(notes) == 0 {
		fmt.Fprint(env.Stdout, msgAdvisorNoNotes)
		return nil
	}
	holder := ""
	for _, n := range notes {
		if n.Holder != holder {
			holder = n.Holder
			fmt.Fprintln(env.Stdout, holder)
		}
		printNote(env.Stdout, n)
	}
	return nil
}

// printNote writes one note, its later lines indented under the first.
func printNote(out io.Writer, n wallet.Note) {
	lines := strings.Split(n.Text, "\n")
	fmt.Fprintf(out, "  %s  %s\n", n.Time.Format("2006-01-02 15:04"), lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(out, "                    %s\n", l)
	}
}
