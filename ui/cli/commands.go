package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/importer"
)

func noArgs(cmd string, o *opts) error {
	if len(o.args) > 0 {
		return &usageError{msg: fmt.Sprintf(msgTooManyArgs, cmd, o.args[0]), hint: msgUnknownCommandH}
	}
	return nil
}

func cmdInit(o *opts, env Env) error {
	if err := noArgs("init", o); err != nil {
		return err
	}
	dir := o.walletDir()
	if wallet.Exists(dir) {
		return fmt.Errorf("create wallet in %s: %w", dir, wallet.ErrExists)
	}
	pass, err := newPassphrase(env)
	if err != nil {
		return err
	}
	wo, err := o.walletOptions(env)
	if err != nil {
		return err
	}
	w, err := wallet.Create(dir, pass, wo)
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintf(env.Stdout, msgCreated, dir)
	ids, err := w.Identities()
	if err != nil {
		return err
	}
	for _, id := range ids {
		fmt.Fprintf(env.Stdout, msgCreatedIdentity, id.KeyType, id.DID)
	}
	fmt.Fprint(env.Stdout, msgCreatedWarning)
	return nil
}

// newPassphrase gets the wallet passphrase for a new wallet.
func newPassphrase(env Env) ([]byte, error) {
	return newSecret(env, EnvPassphrase, func(p string) ([]byte, error) { return passphrase(env, p) },
		fmt.Sprintf(msgNewPassPrompt, minPassChars))
}

// newSecret gets a new passphrase: from the environment variable envVar as
// given, or asked twice with ask; either way it must be long enough.
func newSecret(env Env, envVar string, ask func(prompt string) ([]byte, error), prompt string) ([]byte, error) {
	var pass []byte
	if p := env.Getenv(envVar); p != "" {
		pass = []byte(p)
	} else {
		p1, err := ask(prompt)
		if err != nil {
			return nil, err
		}
		p2, err := ask(msgNewPassAgain)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p1, p2) {
			return nil, &usageError{msg: msgPassMismatch}
		}
		pass = p1
	}
	if len([]rune(string(pass))) < minPassChars {
		return nil, &usageError{msg: fmt.Sprintf(msgPassShort, minPassChars), hint: msgPassShortHint}
	}
	return pass, nil
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	lim := importer.DefaultLimits().MaxBytes
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf(msgReadFile, name, err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, lim+1))
	if err != nil {
		return nil, fmt.Errorf(msgReadFile, name, err)
	}
	if int64(len(data)) > lim {
		return nil, &hinted{err: fmt.Errorf("%s is larger than %d MiB", name, lim>>20), hint: "a credential file is a few kilobytes; check that this is the right file"}
	}
	return data, nil
}

func cmdImport(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: fmt.Sprintf(msgNeedFiles, "import")}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	var stored, dup, rejected int
	var firstErr error
	for _, name := range o.args {
		data, err := readInput(name, env.Stdin)
		if err != nil {
			fmt.Fprintln(env.Stderr, msgErrPrefix+err.Error())
			firstErr = errorsJoin(firstErr, err)
			continue
		}
		results, err := w.Import(ctx(), name, data)
		if err != nil {
			fmt.Fprintln(env.Stderr, msgErrPrefix+err.Error())
			if h := importHint(err); h != "" {
				fmt.Fprintln(env.Stderr, msgHintPrefix+h)
			}
			rejected++
			continue
		}
		for _, r := range results {
			label := r.Source
			if len(results) > 1 {
				label = fmt.Sprintf("%s[%d]", r.Source, r.Index)
			}
			switch {
			case r.Rejected != nil:
				rejected++
				fmt.Fprintf(env.Stdout, msgImportRejected, label, quoted(r.Summary.Name), r.Rejected.Reason)
				if r.Rejected.Hint != "" {
					fmt.Fprintln(env.Stdout, "  "+msgHintPrefix+r.Rejected.Hint)
				}
			case r.Duplicate:
				dup++
				fmt.Fprintf(env.Stdout, msgImportDuplicate, label, r.ID, quoted(r.Summary.Name))
			default:
				stored++
				fmt.Fprintf(env.Stdout, msgImportStored, label, r.ID, quoted(r.Summary.Name), " ("+r.Summary.Verdict()+")")
			}
		}
	}
	fmt.Fprintf(env.Stdout, msgImportSummary, stored, dup, rejected)
	if firstErr != nil {
		return firstErr
	}
	if rejected > 0 {
		return &refusedError{}
	}
	return nil
}

func importHint(err error) string {
	switch {
	case errors.Is(err, importer.ErrUnrecognised), errors.Is(err, importer.ErrNoCredential):
		return "Skillpass imports W3C Verifiable Credentials: JSON-LD, VC-JWT, or an Open Badges 3.0 baked PNG/SVG"
	case errors.Is(err, importer.ErrTooLarge), errors.Is(err, importer.ErrTooDeep):
		return "this file is far larger or deeper than any credential; check that it is the right file"
	}
	return ""
}

func errorsJoin(a, b error) error {
	if a == nil {
		return b
	}
	return a
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return " \"" + s + "\""
}

func cmdList(o *opts, env Env) error {
	if err := noArgs("list", o); err != nil {
		return err
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := w.List()
	if err != nil {
		return err
	}
	return printList(env.Stdout, list, o.json)
}

// printList prints credential summaries as list does (a table, or JSON).
func printList(out io.Writer, list []wallet.Summary, asJSON bool) error {
	if asJSON {
		if list == nil {
			list = []wallet.Summary{}
		}
		return writeJSON(out, list)
	}
	if len(list) == 0 {
		fmt.Fprint(out, msgListEmpty)
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tISSUER\tISSUED\tVERDICT")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, clip(s.Name, 40), clip(issuerLabel(s), 32), dateStr(s.ValidFrom), s.Verdict())
	}
	return tw.Flush()
}

func issuerLabel(s wallet.Summary) string {
	if s.IssuerName != "" {
		return s.IssuerName
	}
	return s.IssuerID
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func dateStr(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func cmdShow(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgNeedID, hint: msgNeedIDHint}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	// Dates pass and issuers revoke: show verifies again and keeps the new verdict.
	rec, err := w.Reverify(ctx(), o.args[0])
	if err != nil {
		return err
	}
	return printRecord(env.Stdout, rec, o.json)
}

// printRecord prints a credential record as show does (a table and the
// verdict per check, or JSON).
func printRecord(out io.Writer, rec *wallet.Record, asJSON bool) error {
	if asJSON {
		var cred any
		if err := json.Unmarshal([]byte(rec.Raw), &cred); err != nil {
			cred = rec.Raw // a VC-JWT stays a string
		}
		return writeJSON(out, map[string]any{
			"id": rec.ID, "summary": rec.Summary, "source": rec.Source,
			"credential": cred, "verification": rec.Result,
		})
	}
	s := rec.Summary
	tw := tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\n", s.ID)
	fmt.Fprintf(tw, "name\t%s\n", s.Name)
	if s.Achievement != "" && s.Achievement != s.Name {
		fmt.Fprintf(tw, "achievement\t%s\n", s.Achievement)
	}
	fmt.Fprintf(tw, "issuer\t%s\n", strings.TrimSpace(s.IssuerName+" "+angle(s.IssuerID)))
	if s.SubjectID != "" {
		fmt.Fprintf(tw, "subject\t%s\n", s.SubjectID)
	}
	fmt.Fprintf(tw, "types\t%s\n", strings.Join(s.Types, ", "))
	fmt.Fprintf(tw, "valid from\t%s\n", dateStr(s.ValidFrom))
	fmt.Fprintf(tw, "valid until\t%s\n", dateStr(s.ValidUntil))
	fmt.Fprintf(tw, "format\t%s\n", s.Format)
	fmt.Fprintf(tw, "added\t%s from %s\n", s.Added.Local().Format("2006-01-02 15:04"), rec.Source)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	printResult(out, "", &rec.Result)
	return nil
}

func angle(s string) string {
	if s == "" {
		return ""
	}
	return "<" + s + ">"
}

func cmdIdentities(o *opts, env Env) error {
	if err := noArgs("identities", o); err != nil {
		return err
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	ids, err := w.Identities()
	if err != nil {
		return err
	}
	if o.json {
		return writeJSON(env.Stdout, ids)
	}
	for _, id := range ids {
		fmt.Fprintf(env.Stdout, "%-10s %s\n", id.KeyType, id.DID)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
