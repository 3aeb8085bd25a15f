package issuer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/spi/storage"
)

// MaxMessageBytes is the largest DIDComm message the inbound transport
// reads.
const MaxMessageBytes = 4 << 20

// shutdownGrace is how long Close lets requests in progress finish.
const shutdownGrace = 5 * time.Second

// inbound serves, on a listener we own, aries' DIDComm HTTP inbound handler
// (POST) and the issuer's own resources (GET): the status list, the
// invitation and the catalogue's pathways. It implements
// transport.InboundTransport.
type inbound struct {
	ln       net.Listener
	endpoint string
	get      http.Handler // GET requests

	mu      sync.Mutex
	srv     *http.Server
	served  chan struct{}
	stopped bool
}

var _ transport.InboundTransport = (*inbound)(nil)

// listen opens the listener at addr; endpoint, when empty, becomes
// http://<the bound address>.
func listen(addr, endpoint string) (*inbound, error) {
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("endpoint %q: want an http or https URL without query", endpoint)
		}
		endpoint = strings.TrimRight(endpoint, "/")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			return nil, fmt.Errorf("listen on %s: %w: another program (or another issuer) uses this port; choose another --listen address or stop that program", addr, ErrPortTaken)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if endpoint == "" {
		endpoint = "http://" + ln.Addr().String()
	}
	return &inbound{ln: ln, endpoint: endpoint}, nil
}

// addrInUse reports whether err says the address is taken.
func addrInUse(err error) bool {
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "address already in use") ||
		strings.Contains(msg, "Only one usage of each socket address")
}

// Start prepares aries' inbound handler; serve starts serving, once the
// issuer is ready for messages.
func (i *inbound) Start(prov transport.Provider) error {
	h, err := arieshttp.NewInboundHandler(prov)
	if err != nil {
		return fmt.Errorf("http inbound: %w", err)
	}
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			http.MaxBytesHandler(h, MaxMessageBytes).ServeHTTP(w, r)
		case http.MethodGet, http.MethodHead:
			if i.get == nil {
				http.NotFound(w, r)
				return
			}
			i.get.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       90 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return errors.New("http inbound: stopped")
	}
	if i.srv != nil {
		return errors.New("http inbound: already started")
	}
	i.srv = srv
	return nil
}

// serve starts serving on the listener (after Start).
func (i *inbound) serve() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case i.stopped:
		return errors.New("http inbound: stopped")
	case i.srv == nil:
		return errors.New("http inbound: not started")
	case i.served != nil:
		return nil
	}
	srv := i.srv
	i.served = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		_ = srv.Serve(i.ln) // http.ErrServerClosed after Shutdown
	}(i.served)
	return nil
}

// Stop stops accepting connections and waits (up to shutdownGrace) for
// requests in progress. Calling it again returns nil.
func (i *inbound) Stop() error {
	i.mu.Lock()
	if i.stopped {
		i.mu.Unlock()
		return nil
	}
	i.stopped = true
	srv, served := i.srv, i.served
	i.mu.Unlock()
	if served == nil {
		if err := i.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("close listener: %w", err)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err != nil {
		_ = srv.Close()
	}
	<-served
	if err != nil {
		return fmt.Errorf("stop http inbound: %w", err)
	}
	return nil
}

// Endpoint returns the URL peers send messages to.
func (i *inbound) Endpoint() string { return i.endpoint }

// newHTTPClient returns the outbound client: its own transport (never
// http.DefaultTransport), bounded in time.
func newHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
		},
	}
}

// stateStorePrefix starts the names of aries' protocol-state stores in the
// wallet file: aries uses the same store names and keys in its permanent
// and protocol-state stores, so the two must not be one store.
const stateStorePrefix = "issuer-state-"

// prefixed is a storage.Provider that puts a prefix before every store
// name. Closing it does nothing: the provider belongs to the wallet.
type prefixed struct {
	storage.Provider
	prefix string
}

var _ storage.Provider = prefixed{}

// OpenStore opens the store prefix+name.
func (p prefixed) OpenStore(name string) (storage.Store, error) {
	return p.Provider.OpenStore(p.prefix + name)
}

// SetStoreConfig sets the configuration of the store prefix+name.
func (p prefixed) SetStoreConfig(name string, config storage.StoreConfiguration) error {
	return p.Provider.SetStoreConfig(p.prefix+name, config)
}

// GetStoreConfig returns the configuration of the store prefix+name.
func (p prefixed) GetStoreConfig(name string) (storage.StoreConfiguration, error) {
	return p.Provider.GetStoreConfig(p.prefix + name)
}

// Close does nothing (the wallet owns the provider).
func (p prefixed) Close() error { return nil }
