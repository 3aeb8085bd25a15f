package didcomm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
)

// MaxMessageBytes is the largest DIDComm message an Inbound reads.
const MaxMessageBytes = 4 << 20

// ShutdownGrace is how long Inbound.Stop lets requests in progress finish.
const ShutdownGrace = 5 * time.Second

// ErrPortTaken is returned (wrapped) by Listen when the address is in use.
var ErrPortTaken = errors.New("the address is already in use")

// Inbound serves, on a listener we own, aries' DIDComm HTTP inbound handler
// and, when given one, a handler for GET and HEAD requests. It implements
// transport.InboundTransport; aries calls Start, its owner calls Protect
// (NewFramework does) and Serve once it is ready for messages, and Stop.
// Every message aries unpacks passes the guard (see guard.go) before aries
// handles it; an Inbound without a guard does not serve.
type Inbound struct {
	ln       net.Listener
	endpoint string
	get      http.Handler

	mu      sync.Mutex
	srv     *http.Server
	served  chan struct{}
	stopped bool
	guard   *guard

	onUnpackPanic func(any) // set by the fuzz target (see safePackager)
}

var _ transport.InboundTransport = (*Inbound)(nil)

// Listen opens a TCP listener at addr. endpoint is the URL peers send to,
// used as given (the caller checks it); when empty it becomes
// http://<the bound address>. get, when not nil, serves GET and HEAD
// requests; POST requests then go to aries and other methods are refused
// with 405. When get is nil, every request goes to aries' handler. A taken
// address gives an error wrapping ErrPortTaken.
func Listen(addr, endpoint string, get http.Handler) (*Inbound, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			return nil, fmt.Errorf("listen on %s: %w", addr, ErrPortTaken)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if endpoint == "" {
		endpoint = "http://" + ln.Addr().String()
	}
	return &Inbound{ln: ln, endpoint: endpoint, get: get}, nil
}

// addrInUse reports whether err says the address is taken (EADDRINUSE, or
// its Windows wording).
func addrInUse(err error) bool {
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "address already in use") ||
		strings.Contains(msg, "Only one usage of each socket address")
}

// Start prepares aries' inbound handler, with the guard in front of the
// framework's message handler; Serve starts serving it.
func (i *Inbound) Start(prov transport.Provider) error {
	if prov == nil {
		return errors.New("http inbound: no provider")
	}
	h, err := arieshttp.NewInboundHandler(guarded{Provider: prov, in: i})
	if err != nil {
		return fmt.Errorf("http inbound: %w", err)
	}
	srv := &http.Server{
		Handler:           i.handler(h),
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

// handler returns what the server serves: aries' handler h, size-limited
// and shielded from the bodies it panics on (see refuseLoneQuote), alone or
// beside i.get.
func (i *Inbound) handler(h http.Handler) http.Handler {
	didcomm := http.MaxBytesHandler(refuseLoneQuote(h), MaxMessageBytes)
	if i.get == nil {
		return didcomm
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			didcomm.ServeHTTP(w, r)
		case http.MethodGet, http.MethodHead:
			i.get.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// Protect gives the Inbound its guard, built on the framework's context
// (aries' *context.Provider from Aries.Context) with opts. It must come
// before Serve; NewFramework calls it. Calling it again replaces the guard.
func (i *Inbound) Protect(ctx GuardContext, opts GuardOptions) error {
	g, err := newGuard(ctx, opts)
	if err != nil {
		return fmt.Errorf("http inbound: %w", err)
	}
	i.mu.Lock()
	i.guard = g
	i.mu.Unlock()
	return nil
}

// currentGuard returns the guard, or nil before Protect.
func (i *Inbound) currentGuard() *guard {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.guard
}

// guarded is the transport.Provider aries' HTTP handler gets: the
// framework's, with the guard in front of its message handler.
type guarded struct {
	transport.Provider
	in *Inbound
}

// Packager returns the framework's packager, made safe against input that
// panics aries' unpack code (see safePackager).
func (p guarded) Packager() transport.Packager {
	return safePackager{Packager: p.Provider.Packager(), onPanic: p.in.onUnpackPanic}
}

// InboundMessageHandler returns the guard's handler: it checks each
// unpacked envelope and hands those that pass to the framework's handler.
func (p guarded) InboundMessageHandler() transport.InboundMessageHandler {
	return func(env *transport.Envelope) error {
		g := p.in.currentGuard()
		if g == nil {
			return ErrUnprotected
		}
		next := p.Provider.InboundMessageHandler()
		if next == nil {
			return errors.New("inbound message refused: aries has no message handler")
		}
		return g.handle(env, next)
	}
}

// Serve starts serving on the listener (after Start and Protect). Calling
// it again returns nil.
func (i *Inbound) Serve() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case i.stopped:
		return errors.New("http inbound: stopped")
	case i.srv == nil:
		return errors.New("http inbound: not started")
	case i.served != nil:
		return nil
	case i.guard == nil:
		return fmt.Errorf("http inbound: %w", ErrUnprotected)
	}
	srv := i.srv
	i.served = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		_ = srv.Serve(i.ln) // returns http.ErrServerClosed after Shutdown
	}(i.served)
	return nil
}

// Stop stops accepting connections and waits (up to ShutdownGrace) for
// requests in progress. Calling it again returns nil.
func (i *Inbound) Stop() error {
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
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
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
func (i *Inbound) Endpoint() string { return i.endpoint }

// Addr returns the address the listener is bound to.
func (i *Inbound) Addr() string { return i.ln.Addr().String() }

// NewHTTPClient returns an outbound client: its own transport (never
// http.DefaultTransport), bounded in time.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
		},
	}
}
