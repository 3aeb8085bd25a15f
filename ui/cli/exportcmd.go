package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/ui/pdf"
	"github.com/skillpass/skillpass/wallet"
)

// cmdPassportExport writes the learner's passport as a file an advisor can
// verify (--file, a holder-signed presentation) and/or as a printable
// one-page PDF summary (--pdf).
func cmdPassportExport(o *opts, env Env) error {
	if len(o.args) > 1 {
		return &usageError{msg: fmt.Sprintf(msgTooManyArgs, "passport export", o.args[1]), hint: msgExportUsageHint}
	}
	if o.fileOut == "" && o.pdfOut == "" {
		return &usageError{msg: msgExportNeedOut, hint: msgExportUsageHint}
	}
	if o.fileOut != "" && o.fileOut == o.pdfOut {
		return &usageError{msg: msgExportSameOut, hint: msgExportUsageHint}
	}
	if o.fileOut == "" && (len(o.choices) > 0 || o.expires != "" || o.audience != "") {
		return &usageError{msg: msgExportFileOnly, hint: msgExportUsageHint}
	}
	var ids []string
	for _, c := range o.choices {
		if len(c.Disclose) > 0 {
			return &usageError{msg: msgExportNoDisclose, hint: msgExportUsageHint}
		}
		ids = append(ids, c.ID)
	}
	expires, err := parseExpiry(o.expires, env.Now())
	if err != nil {
		return err
	}
	for _, out := range []string{o.fileOut, o.pdfOut} {
		if out == "" {
			continue
		}
		if _, err := os.Lstat(out); err == nil {
			return &refusedError{&hinted{err: fmt.Errorf(msgExportExists, out), hint: msgPresentExistsHint}}
		}
	}
	popts, roleCode, err := roleOptions(o, env)
	if err != nil {
		return err
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()

	if o.fileOut != "" {
		req := wallet.ExportRequest{Credentials: ids, Expires: expires, Audience: o.audience}
		p, file, err := w.ExportPassport(ctx(), req)
		if err != nil {
			if errors.Is(err, wallet.ErrNothingChosen) {
				return &refusedError{&hinted{err: err, hint: msgExportNothingHint}}
			}
			return presentError(err)
		}
		printConsent(env, &p.Preview)
		if err := writeNew(o.fileOut, file); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, msgExportWroteFile, o.fileOut, len(p.Preview.Credentials), p.Preview.Expires.Format("2006-01-02 15:04 MST"))
	}
	if o.pdfOut != "" {
		if err := frameworkOptions(w, &popts, roleCode); err != nil {
			return err
		}
		s, err := w.PassportSummary(popts)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := pdf.Write(&buf, pdf.Summary{HolderName: o.name, HolderDID: s.HolderDID, View: s.View}, pdf.Options{}); err != nil {
			return err
		}
		if err := writeNew(o.pdfOut, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, msgExportWrotePDF, o.pdfOut, len(s.View.Skills), s.View.Credentials)
	}
	return nil
}

// roleOptions reads --role before the wallet is opened: a role-profile
// file is parsed into the options; anything else is a job role code,
// returned to be looked up in the imported frameworks (frameworkOptions)
// once the wallet is open.
func roleOptions(o *opts, env Env) (passport.Options, string, error) {
	popts := passport.Options{Now: env.Now}
	if o.role == "" {
		return popts, "", nil
	}
	if !isRoleFile(o.role) {
		return popts, o.role, nil
	}
	role, err := readRoleFile(o.role)
	if err != nil {
		return popts, "", err
	}
	popts.Role = &role
	return popts, "", nil
}

// readRoleFile parses a role-profile JSON file.
func readRoleFile(name string) (passport.Role, error) {
	f, err := os.Open(name)
	if err != nil {
		return passport.Role{}, fmt.Errorf(msgReadFile, name, err)
	}
	defer f.Close()
	role, err := passport.ParseRole(f)
	if err != nil {
		return passport.Role{}, &hinted{err: fmt.Errorf("%s: %w", name, err), hint: msgRoleHint}
	}
	return role, nil
}
