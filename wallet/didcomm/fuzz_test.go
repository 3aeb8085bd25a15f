package didcomm

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/stretchr/testify/require"
)

// stubProvider is a transport.Provider with the framework's packager and a
// message handler that only counts what reaches it (so that nothing a
// fuzzed message says is acted on: no state, no outbound request).
type stubProvider struct {
	packager transport.Packager
	reached  *atomic.Int64
}

func (p stubProvider) InboundMessageHandler() transport.InboundMessageHandler {
	return func(*transport.Envelope) error { p.reached.Add(1); return nil }
}
func (p stubProvider) Packager() transport.Packager { return p.packager }
func (p stubProvider) AriesFrameworkID() string     { return "fuzz" }

// FuzzInbound feeds arbitrary bytes to the inbound path an Inbound serves:
// aries' HTTP handler (size limit, method and content type, unpack with the
// framework's packager) and the guard in front of the message handler. Each
// input goes in three ways: as the HTTP body itself; as the plaintext of an
// anoncrypt envelope to a key of the framework; and authcrypt from that key
// (which is no connection's). No input may panic, and nothing but a DID
// Exchange message (with an id, not expired) may get past the guard from a
// key of no connection or anoncrypt.
func FuzzInbound(f *testing.F) {
	for _, seed := range []string{
		``,
		`{}`,
		`not json`,
		`{"protected":"eyJ0eXAiOiJKV00vMS4wIiwiYWxnIjoiQXV0aGNyeXB0In0=","iv":"","ciphertext":"","tag":""}`,
		`"ZXlKMGVYQWlPaUpLVjAwdk1TNHdJbjA="`,
		`{"@type":"https://didcomm.org/didexchange/1.0/request","@id":"a1"}`,
		`{"@type":"https://didcomm.org/issue-credential/2.0/offer-credential","@id":"a2","~timing":{"expires_time":"2001-01-01T00:00:00Z"}}`,
		`{"@type":"https://didcomm.org/issue-credential/2.0/problem-report","@id":"a3","~thread":{"thid":"t1","pthid":"p1"}}`,
		`{"type":"https://didcomm.org/didexchange/1.0/complete","id":"a4","expires_time":1e300}`,
		`{"@type":"https://didcomm.org/connections/1.0/request","@id":"a5","~timing":{"expires_time":null}}`,
	} {
		f.Add([]byte(seed))
	}
	tf := newTestFramework(f, GuardOptions{})
	var panicked atomic.Value
	tf.in.onUnpackPanic = func(v any) { panicked.Store(fmt.Sprint(v)) }
	var reached atomic.Int64
	inner, err := arieshttp.NewInboundHandler(guarded{
		Provider: stubProvider{packager: tf.ctx.Packager(), reached: &reached}, in: tf.in,
	})
	require.NoError(f, err)
	h := tf.in.handler(inner)
	packager := tf.ctx.Packager()

	serve := func(t *testing.T, body []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/didcomm-envelope-enc")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		serve(t, data)
		if v := panicked.Swap(""); v != nil && v != "" {
			t.Fatalf("aries' unpack code panicked: %v", v)
		}

		for _, from := range []string{"", tf.key} {
			env := &transport.Envelope{
				MediaTypeProfile: transport.MediaTypeAIP2RFC0019Profile, Message: data, ToKeys: []string{tf.key},
			}
			if from != "" {
				env.FromKey = []byte(from)
			}
			packed, err := packager.PackMessage(env)
			if err != nil {
				continue // the packer refuses some payloads itself
			}
			before := reached.Load()
			code := serve(t, packed)
			if v := panicked.Swap(""); v != nil && v != "" {
				t.Fatalf("aries' unpack code panicked: %v", v)
			}
			if reached.Load() == before {
				require.NotEqual(t, http.StatusAccepted, code, "a refused message is answered with an error")
				continue
			}
			require.Equal(t, http.StatusAccepted, code)
			msg, err := service.ParseDIDCommMsgMap(data)
			require.NoError(t, err, "only a readable message gets past the guard")
			require.NotEmpty(t, msg.ID())
			require.True(t, establishesConnection(msg.Type()),
				"from %q: only DID Exchange messages pass without a connection: %s", from, msg.Type())
		}
	})
}
