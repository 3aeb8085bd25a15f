package agent

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
)

// shutdownGrace is how long Stop lets requests in progress finish.
const shutdownGrace = 5 * time.Second

// inbound is aries' HTTP inbound handler served on a listener we own
// (aries' own Inbound binds in a goroutine and calls Fatalf on failure).
// It implements transport.InboundTransport.
type inbound struct {
	ln       net.Listener
	endpoint string

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
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q: want an http or https URL", endpoint)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			return nil, fmt.Errorf("listen on %s: %w: another program (or another Skillpass) uses this port; choose another address or stop that program", addr, ErrPortTaken)
		}
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if endpoint == "" {
		endpoint = "http://" + ln.Addr().String()
	}
	return &inbound{ln: ln, endpoint: endpoint}, nil
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

// Start prepares aries' inbound handler; serve starts serving it, once the
// agent is ready for messages.
func (i *inbound) Start(prov transport.Provider) error {
	h, err := arieshttp.NewInboundHandler(prov)
	if err != nil {
		return fmt.Errorf("http inbound: %w", err)
	}
	srv := &http.Server{
		Handler:           http.MaxBytesHandler(h, MaxMessageBytes),
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
		_ = srv.Serve(i.ln) // returns http.ErrServerClosed after Shutdown
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
		if err := i.ln.Close(); err != nil {
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
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
		},
	}
}
