package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/unwrap"
	"github.com/skillpass/skillpass/wallet/verify"
)

// cmdVerify is the employer's verifier: no wallet needed.
func cmdVerify(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: fmt.Sprintf(msgNeedFiles, "verify"), hint: "give a credential or presentation file, or - for standard input"}
	}
	dashes := 0
	for _, a := range o.args {
		if a == "-" {
			dashes++
		}
	}
	if dashes > 1 {
		return &usageError{msg: msgVerifyDash}
	}
	f, err := o.fetcher(env)
	if err != nil {
		return err
	}
	v, err := verify.New(verify.Options{Fetcher: f, Now: env.Now, Challenge: o.challenge, Domain: o.domain,
		BadgeFetch: o.badgeFetch(), Recipient: o.recipient})
	if err != nil {
		return err
	}
	many := len(o.args) > 1
	allOK := true
	var ioErr error
	for _, name := range o.args {
		res, err := verifyFile(v, name, env.Stdin)
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
		if !res.Verified {
			allOK = false
		}
		if many {
			res.File = name
		}
		switch {
		case o.json && many:
			b, err := json.Marshal(res)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, string(b))
		case o.json:
			if err := writeJSON(env.Stdout, res); err != nil {
				return err
			}
		default:
			fmt.Fprintf(env.Stdout, "%s: ", displayName(name))
			printResult(env.Stdout, "", res)
		}
	}
	if ioErr != nil {
		return &hinted{err: errors.New("some files could not be read or are not credentials"), hint: "see the messages above"}
	}
	if !allOK {
		return &refusedError{}
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "(stdin)"
	}
	return name
}

// verifyFile verifies one input. A baked badge image is opened to the
// credential inside it, a QR code image or SP1 text to the presentation it
// carries; everything else goes to the verifier as it is.
func verifyFile(v *verify.Verifier, name string, stdin io.Reader) (*verify.Result, error) {
	data, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	data, err = unwrapInput(name, data)
	if err != nil {
		return nil, err
	}
	res, err := v.Verify(ctx(), data)
	if err != nil {
		return nil, &hinted{err: fmt.Errorf("%s: %w", displayName(name), err), hint: "verify takes a W3C credential or presentation (JSON-LD or VC-JWT), a baked badge image, or a Skillpass QR code (PNG or SP1 text)"}
	}
	return res, nil
}

// unwrapInput returns the credential or presentation inside an image or a
// QR payload text, or data itself (package unwrap), with the command line's
// wording and hints for what cannot be read.
func unwrapInput(name string, data []byte) ([]byte, error) {
	doc, err := unwrap.Document(displayName(name), data)
	switch {
	case err == nil:
		return doc, nil
	case errors.Is(err, unwrap.ErrManyCredentials):
		return nil, fmt.Errorf("%w: verify them one by one after `import`", err)
	case errors.Is(err, qr.ErrNoCode):
		return nil, &hinted{err: fmt.Errorf(msgImageNoCode, displayName(name)), hint: msgImageHint}
	case errors.Is(err, qr.ErrNotPayload):
		return nil, &hinted{err: fmt.Errorf(msgQRNotOurs, displayName(name)), hint: msgQRNotOursHint}
	case errors.Is(err, qr.ErrCorrupt), errors.Is(err, qr.ErrNotJSON), errors.Is(err, qr.ErrLimit):
		return nil, &hinted{err: err, hint: "the code was damaged or changed; scan it again, or ask for a new one"}
	}
	return nil, err // qr.ErrUnsupportedVersion's words say to update Skillpass
}

// printResult writes a verdict for people: the headline, then each check
// with its meaning, then the errors.
func printResult(w io.Writer, indent string, r *verify.Result) {
	head := msgNotVerified
	if r.Verified {
		head = msgVerified
	}
	fmt.Fprintf(w, "%s (%s", head, r.Kind)
	if r.Format != "" {
		fmt.Fprintf(w, ", %s", r.Format)
	}
	fmt.Fprintln(w, ")")
	checks := wallet.Checks(r.Checks)
	for _, name := range wallet.CheckNames {
		if v := checks.Value(name); v != "" {
			fmt.Fprintf(w, "%s  %-9s %-12s %s\n", indent, name, v, wallet.CheckMeaning(name, v))
		}
	}
	if r.IssuerID != "" {
		by := "issued by"
		if r.Kind == verify.KindPresentation {
			by = "presented by"
		}
		fmt.Fprintf(w, "%s  %s %s\n", indent, by, r.IssuerID)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "%s  - %s\n", indent, e)
	}
	for i := range r.Credentials {
		fmt.Fprintf(w, "%s  credential %d: ", indent, i+1)
		printResult(w, indent+"    ", &r.Credentials[i])
	}
}
