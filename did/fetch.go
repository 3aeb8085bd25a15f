package did

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
)

// MaxFetchSize is the most bytes DirFetcher and HTTPFetcher return for one
// URL (2 MiB); more is refused with ErrTooLarge. The Resolver applies the
// same cap to whatever any Fetcher returns.
const MaxFetchSize = 2 << 20

// DefaultHTTPTimeout is the overall time limit HTTPFetcher sets on a client
// that has none.
const DefaultHTTPTimeout = 15 * time.Second

// maxRedirects bounds how many redirects HTTPFetcher follows.
const maxRedirects = 5

// Fetcher gets the bytes at an https URL (did:web documents, status lists,
// issuer profiles). It is injected so tests and air-gapped users can map URLs
// to files. Implementations must honour ctx.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// FetcherFunc adapts a function to the Fetcher interface.
type FetcherFunc func(ctx context.Context, url string) ([]byte, error)

// Fetch calls f. A nil FetcherFunc reports ErrOffline.
func (f FetcherFunc) Fetch(ctx context.Context, url string) ([]byte, error) {
	if f == nil {
		return nil, fmt.Errorf("fetch %s: %w", url, ErrOffline)
	}
	return f(ctx, url)
}

var _ Fetcher = FetcherFunc(nil)

// DirFetcher returns a Fetcher that reads https URLs from files under dir,
// never from the network; it is what `--offline-dir DIR` uses.
//
// https://HOST/PATH maps to DIR/HOST/PATH, for example
// https://example.com/.well-known/did.json to
// DIR/example.com/.well-known/did.json. HOST is lower-cased. A port is kept in the host folder's
// name in the spelling did:web uses, with ':' as "%3A"
// (https://localhost:8443/x maps to DIR/localhost%3A8443/x), so the name is
// valid on every OS. A URL whose path is empty or ends in "/" maps to the file
// "index.json" in that folder. The fragment is ignored.
//
// Refused with ErrUnsafePath, before any file is touched: schemes other than
// https, URLs with user info or a query, and paths with ".." or "." segments,
// empty segments, backslashes or NUL bytes (also when percent-encoded). The
// file is opened through os.Root, so symbolic links cannot lead outside dir
// either. A missing file gives an error that wraps fs.ErrNotExist and names
// the file looked for.
func DirFetcher(dir string) Fetcher {
	return FetcherFunc(func(ctx context.Context, rawURL string) ([]byte, error) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("fetch %s from offline dir: %w", rawURL, err)
		}
		rel, err := urlToRelPath(rawURL)
		if err != nil {
			return nil, fmt.Errorf("fetch %s from offline dir: %w", rawURL, err)
		}
		b, err := readUnder(dir, rel)
		if err != nil {
			return nil, fmt.Errorf("fetch %s from offline dir (file %s): %w", rawURL, path.Join(dir, rel), err)
		}
		return b, nil
	})
}

// urlToRelPath maps an https URL to a slash-separated path relative to the
// offline directory.
func urlToRelPath(rawURL string) (string, error) {
	if strings.ContainsAny(rawURL, "\\\x00") {
		return "", fmt.Errorf("%w: url contains a backslash or NUL", ErrUnsafePath)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsafePath, err)
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("%w: only https urls can be mapped, got scheme %q", ErrUnsafePath, u.Scheme)
	}
	if u.User != nil {
		return "", fmt.Errorf("%w: url has user info", ErrUnsafePath)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return "", fmt.Errorf("%w: url has a query, which an offline dir cannot map", ErrUnsafePath)
	}
	host := u.Hostname()
	if !validHostname(host) {
		return "", fmt.Errorf("%w: bad host %q", ErrUnsafePath, u.Host)
	}
	hostDir := strings.ToLower(host)
	if port := u.Port(); port != "" {
		hostDir += "%3A" + port
	} else if strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("%w: empty port in %q", ErrUnsafePath, u.Host)
	}
	p := u.Path
	if strings.ContainsAny(p, "\\\x00") {
		return "", fmt.Errorf("%w: path contains a backslash or NUL", ErrUnsafePath)
	}
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.json"
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for _, s := range segs {
		switch s {
		case "":
			return "", fmt.Errorf("%w: empty path segment", ErrUnsafePath)
		case ".", "..":
			return "", fmt.Errorf("%w: path segment %q", ErrUnsafePath, s)
		}
	}
	return hostDir + "/" + strings.Join(segs, "/"), nil
}

// validHostname accepts DNS names and IPv4 addresses: letters, digits, '-',
// '_' and '.', not starting with '.', not "." or "..".
func validHostname(h string) bool {
	if h == "" || h[0] == '.' || h[0] == '-' || len(h) > 253 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return !strings.Contains(h, "..")
}

// readUnder reads dir/rel (rel slash-separated) without leaving dir, at most
// MaxFetchSize bytes.
func readUnder(dir, rel string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	return readCapped(f)
}

// readCapped reads r to the end, refusing more than MaxFetchSize bytes.
func readCapped(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFetchSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFetchSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxFetchSize)
	}
	return b, nil
}

// errNotHTTPS is returned by HTTPFetcher for non-https URLs and redirects.
var errNotHTTPS = errors.New("only https is allowed")

// HTTPFetcher returns a Fetcher that performs HTTPS GET requests, for when
// the user allows the network. It uses a copy of client (nil means a new
// client on http.DefaultTransport) so the caller's client is not changed; the
// copy gets DefaultHTTPTimeout when client has no timeout, follows at most 5
// redirects and only to https URLs (after the client's own CheckRedirect, if
// any, agrees). Through a HostsOnly Fetcher it contacts only the hosts
// allowed there, redirect targets included (a redirect elsewhere fails with
// a *HostError). It refuses non-https URLs before any connection, answers
// other than 200 OK, and bodies larger than MaxFetchSize.
func HTTPFetcher(client *http.Client) Fetcher {
	c := &http.Client{}
	if client != nil {
		*c = *client
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultHTTPTimeout
	}
	prev := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), errNotHTTPS)
		}
		if err := checkHost(req.Context(), req.URL.Host); err != nil {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return FetcherFunc(func(ctx context.Context, rawURL string) ([]byte, error) {
		b, err := httpGet(ctx, c, rawURL)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		return b, nil
	})
}

func httpGet(ctx context.Context, c *http.Client, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" {
		return nil, errNotHTTPS
	}
	if u.Host == "" {
		return nil, fmt.Errorf("url has no host")
	}
	if err := checkHost(ctx, u.Host); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/did+json, application/did+ld+json, application/ld+json, application/json;q=0.9, */*;q=0.5")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("server answered %s", resp.Status)
	}
	if resp.ContentLength > MaxFetchSize {
		return nil, fmt.Errorf("%w: content length %d exceeds %d bytes", ErrTooLarge, resp.ContentLength, MaxFetchSize)
	}
	return readCapped(resp.Body)
}

// ErrHostNotAllowed means a fetch was refused because its host (or the host
// a redirect led to) is not among those the user agreed to contact; the
// error is a *HostError naming it.
var ErrHostNotAllowed = errors.New("host not allowed")

// HostError is the error of a fetch refused by HostsOnly: Host is the host
// (with its port, if any, lower-cased) that was not allowed.
type HostError struct{ Host string }

func (e *HostError) Error() string {
	return fmt.Sprintf("%s is not among the hosts allowed for this fetch", e.Host)
}

// Unwrap returns ErrHostNotAllowed.
func (e *HostError) Unwrap() error { return ErrHostNotAllowed }

// allowedHostsKey is the context key under which HostsOnly passes the
// allowed hosts to HTTPFetcher (for its redirects).
type allowedHostsKey struct{}

// checkHost returns a *HostError when ctx carries allowed hosts (see
// HostsOnly) and host is not one of them.
func checkHost(ctx context.Context, host string) error {
	allowed, ok := ctx.Value(allowedHostsKey{}).(map[string]bool)
	if !ok {
		return nil
	}
	h := strings.ToLower(host)
	if allowed[h] {
		return nil
	}
	return &HostError{Host: h}
}

// HostsOnly returns a Fetcher that passes to f only https URLs whose host
// (compared without regard to case, with the port when the URL has one) is
// one of hosts, and refuses any other, before f sees it, with an error
// wrapping a *HostError (ErrHostNotAllowed). It also passes hosts to f in
// the request's context, where HTTPFetcher (also nested in other Fetchers)
// applies the same rule to every redirect. hosts is copied; none allowed
// means every fetch is refused.
func HostsOnly(f Fetcher, hosts []string) Fetcher {
	allowed := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		allowed[strings.ToLower(h)] = true
	}
	return FetcherFunc(func(ctx context.Context, rawURL string) ([]byte, error) {
		ctx = context.WithValue(ctx, allowedHostsKey{}, allowed)
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		if err := checkHost(ctx, u.Host); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		if f == nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrOffline)
		}
		return f.Fetch(ctx, rawURL)
	})
}
