//go:build !unix

package issuer

// ownerOnly runs fn; where there is no umask, the socket's permissions are
// set right after it is made (ServeAdmin).
func ownerOnly(fn func() error) error { return fn() }
