package control

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
)

// Defaults of Options.
const (
	// DefaultMaxConns is how many requests a server handles at once.
	DefaultMaxConns = 16
	// requestReadTimeout bounds how long a client may take to send its
	// request; answerWriteTimeout how long it may take to read the answer.
	requestReadTimeout = 10 * time.Second
	answerWriteTimeout = 30 * time.Second
	// probeTimeout bounds the dial that tells a live socket from a stale one.
	probeTimeout = time.Second
)

// maxSocketPath is the longest unix socket path the platforms we build for
// accept (Linux allows 107 bytes and a NUL, the BSDs and macOS 103).
const maxSocketPath = 103

// Options configure Listen. The zero value is ready to use.
type Options struct {
	// MaxConns bounds the requests handled at once (default
	// DefaultMaxConns); more wait for a free slot.
	MaxConns int
	// Logf, when set, receives one line per failed request.
	Logf func(format string, args ...any)
}

// Server serves a wallet and its agent on the wallet's control socket.
type Server struct {
	w    *wallet.Wallet
	a    *agent.Agent
	opts Options
	path string
	ln   *net.UnixListener
	info os.FileInfo // the socket file we made, to remove only ours

	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{}
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

// SocketPath returns the path of the control socket of the wallet in dir.
func SocketPath(dir string) string { return filepath.Join(dir, SocketName) }

// Listen starts serving w and a (a may be nil: the DIDComm operations then
// answer ErrNoAgent) on the socket in w's folder, in a goroutine of its own.
// It refuses an unsafe folder (ErrUnsafeDir), a path holding something other
// than a socket (ErrNotSocket) and a socket another server answers on
// (ErrAlreadyServing); a stale socket is replaced. Close the Server before
// the agent and the wallet.
func Listen(w *wallet.Wallet, a *agent.Agent, opts Options) (*Server, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	dir, err := filepath.Abs(w.Dir())
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := checkDir(dir); err != nil {
		return nil, fmt.Errorf("control socket in %s: %w", dir, err)
	}
	path := SocketPath(dir)
	if err := clearStale(path); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln, info, err := bindPrivate(dir, path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		w: w, a: a, opts: opts, path: path, ln: ln, info: info,
		ctx: ctx, cancel: cancel,
		slots: make(chan struct{}, opts.MaxConns),
		done:  make(chan struct{}),
	}
	go s.serve()
	return s, nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Close stops accepting, cancels the requests in progress (an Accept
// waiting for the issuer returns), waits for them to end and removes the
// socket file if it is still the one Listen made. Calling Close again
// returns nil.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	err := s.ln.Close()
	<-s.done
	s.wg.Wait()
	if fi, lerr := os.Lstat(s.path); lerr == nil && os.SameFile(fi, s.info) {
		if rerr := os.Remove(s.path); rerr != nil && err == nil {
			err = rerr
		}
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("close control socket: %w", err)
	}
	return nil
}

// checkDir refuses a folder that others may write to or that another user
// owns (a folder that others may only read is fine: the socket is 0600).
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: not a folder", ErrUnsafeDir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%w: mode %v lets others write in it (chmod go-w)", ErrUnsafeDir, fi.Mode().Perm())
	}
	if !ownedByMe(fi) {
		return fmt.Errorf("%w: owned by another user", ErrUnsafeDir)
	}
	return nil
}

// clearStale removes a socket at path that nothing answers on.
func clearStale(path string) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("%w (%d bytes, at most %d)", ErrPathTooLong, len(path), maxSocketPath)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%w (%v); move it away", ErrNotSocket, fi.Mode().Type())
	}
	c, err := net.DialTimeout("unix", path, probeTimeout)
	if err == nil {
		c.Close()
		return ErrAlreadyServing
	}
	// Nothing listens: the process that made it ended without removing it.
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// bindPrivate binds the socket in a new 0700 folder inside dir, makes it
// 0600 and renames it to path, so that it never exists with looser
// permissions where others could reach it.
func bindPrivate(dir, path string) (*net.UnixListener, os.FileInfo, error) {
	tmp, err := os.MkdirTemp(dir, ".s")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o700); err != nil {
		return nil, nil, err
	}
	tmpPath := filepath.Join(tmp, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmpPath, Net: "unix"})
	if err != nil {
		return nil, nil, err
	}
	ln.SetUnlinkOnClose(false) // the name moves; Close removes it
	fail := func(err error) (*net.UnixListener, os.FileInfo, error) {
		ln.Close()
		return nil, nil, err
	}
	if err := os.Chmod(tmpPath, 0o600); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fail(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fail(err)
	}
	return ln, fi, nil
}

func (s *Server) serve() {
	defer close(s.done)
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			s.logf("control socket: accept: %v", err)
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		select {
		case s.slots <- struct{}{}:
		case <-s.ctx.Done():
			c.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.slots }()
			s.handle(c)
		}()
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// handle reads one request from c and answers it.
func (s *Server) handle(c *net.UnixConn) {
	defer c.Close()
	if err := checkPeer(c); err != nil {
		s.logf("control socket: %v", err)
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(requestReadTimeout))
	req, err := readRequest(c)
	var resp response
	if err != nil {
		resp = errorResponse(err, nil)
	} else {
		resp = s.dispatch(req)
	}
	if resp.Error != nil && resp.Error.Code != "locked" {
		s.logf("control socket: %s: %s", req.Op, resp.Error.Message)
	}
	_ = c.SetWriteDeadline(time.Now().Add(answerWriteTimeout))
	b, err := json.Marshal(resp)
	if err != nil {
		b, _ = json.Marshal(errorResponse(fmt.Errorf("encode answer: %w", err), nil))
	}
	_, _ = c.Write(append(b, '\n'))
}

// readRequest reads one line of at most MaxRequestBytes and decodes it.
func readRequest(r io.Reader) (request, error) {
	var req request
	br := bufio.NewReader(io.LimitReader(r, MaxRequestBytes+1))
	line, err := br.ReadBytes('\n')
	if len(line) > MaxRequestBytes {
		return req, fmt.Errorf("%w: larger than %d bytes", ErrBadRequest, MaxRequestBytes)
	}
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		return req, fmt.Errorf("%w: read: %v", ErrBadRequest, err)
	}
	if err := json.Unmarshal(line, &req); err != nil {
		return req, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if req.V != Version {
		return req, fmt.Errorf("%w: the agent speaks version %d, the request version %d: use the same Skillpass release for both", ErrVersion, Version, req.V)
	}
	return req, nil
}

func errorResponse(err error, result any) response {
	resp := response{V: Version, Error: &wireError{Code: codeOf(err), Message: err.Error()}}
	if result != nil {
		if b, merr := json.Marshal(result); merr == nil {
			resp.Result = b
		}
	}
	return resp
}

// dispatch runs one request.
func (s *Server) dispatch(req request) response {
	if req.Op == opStatus {
		return s.answer(s.status(), nil)
	}
	if s.w.Locked() {
		return errorResponse(fmt.Errorf("%s: %w: unlock it in the Skillpass that holds it", req.Op, wallet.ErrLocked), nil)
	}
	switch req.Op {
	case opList:
		list, err := s.w.List()
		if list == nil {
			list = []wallet.Summary{}
		}
		return s.answer(list, err)
	case opShow:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: show needs an id", ErrBadRequest), nil)
		}
		rec, err := s.w.Reverify(s.ctx, req.ID)
		return s.answer(rec, err)
	case opPassport:
		return s.passport(req)
	}
	switch req.Op {
	case opConnect, opConnections, opInbox, opOffers, opAccept, opDecline,
		opMediatorUse, opMediator, opPickup, opRequests, opRequest, opShare, opPreviewShare, opDeclineRequest:
	default:
		return errorResponse(fmt.Errorf("%w: unknown operation %q", ErrBadRequest, req.Op), nil)
	}
	if s.a == nil {
		return errorResponse(fmt.Errorf("%s: %w", req.Op, ErrNoAgent), nil)
	}
	switch req.Op {
	case opConnect:
		id, err := s.a.Connect(s.ctx, req.Invitation)
		if err != nil {
			return errorResponse(fmt.Errorf("connect: %w", err), nil)
		}
		return s.answer(map[string]string{"connectionId": id}, nil)
	case opConnections:
		list, err := s.a.Connections()
		if list == nil {
			list = []agent.Connection{}
		}
		return s.answer(list, err)
	case opInbox, opOffers:
		var list []agent.Offer
		var err error
		if req.Op == opInbox {
			list, err = s.a.Inbox()
		} else {
			list, err = s.a.Offers()
		}
		if list == nil {
			list = []agent.Offer{}
		}
		return s.answer(list, err)
	case opAccept:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: accept needs an offer id", ErrBadRequest), nil)
		}
		off, err := s.a.Accept(s.ctx, req.ID)
		if err != nil {
			return errorResponse(fmt.Errorf("accept %s: %w", req.ID, err), off)
		}
		return s.answer(off, nil)
	case opDecline:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: decline needs an offer id", ErrBadRequest), nil)
		}
		err := s.a.Decline(s.ctx, req.ID, req.Reason)
		return s.answer(map[string]string{"id": req.ID}, errWrap("decline "+req.ID, err))
	}
	return s.dispatchProof(req)
}

// dispatchProof runs the mediation and presentation-request operations.
func (s *Server) dispatchProof(req request) response {
	switch req.Op {
	case opMediatorUse:
		m, err := s.a.UseMediator(s.ctx, req.Invitation)
		return s.answer(m, err)
	case opMediator:
		m, err := s.a.Mediator()
		return s.answer(m, err)
	case opPickup:
		n, err := s.a.Pickup(s.ctx)
		if err != nil {
			return errorResponse(err, PickupResult{Delivered: n})
		}
		return s.answer(PickupResult{Delivered: n}, nil)
	case opRequests:
		var list []agent.Request
		var err error
		if req.All {
			list, err = s.a.AllRequests()
		} else {
			list, err = s.a.Requests()
		}
		if list == nil {
			list = []agent.Request{}
		}
		return s.answer(list, err)
	case opRequest:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: request needs a request id", ErrBadRequest), nil)
		}
		r, err := s.a.Request(req.ID)
		return s.answer(r, err)
	case opShare:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: share needs a request id", ErrBadRequest), nil)
		}
		r, err := s.a.Share(s.ctx, req.ID, agent.Selection(req.Selection))
		if err != nil {
			return errorResponse(err, r)
		}
		return s.answer(r, nil)
	case opPreviewShare:
		// What share would send with the same selection, by the agent's
		// own plan; nothing is signed, sent or changed.
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: preview-share needs a request id", ErrBadRequest), nil)
		}
		pv, err := s.a.PreviewShare(req.ID, agent.Selection(req.Selection))
		return s.answer(pv, err)
	case opDeclineRequest:
		if req.ID == "" {
			return errorResponse(fmt.Errorf("%w: decline-request needs a request id", ErrBadRequest), nil)
		}
		err := s.a.DeclineRequest(s.ctx, req.ID, req.Reason)
		return s.answer(map[string]string{"id": req.ID}, err)
	}
	return errorResponse(fmt.Errorf("%w: unknown operation %q", ErrBadRequest, req.Op), nil)
}

func errWrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (s *Server) status() Status {
	st := Status{Version: Version, PID: os.Getpid(), WalletDir: s.w.Dir(), Locked: s.w.Locked()}
	if s.a != nil {
		st.Endpoint = s.a.Endpoint()
	}
	return st
}

func (s *Server) passport(req request) response {
	popts := passport.Options{}
	if !req.Now.IsZero() {
		now := req.Now
		popts.Now = func() time.Time { return now }
	}
	if len(req.Role) > 0 {
		role, err := passport.ParseRole(bytes.NewReader(req.Role))
		if err != nil {
			return errorResponse(fmt.Errorf("%w: role: %v", ErrBadRequest, err), nil)
		}
		popts.Role = &role
	}
	// As the command does with the wallet itself: a role of an imported
	// framework, and the frameworks' names for skills.
	prefer := ""
	if req.RoleCode != "" && popts.Role == nil {
		fr, err := s.w.FrameworkRole(req.RoleCode)
		if err != nil {
			return errorResponse(fmt.Errorf("role %s: %w", req.RoleCode, err), nil)
		}
		popts.Role = &fr.Profile
		prefer = fr.Framework
	}
	cat, err := s.w.FrameworkCatalog(prefer)
	if err != nil {
		return errorResponse(err, nil)
	}
	popts.Catalog = cat
	p, err := s.w.Passport(popts)
	if err != nil {
		return errorResponse(err, nil)
	}
	return s.answer(p.View(), nil)
}

// answer encodes result, or err.
func (s *Server) answer(result any, err error) response {
	if err != nil {
		return errorResponse(err, nil)
	}
	b, err := json.Marshal(result)
	if err != nil {
		return errorResponse(fmt.Errorf("encode answer: %w", err), nil)
	}
	return response{V: Version, OK: true, Result: b}
}
