package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// AdminSocket is the file name of the admin endpoint's unix socket in the
// issuer's folder.
const AdminSocket = "admin.sock"

// Limits of the admin protocol.
const (
	// MaxAdminRequest bounds one request (a batch file travels in it,
	// base64-encoded).
	MaxAdminRequest = 2 << 20
	// MaxAdminResponse bounds one response a client reads.
	MaxAdminResponse = 16 << 20
	// maxAdminConns bounds the requests served at once.
	maxAdminConns = 8
	// adminIOTimeout bounds reading a request and writing a response.
	adminIOTimeout = 30 * time.Second
	// maxSocketPath is the longest socket path every unix system takes
	// (sun_path is 104 bytes on macOS and the BSDs, 108 on Linux).
	maxSocketPath = 103
)

var (
	// ErrNotServing is returned by the admin client when no serve runs on
	// the folder (no socket, or nobody listening on it).
	ErrNotServing = errors.New("no skillpass-issuer serve is running on this folder")
	// ErrUnsafeDir is returned when the issuer's folder may be written by
	// other users (group or world write permission): its admin socket
	// could then be replaced by theirs.
	ErrUnsafeDir = errors.New("the folder is writable by other users")
	// ErrAdminInUse is returned by ServeAdmin when another process answers
	// on the folder's admin socket.
	ErrAdminInUse = errors.New("another process answers on the admin socket")
)

// adminRequest is one request on the admin socket: a JSON object, one per
// connection, answered by one adminResponse.
type adminRequest struct {
	Op          string `json:"op"` // offer, issue-batch, revoke, connections, issued
	Learner     string `json:"learner,omitempty"`
	Achievement string `json:"achievement,omitempty"`
	SubjectName string `json:"subjectName,omitempty"`
	Date        string `json:"date,omitempty"`
	Result      string `json:"result,omitempty"`
	CSV         []byte `json:"csv,omitempty"`
	SkipInvalid bool   `json:"skipInvalid,omitempty"`
	Credential  string `json:"credential,omitempty"`
}

// adminResponse answers an adminRequest: Result on success, else Error (in
// plain words) with Code naming the sentinel error behind it.
type adminResponse struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
	Code   string          `json:"code,omitempty"`
}

// adminCodes maps the sentinel errors a client may branch on to their
// codes on the wire.
var adminCodes = map[string]error{
	"unknown-achievement": ErrUnknownAchievement,
	"no-connection":       ErrNoConnection,
	"ambiguous-learner":   ErrAmbiguousLearner,
	"not-issued":          ErrNotIssued,
	"ambiguous":           ErrAmbiguous,
	"bad-offer":           ErrBadOffer,
	"invalid-batch":       ErrInvalidBatch,
	"closed":              ErrClosed,
	"bad-request":         errBadRequest,
}

var errBadRequest = errors.New("bad admin request")

// AdminError is an error the running issuer answered with.
type AdminError struct {
	Message string
	code    error
}

// Error returns the issuer's words.
func (e *AdminError) Error() string { return e.Message }

// Unwrap returns the sentinel error behind it (ErrNotIssued, for example),
// or nil.
func (e *AdminError) Unwrap() error { return e.code }

// AdminServer serves an Issuer's admin endpoint on a unix socket in its
// folder.
type AdminServer struct {
	is   *Issuer
	ln   *net.UnixListener
	path string
	info os.FileInfo // the socket file we made, to remove only that

	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
}

// ServeAdmin serves is's admin endpoint at dir/AdminSocket, for the
// commands of the issuer's owner: the socket is made owner-only (0600);
// dir must not be writable by group or others (ErrUnsafeDir). A socket
// left by a process that ended is replaced; one another process answers
// on is refused (ErrAdminInUse). Close removes the socket.
func ServeAdmin(dir string, is *Issuer) (*AdminServer, error) {
	if is == nil {
		return nil, errors.New("admin endpoint: no issuer")
	}
	path, err := adminPath(dir)
	if err != nil {
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	if err := clearStaleSocket(path); err != nil {
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	var ln *net.UnixListener
	err = ownerOnly(func() error {
		var lerr error
		ln, lerr = net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		return lerr
	})
	if err != nil {
		return nil, fmt.Errorf("admin endpoint: listen on %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ln.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &AdminServer{
		is: is, ln: ln, path: path, info: info, ctx: ctx, cancel: cancel,
		slots: make(chan struct{}, maxAdminConns),
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// adminPath checks dir and returns the socket's path in it.
func adminPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a folder", abs)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return "", fmt.Errorf("%s (mode %v): %w; run chmod go-w on it", abs, fi.Mode().Perm(), ErrUnsafeDir)
	}
	path := filepath.Join(abs, AdminSocket)
	if len(path) > maxSocketPath {
		// A relative path may still fit.
		if rel := filepath.Join(dir, AdminSocket); len(rel) <= maxSocketPath {
			return rel, nil
		}
		return "", fmt.Errorf("the socket path %s is longer than %d bytes; use a shorter --dir", path, maxSocketPath)
	}
	return path, nil
}

// clearStaleSocket removes a socket at path that nobody answers on.
func clearStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("%s exists and is not a socket; move it away", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = c.Close()
		return fmt.Errorf("%s: %w", path, ErrAdminInUse)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}

// Path returns the socket's path.
func (s *AdminServer) Path() string { return s.path }

// Close stops serving, waits for the requests in progress (a batch stops
// sending at its next row) and removes the socket. Calling it again
// returns nil.
func (s *AdminServer) Close() error {
	var err error
	s.once.Do(func() {
		s.cancel()
		err = s.ln.Close()
		s.wg.Wait()
		if fi, lerr := os.Lstat(s.path); lerr == nil && os.SameFile(fi, s.info) {
			if rerr := os.Remove(s.path); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if err != nil {
			err = fmt.Errorf("close admin endpoint: %w", err)
		}
	})
	return err
}

func (s *AdminServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if s.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// A passing failure (too many open files): wait a little.
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		select {
		case s.slots <- struct{}{}:
		default:
			s.reply(c, nil, errors.New("the issuer is busy with other admin requests; try again"))
			_ = c.Close()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.slots }()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// serve answers one request on c.
func (s *AdminServer) serve(c *net.UnixConn) {
	_ = c.SetReadDeadline(time.Now().Add(adminIOTimeout))
	var req adminRequest
	dec := json.NewDecoder(io.LimitReader(c, MaxAdminRequest))
	if err := dec.Decode(&req); err != nil {
		s.reply(c, nil, fmt.Errorf("%w: %v (at most %d bytes of JSON)", errBadRequest, err, MaxAdminRequest))
		return
	}
	// A client that goes away cancels nothing: what it asked for is done
	// and recorded either way.
	result, err := s.handle(&req)
	s.reply(c, result, err)
}

// reply writes the response for result or err.
func (s *AdminServer) reply(c net.Conn, result any, err error) {
	var resp adminResponse
	if err != nil {
		resp.Error = err.Error()
		for code, sentinel := range adminCodes {
			if errors.Is(err, sentinel) {
				resp.Code = code
				break
			}
		}
	} else {
		raw, merr := json.Marshal(result)
		if merr != nil {
			resp.Error = "encode the answer: " + merr.Error()
		} else {
			resp.Result = raw
		}
	}
	_ = c.SetWriteDeadline(time.Now().Add(adminIOTimeout))
	_ = json.NewEncoder(c).Encode(resp)
}

// handle runs one request on the issuer.
func (s *AdminServer) handle(req *adminRequest) (any, error) {
	is := s.is
	switch req.Op {
	case "offer":
		o := OfferOptions{SubjectName: req.SubjectName, Result: req.Result}
		if req.Date != "" {
			d, err := time.Parse(time.DateOnly, req.Date)
			if err != nil {
				return nil, fmt.Errorf("%w: the date %q is not YYYY-MM-DD", ErrBadOffer, req.Date)
			}
			o.Date = d
		}
		id, err := is.Offer(req.Learner, req.Achievement, o)
		if err != nil {
			return nil, err
		}
		return map[string]string{"offerId": id}, nil
	case "issue-batch":
		return is.issueBatch(s.ctx, bytes.NewReader(req.CSV), BatchOptions{SkipInvalid: req.SkipInvalid})
	case "revoke":
		return is.Revoke(req.Credential)
	case "connections":
		return is.Connections()
	case "issued":
		return is.Issued()
	default:
		return nil, fmt.Errorf("%w: unknown op %q", errBadRequest, req.Op)
	}
}

// AdminClient sends requests to the admin endpoint of the issuer serving
// on a folder. Every method returns an error wrapping ErrNotServing when
// no serve runs there, and an *AdminError for what the issuer refused.
type AdminClient struct {
	dir string
}

// NewAdminClient returns a client for the issuer folder dir.
func NewAdminClient(dir string) *AdminClient { return &AdminClient{dir: dir} }

// call sends req and decodes the result into out.
func (a *AdminClient) call(ctx context.Context, req adminRequest, out any) error {
	path, err := adminPath(a.dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: %w", a.dir, ErrNotServing)
	case errors.Is(err, ErrUnsafeDir):
		// serve refuses such a folder: no issuer serves there, and a
		// socket in it is not to be trusted.
		return fmt.Errorf("%s: %w (%v)", a.dir, ErrNotServing, err)
	case err != nil:
		return fmt.Errorf("admin endpoint: %w", err)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: %w", a.dir, ErrNotServing)
	}
	if err != nil {
		return fmt.Errorf("admin endpoint: %w", err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("admin endpoint: %s is not a socket", path)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		// A socket nobody listens on: serve ended without removing it.
		return fmt.Errorf("%s: %w", a.dir, ErrNotServing)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	_ = c.SetWriteDeadline(time.Now().Add(adminIOTimeout))
	raw, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	if len(raw) > MaxAdminRequest {
		return fmt.Errorf("admin request: %d bytes, more than the %d the endpoint takes", len(raw), MaxAdminRequest)
	}
	if _, err := c.Write(raw); err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	// The issuer may work for a while (a batch sends an offer per row).
	_ = c.SetReadDeadline(time.Time{})
	var resp adminResponse
	if err := json.NewDecoder(io.LimitReader(c, MaxAdminResponse)).Decode(&resp); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("admin request: %w", ctx.Err())
		}
		return fmt.Errorf("admin request: no answer: %w", err)
	}
	if resp.Error != "" {
		return &AdminError{Message: resp.Error, code: adminCodes[resp.Code]}
	}
	if out != nil {
		if err := json.Unmarshal(resp.Result, out); err != nil {
			return fmt.Errorf("admin answer: %w", err)
		}
	}
	return nil
}

// Offer asks the running issuer to offer achievement to learner (see
// Issuer.Offer) and returns the offer's id.
func (a *AdminClient) Offer(ctx context.Context, learner, achievement string, o OfferOptions) (string, error) {
	req := adminRequest{Op: "offer", Learner: learner, Achievement: achievement, SubjectName: o.SubjectName, Result: o.Result}
	if !o.Date.IsZero() {
		req.Date = o.Date.UTC().Format(time.DateOnly)
	}
	var out struct {
		OfferID string `json:"offerId"`
	}
	if err := a.call(ctx, req, &out); err != nil {
		return "", err
	}
	return out.OfferID, nil
}

// IssueBatch sends the batch file csv (at most MaxBatchBytes) to the
// running issuer (see Issuer.IssueBatch).
func (a *AdminClient) IssueBatch(ctx context.Context, csv []byte, o BatchOptions) (*BatchReport, error) {
	if len(csv) > MaxBatchBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes; split it", ErrInvalidBatch, MaxBatchBytes)
	}
	var rep BatchReport
	if err := a.call(ctx, adminRequest{Op: "issue-batch", CSV: csv, SkipInvalid: o.SkipInvalid}, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// Revoke asks the running issuer to revoke a credential (see
// Issuer.Revoke); its served status list shows it at once.
func (a *AdminClient) Revoke(ctx context.Context, id string) (*Issued, error) {
	var rec Issued
	if err := a.call(ctx, adminRequest{Op: "revoke", Credential: id}, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// Connections lists the running issuer's connections.
func (a *AdminClient) Connections(ctx context.Context) ([]Connection, error) {
	var out []Connection
	if err := a.call(ctx, adminRequest{Op: "connections"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Issued lists the credentials the running issuer issued.
func (a *AdminClient) Issued(ctx context.Context) ([]Issued, error) {
	var out []Issued
	if err := a.call(ctx, adminRequest{Op: "issued"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
