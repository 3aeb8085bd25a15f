package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/qr"
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
// QR payload text, or data itself. A PNG is tried as a baked badge first,
// then as a QR code.
func unwrapInput(name string, data []byte) ([]byte, error) {
	switch {
	case isImage(data):
		items, err := importer.Parse(name, data, importer.DefaultLimits())
		if err == nil {
			if len(items) != 1 {
				return nil, fmt.Errorf("%s holds %d credentials; verify them one by one after `import`", name, len(items))
			}
			return items[0].Raw, nil
		}
		if !isPNG(data) {
			return nil, err
		}
		text, qerr := qr.ReadPNG(data)
		if qerr != nil {
			if errors.Is(qerr, qr.ErrNoCode) {
				return nil, &hinted{err: fmt.Errorf(msgImageNoCode, displayName(name)), hint: msgImageHint}
			}
			return nil, fmt.Errorf("%s: %w", displayName(name), qerr)
		}
		return decodeQRText(name, text)
	case isQRText(data):
		return decodeQRText(name, string(bytes.TrimSpace(data)))
	}
	return data, nil
}

// decodeQRText decodes the text of a Skillpass QR code.
func decodeQRText(name, text string) ([]byte, error) {
	doc, err := qr.Decode(text)
	switch {
	case err == nil:
		return doc, nil
	case errors.Is(err, qr.ErrNotPayload):
		return nil, &hinted{err: fmt.Errorf(msgQRNotOurs, displayName(name)), hint: msgQRNotOursHint}
	case errors.Is(err, qr.ErrUnsupportedVersion):
		return nil, fmt.Errorf("%s: %w", displayName(name), err) // its words say to update Skillpass
	default:
		return nil, &hinted{err: fmt.Errorf("%s: %w", displayName(name), err), hint: "the code was damaged or changed; scan it again, or ask for a new one"}
	}
}

// isQRText reports whether data looks like the text of a Skillpass QR code
// ("SP", a version number, a colon).
func isQRText(data []byte) bool {
	b := bytes.TrimSpace(data)
	if !bytes.HasPrefix(b, []byte("SP")) {
		return false
	}
	rest := b[2:]
	n := 0
	for n < len(rest) && n < 9 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return n > 0 && n < len(rest) && rest[n] == ':'
}

func isPNG(b []byte) bool {
	return len(b) > 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n"
}

func isImage(b []byte) bool {
	if isPNG(b) {
		return true
	}
	head := strings.TrimSpace(string(b[:min(len(b), 512)]))
	return strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<svg")
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
