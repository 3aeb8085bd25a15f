package didcomm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
)

// aries v0.3.2 unwraps a body in double quotes (base64 of an envelope)
// with msg[1:len(msg)-1] after checking only that it starts and ends with a
// quote: a body that is one quote character panics (slice bounds out of
// range), in the HTTP handler (transport/internal.UnpackMessage) and again
// in the packager (getEncodingType) for a quoted base64 of one quote
// ("Ig=="). FuzzInbound found both. net/http recovers a handler's panic,
// but a peer must not be able to make our process panic at will: the
// Inbound refuses such a body before aries reads it, and the packager
// aries' handler gets refuses such input and turns any other panic of
// aries' unpack code into an error.

// errLoneQuote is the error for a body aries' unwrapping panics on.
var errLoneQuote = errors.New("failed to unpack msg: a lone double quote")

// loneQuote reports whether b is the input aries' unwrapping panics on.
func loneQuote(b []byte) bool { return len(b) == 1 && b[0] == '"' }

// refuseLoneQuote reads the request body (the caller bounds its size) and
// answers a lone quote itself; anything else goes to next with the body
// restored. A body that cannot be read is answered as aries answers it.
func refuseLoneQuote(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "Failed to read payload", http.StatusInternalServerError)
			return
		}
		if loneQuote(body) {
			http.Error(w, errLoneQuote.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// safePackager is the packager aries' inbound handler unpacks with: the
// framework's, refusing a lone quote and recovering from a panic of the
// unpack code (onPanic, when set, hears of it: the fuzz target fails on it).
type safePackager struct {
	transport.Packager
	onPanic func(any)
}

// UnpackMessage unpacks msg with the framework's packager.
func (p safePackager) UnpackMessage(msg []byte) (env *transport.Envelope, err error) {
	if loneQuote(msg) {
		return nil, errLoneQuote
	}
	defer func() {
		if v := recover(); v != nil {
			if p.onPanic != nil {
				p.onPanic(v)
			}
			env, err = nil, fmt.Errorf("failed to unpack msg: %v", v)
		}
	}()
	return p.Packager.UnpackMessage(msg)
}
