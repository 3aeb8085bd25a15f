//go:build unix

package issuer

import (
	"sync"
	"syscall"
)

// umaskMu serialises the umask changes of ownerOnly.
var umaskMu sync.Mutex

// ownerOnly runs fn with the process umask set to 0177, so that the socket
// fn binds is created owner-only (0600) with no moment where others could
// connect. The umask is process-wide: files others create meanwhile are at
// most more private than asked.
func ownerOnly(fn func() error) error {
	umaskMu.Lock()
	defer umaskMu.Unlock()
	old := syscall.Umask(0o177)
	defer syscall.Umask(old)
	return fn()
}
