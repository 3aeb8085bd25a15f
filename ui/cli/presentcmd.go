package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skillpass/skillpass/ui/pdf"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

// choicesFlag collects --credential and --disclose in command-line order:
// each --disclose belongs to the --credential before it.
type choicesFlag []wallet.Choice

// credentialFlag is the flag.Value of --credential.
type credentialFlag struct{ c *choicesFlag }

func (f credentialFlag) String() string { return "" }

func (f credentialFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return errors.New("--credential needs a credential id")
	}
	*f.c = append(*f.c, wallet.Choice{ID: v})
	return nil
}

// discloseFlag is the flag.Value of --disclose.
type discloseFlag struct{ c *choicesFlag }

func (f discloseFlag) String() string { return "" }

func (f discloseFlag) Set(v string) error {
	if len(*f.c) == 0 {
		return errors.New("--disclose names a claim of the --credential before it: give --credential first")
	}
	last := &(*f.c)[len(*f.c)-1]
	last.Disclose = append(last.Disclose, v)
	return nil
}

// cmdPresent makes a holder-signed presentation of the chosen credentials
// and writes it as a QR code PNG and/or a printable A4 sheet (PDF), and/or
// prints its text.
func cmdPresent(o *opts, env Env) error {
	if err := noArgs("present", o); err != nil {
		return err
	}
	if len(o.choices) == 0 {
		return &usageError{msg: msgPresentNeedCred, hint: msgPresentUsageHint}
	}
	if o.qrOut == "" && o.sheetOut == "" && !o.text {
		return &usageError{msg: msgPresentNeedOut, hint: msgPresentUsageHint}
	}
	if o.qrOut != "" && o.qrOut == o.sheetOut {
		return &usageError{msg: msgPresentSameFile, hint: msgPresentUsageHint}
	}
	expires, err := parseExpiry(o.expires, env.Now())
	if err != nil {
		return err
	}
	for _, out := range []string{o.qrOut, o.sheetOut} {
		if out == "" {
			continue
		}
		if _, err := os.Lstat(out); err == nil {
			return &refusedError{&hinted{err: fmt.Errorf(msgPresentExists, out), hint: msgPresentExistsHint}}
		}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()

	req := wallet.PresentRequest{
		Credentials: o.choices, Challenge: o.challenge, Domain: o.domain, Expires: expires,
	}
	p, err := w.Present(ctx(), req)
	if err != nil {
		return presentError(err)
	}
	printConsent(env, &p.Preview)
	text, err := qr.Encode(p.JSON)
	if err != nil {
		return fmt.Errorf("encode the presentation for a QR code: %w", err)
	}
	return writePresentation(o, env, p, text)
}

// writePresentation writes what present was asked for: the QR code PNG
// (when the code fits a screen), the printable sheet (which prints codes
// up to version 40), the presentation as a JSON file beside them when a
// code asked for cannot be made, and the code's text.
func writePresentation(o *opts, env Env, p *wallet.Presentation, text string) error {
	version, err := qr.Version(text) // 0 and ErrTooLarge beyond version 40
	onPaper := err == nil
	onScreen := onPaper && version <= qr.MaxVersion
	var jsonOut string
	if o.qrOut != "" && !onScreen {
		jsonOut = strings.TrimSuffix(o.qrOut, filepath.Ext(o.qrOut)) + ".json"
		if err := writeNew(jsonOut, append(p.JSON, '\n')); err != nil {
			return err
		}
	}
	sheetFits := false
	if o.sheetOut != "" {
		// The sheet names the JSON file written for the PNG; else it
		// writes its own beside it when its code does not fit.
		sheet := pdf.Sheet{Code: text, Preview: p.Preview, Created: p.Created}
		if jsonOut != "" {
			sheet.File = filepath.Base(jsonOut)
		}
		l, companion, err := pdf.WriteSheetFiles(o.sheetOut, sheet, p.JSON, false, pdf.Options{})
		var pe *fs.PathError
		if errors.Is(err, fs.ErrExist) && errors.As(err, &pe) {
			return &refusedError{&hinted{err: fmt.Errorf(msgPresentExists, pe.Path), hint: msgPresentExistsHint}}
		}
		if err != nil {
			return err
		}
		if companion != "" {
			jsonOut = companion
		}
		sheetFits = l.Fits
		if !l.Fits {
			fmt.Fprintf(env.Stdout, msgPresentWroteSheetNoCode, o.sheetOut, jsonOut)
		} else {
			fmt.Fprintf(env.Stdout, msgPresentWroteSheet, o.sheetOut, l.Version, l.ModuleMM, l.SideMM)
			if o.expires == "" {
				fmt.Fprint(env.Stdout, msgPresentSheetExpiry)
			}
		}
	}
	if o.qrOut != "" && onScreen {
		img, v, err := qr.PNG(text)
		if err != nil {
			return err
		}
		if err := writeNew(o.qrOut, img); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, msgPresentWrote, o.qrOut, v, len(text))
	}
	if o.text {
		fmt.Fprintln(env.Stdout, text)
	}
	switch {
	case o.qrOut != "" && !onScreen:
		return tooLarge(jsonOut, version, o.sheetOut, sheetFits)
	case o.sheetOut != "" && !onPaper:
		return &refusedError{&hinted{
			err:  fmt.Errorf(msgPresentSheetTooLarge, pdf.SheetMaxVersion, o.sheetOut, jsonOut),
			hint: fmt.Sprintf(msgPresentTooLargeHint, jsonOut),
		}}
	}
	return nil
}

// presentError gives the wallet's refusals their exit code and a hint.
func presentError(err error) error {
	switch {
	case errors.Is(err, wallet.ErrWholeOnly):
		return &refusedError{&hinted{err: err, hint: msgPresentWholeHint}}
	case errors.Is(err, wallet.ErrUnknownClaim):
		return &usageError{msg: err.Error(), hint: msgPresentClaimHint}
	case errors.Is(err, wallet.ErrNeedsIDs):
		return &refusedError{&hinted{err: err, hint: msgPresentNeedIDsHint}}
	case errors.Is(err, wallet.ErrBadExpiry), errors.Is(err, wallet.ErrBadRequest):
		return &usageError{msg: err.Error(), hint: msgPresentUsageHint}
	case errors.Is(err, wallet.ErrCannotPresent):
		return &refusedError{err}
	}
	return err
}

// printConsent shows what the presentation discloses, to whom, until when.
func printConsent(env Env, pv *wallet.Preview) {
	to := pv.Domain
	if to == "" {
		to = msgPresentAnyone
	}
	fmt.Fprintf(env.Stdout, msgPresentHead, to, pv.Expires.Format("2006-01-02 15:04 MST"), pv.Holder)
	if pv.Challenge != "" {
		fmt.Fprintf(env.Stdout, msgPresentChallenge, pv.Challenge)
	}
	for _, c := range pv.Credentials {
		issuer := c.IssuerName
		if issuer == "" {
			issuer = c.IssuerID
		}
		head := msgPresentCred
		if !c.Whole {
			head = msgPresentCredPart
		}
		fmt.Fprintf(env.Stdout, head, c.ID, c.Name, issuer)
		fmt.Fprintf(env.Stdout, msgPresentClaims, strings.Join(c.Claims, ", "))
		if len(c.Fields) > 0 {
			fmt.Fprintf(env.Stdout, msgPresentFields, strings.Join(c.Fields, ", "))
		}
	}
}

// tooLarge says that the QR code PNG asked for was not made, that the
// presentation went to the file jsonOut instead, and how to share it: the
// sheet (written, or to ask for) when a printed code holds it (exit 1: the
// PNG asked for was not made).
func tooLarge(jsonOut string, version int, sheetOut string, sheetWritten bool) error {
	need := strconv.Itoa(version)
	hint := fmt.Sprintf(msgPresentTooLargeHint, jsonOut)
	switch {
	case version == 0:
		need = "more than 40"
	case sheetWritten:
		hint = fmt.Sprintf(msgPresentTooLargeSheetHint, sheetOut, jsonOut)
	default:
		hint = fmt.Sprintf(msgPresentTooLargeAskSheetHint, jsonOut)
	}
	return &refusedError{&hinted{
		err:  fmt.Errorf(msgPresentTooLarge, need, qr.MaxVersion, jsonOut),
		hint: hint,
	}}
}

// writeNew writes a new file, refusing to overwrite one.
func writeNew(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return &refusedError{&hinted{err: fmt.Errorf(msgPresentExists, name), hint: msgPresentExistsHint}}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// parseExpiry reads --expires: RFC 3339 (2026-12-31T18:00:00Z), a date
// (2026-12-31: the end of that day, UTC), or a duration from now (90s, 15m,
// 2h, 30d). Empty gives the zero time (the wallet's default).
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	bad := &usageError{msg: fmt.Sprintf(msgPresentBadExpiry, s), hint: msgPresentExpiryHint}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(24*time.Hour - time.Second), nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3660 {
			return time.Time{}, bad
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return time.Time{}, bad
		}
	}
	return now.Add(d), nil
}
