package qr

import "fmt"

// termCode maps each dictionary entry to its number.
var termCode = func() map[string]uint64 {
	m := make(map[string]uint64, len(sp1Terms))
	for i, t := range sp1Terms {
		m[t] = uint64(i)
	}
	return m
}()

// term returns dictionary entry n.
func term(n uint64) (string, error) {
	if n >= uint64(len(sp1Terms)) {
		return "", fmt.Errorf("%w: dictionary entry %d does not exist (SP1 has %d)", ErrCorrupt, n, len(sp1Terms))
	}
	return sp1Terms[n], nil
}
