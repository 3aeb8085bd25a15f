package didcomm

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/ld"
)

const envelopeType = "application/didcomm-envelope-enc"

func TestListen(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer held.Close()

	tests := []struct {
		name     string
		addr     string
		endpoint string
		wantErr  error  // errors.Is target; nil means no error expected unless errText is set
		errText  string // substring of the error
		wantEP   string // "" means http://<bound address>
	}{
		{name: "default endpoint", addr: "127.0.0.1:0"},
		{name: "endpoint kept", addr: "127.0.0.1:0", endpoint: "https://learner.example/didcomm", wantEP: "https://learner.example/didcomm"},
		{name: "taken port", addr: held.Addr().String(), wantErr: ErrPortTaken, errText: "listen on " + held.Addr().String()},
		{name: "bad address", addr: "127.0.0.1:notaport", errText: "listen on 127.0.0.1:notaport"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Listen(tc.addr, tc.endpoint, nil)
			if tc.errText != "" {
				require.ErrorContains(t, err, tc.errText)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
				} else {
					require.NotErrorIs(t, err, ErrPortTaken)
				}
				return
			}
			require.NoError(t, err)
			defer func() { require.NoError(t, in.Stop()) }()
			want := tc.wantEP
			if want == "" {
				want = "http://" + in.Addr()
			}
			require.Equal(t, want, in.Endpoint())
		})
	}
}

// TestInboundWithoutStart: an Inbound aries never started does not serve,
// and Stop closes its listener.
func TestInboundWithoutStart(t *testing.T) {
	in, err := Listen("127.0.0.1:0", "", nil)
	require.NoError(t, err)
	require.ErrorContains(t, in.Serve(), "not started")
	require.NoError(t, in.Stop())
	require.NoError(t, in.Stop(), "a second Stop")
	require.ErrorContains(t, in.Serve(), "stopped")
	_, err = net.DialTimeout("tcp", in.Addr(), time.Second)
	require.Error(t, err, "the listener is closed")
}

func TestNewFrameworkIncomplete(t *testing.T) {
	in, err := Listen("127.0.0.1:0", "", nil)
	require.NoError(t, err)
	defer in.Stop()
	_, err = NewFramework(Config{Inbound: in, Client: NewHTTPClient(), StatePrefix: "state-"})
	require.ErrorContains(t, err, "incomplete configuration")
}

// TestFrameworkServes starts aries on a real wallet and checks what the
// listener routes where: with a GET handler, and without one.
func TestFrameworkServes(t *testing.T) {
	loader, err := ld.NewLoader()
	require.NoError(t, err)
	w, err := wallet.Create(filepath.Join(t.TempDir(), "wallet"), []byte("correct horse battery staple"), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	get := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "resource") })

	type request struct {
		method, contentType string
		body                []byte
		status              int
		bodyHas             string
	}
	small := []byte("not a didcomm envelope")
	huge := bytes.Repeat([]byte{'x'}, MaxMessageBytes+1)
	tests := []struct {
		name     string
		get      http.Handler
		requests []request
	}{
		{name: "with GET handler", get: get, requests: []request{
			{method: http.MethodGet, status: http.StatusOK, bodyHas: "resource"},
			{method: http.MethodPut, status: http.StatusMethodNotAllowed, bodyHas: "method not allowed"},
			{method: http.MethodPost, contentType: envelopeType, body: small, status: http.StatusInternalServerError, bodyHas: "failed to unpack msg"},
			{method: http.MethodPost, contentType: envelopeType, body: huge, status: http.StatusInternalServerError, bodyHas: "Failed to read payload"},
		}},
		{name: "aries only", requests: []request{
			{method: http.MethodGet, status: http.StatusMethodNotAllowed, bodyHas: "HTTP Method not allowed"},
			{method: http.MethodPost, contentType: envelopeType, body: small, status: http.StatusInternalServerError, bodyHas: "failed to unpack msg"},
			{method: http.MethodPost, contentType: envelopeType, body: huge, status: http.StatusInternalServerError, bodyHas: "Failed to read payload"},
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Listen("127.0.0.1:0", "", tc.get)
			require.NoError(t, err)
			client := NewHTTPClient()
			fw, err := NewFramework(Config{
				Wallet: w, StatePrefix: "test-" + string(rune('a'+i)) + "-", Inbound: in, Client: client, Loader: loader,
			})
			require.NoError(t, err)
			defer func() {
				require.NoError(t, in.Stop())
				require.NoError(t, fw.Close())
			}()
			require.NoError(t, in.Serve())
			require.NoError(t, in.Serve(), "a second Serve")
			for _, r := range tc.requests {
				req, err := http.NewRequest(r.method, in.Endpoint()+"/", bytes.NewReader(r.body))
				require.NoError(t, err)
				if r.contentType != "" {
					req.Header.Set("Content-Type", r.contentType)
				}
				resp, err := client.Do(req)
				require.NoError(t, err)
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.NoError(t, resp.Body.Close())
				require.Equal(t, r.status, resp.StatusCode, "%s: %s", r.method, body)
				require.Contains(t, string(body), r.bodyHas, r.method)
			}
		})
	}
}

func TestPrefixed(t *testing.T) {
	base := mem.NewProvider()
	p := prefixed{Provider: base, prefix: "state-"}
	s, err := p.OpenStore("didexchange")
	require.NoError(t, err)
	require.NoError(t, s.Put("k", []byte("v")))

	under, err := base.OpenStore("state-didexchange")
	require.NoError(t, err)
	got, err := under.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", string(got))

	plain, err := base.OpenStore("didexchange")
	require.NoError(t, err)
	_, err = plain.Get("k")
	require.Error(t, err, "the unprefixed store is another store")

	cfg := storage.StoreConfiguration{TagNames: []string{"t"}}
	require.NoError(t, p.SetStoreConfig("didexchange", cfg))
	gotCfg, err := p.GetStoreConfig("didexchange")
	require.NoError(t, err)
	require.Equal(t, cfg, gotCfg)
	gotCfg, err = base.GetStoreConfig("state-didexchange")
	require.NoError(t, err)
	require.Equal(t, cfg, gotCfg)

	require.Len(t, base.GetOpenStores(), 2)
	require.NoError(t, p.Close())
	require.Len(t, base.GetOpenStores(), 2, "closing the prefixed provider leaves the wallet's stores open")
}
