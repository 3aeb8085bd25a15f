package did

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
}

func TestDirFetcherMapping(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"example.com/.well-known/did.json": "wellknown",
		"example.com/issuers/1/did.json":   "path",
		"localhost%3A8443/x/y.json":        "port",
		"example.com/status/index.json":    "index",
		"example.com/index.json":           "root",
	}
	for rel, content := range files {
		writeFile(t, dir, rel, []byte(content))
	}
	f := DirFetcher(dir)
	tests := []struct{ url, want string }{
		{"https://example.com/.well-known/did.json", "wellknown"},
		{"https://EXAMPLE.com/.well-known/did.json", "wellknown"},
		{"https://example.com/issuers/1/did.json", "path"},
		{"https://example.com/issuers/%31/did.json", "path"},
		{"https://example.com/issuers/1/did.json#frag", "path"},
		{"https://localhost:8443/x/y.json", "port"},
		{"https://example.com/status/", "index"},
		{"https://example.com", "root"},
		{"https://example.com/", "root"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			b, err := f.Fetch(context.Background(), tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(b))
		})
	}
}

func TestDirFetcherRefuses(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "offline")
	writeFile(t, parent, "secret.json", []byte("secret"))
	writeFile(t, dir, "example.com/ok.json", []byte("ok"))
	// A symbolic link inside dir that points outside it.
	require.NoError(t, os.Symlink(filepath.Join(parent, "secret.json"), filepath.Join(dir, "example.com", "link.json")))
	require.NoError(t, os.Symlink(parent, filepath.Join(dir, "evil.com")))
	writeFile(t, dir, "big.com/big.json", bytes.Repeat([]byte("a"), MaxFetchSize+1))
	writeFile(t, dir, "big.com/fits.json", bytes.Repeat([]byte("a"), MaxFetchSize))

	f := DirFetcher(dir)
	tests := []struct {
		name, url string
		want      error // nil: os.Root refuses, saying the path escapes
	}{
		{"dotdot", "https://example.com/../secret.json", ErrUnsafePath},
		{"dotdot deep", "https://example.com/a/../../secret.json", ErrUnsafePath},
		{"encoded dotdot", "https://example.com/%2e%2e/secret.json", ErrUnsafePath},
		{"encoded slash dotdot", "https://example.com/a%2f..%2f..%2fsecret.json", ErrUnsafePath},
		{"dot", "https://example.com/./ok.json", ErrUnsafePath},
		{"host dotdot", "https://../secret.json", ErrUnsafePath},
		{"host dot", "https://./secret.json", ErrUnsafePath},
		{"backslash", "https://example.com/..\\secret.json", ErrUnsafePath},
		{"encoded backslash", "https://example.com/..%5csecret.json", ErrUnsafePath},
		{"nul", "https://example.com/ok.json%00", ErrUnsafePath},
		{"empty segment", "https://example.com//ok.json", ErrUnsafePath},
		{"http", "http://example.com/ok.json", ErrUnsafePath},
		{"file", "file:///etc/passwd", ErrUnsafePath},
		{"relative", "example.com/ok.json", ErrUnsafePath},
		{"absolute path", "/etc/passwd", ErrUnsafePath},
		{"user info", "https://user@example.com/ok.json", ErrUnsafePath},
		{"query", "https://example.com/ok.json?x=1", ErrUnsafePath},
		{"ipv6", "https://[::1]/ok.json", ErrUnsafePath},
		{"missing", "https://example.com/nope.json", fs.ErrNotExist},
		{"symlink file escape", "https://example.com/link.json", nil},
		{"symlink dir escape", "https://evil.com/secret.json", nil},
		{"too large", "https://big.com/big.json", ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := f.Fetch(context.Background(), tc.url)
			require.Error(t, err)
			t.Log(err)
			require.Nil(t, b)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				require.ErrorContains(t, err, "escapes")
			}
		})
	}

	b, err := f.Fetch(context.Background(), "https://big.com/fits.json")
	require.NoError(t, err)
	require.Len(t, b, MaxFetchSize)

	_, err = f.Fetch(context.Background(), "https://example.com/nope.json")
	require.ErrorContains(t, err, filepath.ToSlash(filepath.Join(dir, "example.com", "nope.json")), "the error names the file looked for")
}

func TestDirFetcherContext(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "example.com/ok.json", []byte("ok"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := DirFetcher(dir).Fetch(ctx, "https://example.com/ok.json")
	require.ErrorIs(t, err, context.Canceled)
}

func TestFetcherFuncNil(t *testing.T) {
	_, err := FetcherFunc(nil).Fetch(context.Background(), "https://example.com/")
	require.ErrorIs(t, err, ErrOffline)
}

func TestHTTPFetcher(t *testing.T) {
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		_, _ = w.Write([]byte("plain"))
	}))
	defer plain.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/doc.json", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	mux.HandleFunc("/to-https", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/doc.json", http.StatusFound)
	})
	mux.HandleFunc("/to-http", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("a"), MaxFetchSize+1))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for range 3 {
			_, _ = w.Write(bytes.Repeat([]byte("a"), MaxFetchSize/2))
			w.(http.Flusher).Flush()
		}
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	client := srv.Client()
	origCheck := client.CheckRedirect
	f := HTTPFetcher(client)
	require.Nil(t, origCheck)
	require.Nil(t, client.CheckRedirect, "the caller's client is not changed")
	require.Zero(t, client.Timeout, "the caller's client is not changed")

	b, err := f.Fetch(context.Background(), srv.URL+"/doc.json")
	require.NoError(t, err)
	require.JSONEq(t, `{"ok":true}`, string(b))

	b, err = f.Fetch(context.Background(), srv.URL+"/to-https")
	require.NoError(t, err)
	require.JSONEq(t, `{"ok":true}`, string(b))

	tests := []struct {
		name, url string
		want      error
		msg       string
	}{
		{"not found", srv.URL + "/missing", nil, "404"},
		{"redirect to http", srv.URL + "/to-http", errNotHTTPS, "redirect"},
		{"redirect loop", srv.URL + "/loop", nil, "redirects"},
		{"too large", srv.URL + "/big", ErrTooLarge, ""},
		{"too large chunked", srv.URL + "/big-chunked", ErrTooLarge, ""},
		{"http url", plain.URL + "/x", errNotHTTPS, ""},
		{"no host", "https:///x", nil, "no host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := f.Fetch(context.Background(), tc.url)
			require.Error(t, err)
			require.Nil(t, b)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			require.ErrorContains(t, err, tc.msg)
		})
	}
	require.Zero(t, plainHits.Load(), "no request may reach the plain-http server")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.Fetch(ctx, srv.URL+"/doc.json")
	require.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// TestHTTPFetcherNilClient checks a nil client is usable and still refuses
// plain http before any connection (the TestMain guard would see one).
func TestHTTPFetcherNilClient(t *testing.T) {
	_, err := HTTPFetcher(nil).Fetch(context.Background(), "http://example.com/did.json")
	require.ErrorIs(t, err, errNotHTTPS)
	require.True(t, strings.Contains(err.Error(), "http://example.com/did.json"))
}

// HostsOnly refuses hosts the user did not agree to, before any request,
// and HTTPFetcher under it refuses redirects to them (also through another
// Fetcher wrapping it); the refusal names the host.
func TestHostsOnly(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		_, _ = w.Write([]byte(`{"tracked":true}`))
	}))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/doc.json", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"ok":true}`)) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/doc.json", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	otherHost := strings.TrimPrefix(other.URL, "https://")
	inner := HTTPFetcher(srv.Client())
	wrapped := FetcherFunc(func(ctx context.Context, u string) ([]byte, error) { return inner.Fetch(ctx, u) })

	tests := []struct {
		name    string
		f       Fetcher
		url     string
		refused string // the host named in the refusal; "" for none
	}{
		{"allowed host", HostsOnly(inner, []string{strings.ToUpper(host)}), srv.URL + "/doc.json", ""},
		{"other host", HostsOnly(inner, []string{host}), other.URL + "/doc.json", otherHost},
		{"redirect to other host", HostsOnly(inner, []string{host}), srv.URL + "/away", otherHost},
		{"redirect through a wrapper", HostsOnly(wrapped, []string{host}), srv.URL + "/away", otherHost},
		{"nothing allowed", HostsOnly(inner, nil), srv.URL + "/doc.json", host},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.f.Fetch(context.Background(), tc.url)
			if tc.refused == "" {
				require.NoError(t, err)
				require.JSONEq(t, `{"ok":true}`, string(b))
				return
			}
			require.ErrorIs(t, err, ErrHostNotAllowed)
			var he *HostError
			require.True(t, errors.As(err, &he), "%v", err)
			require.Equal(t, tc.refused, he.Host)
		})
	}
	require.Zero(t, otherHits.Load(), "no request may reach a host that was not allowed")
	// Without HostsOnly the redirect is followed as before.
	b, err := inner.Fetch(context.Background(), srv.URL+"/away")
	require.NoError(t, err)
	require.JSONEq(t, `{"tracked":true}`, string(b))
}
