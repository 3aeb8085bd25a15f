package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/skillpass/skillpass/wallet"
)

// getRecord reads the JSON record key of bucket into v; kind names it in
// errors ("offer", "request"). A missing record gives an error wrapping
// wallet.ErrAgentRecordNotFound.
func (a *Agent) getRecord(bucket, kind, key string, v any) error {
	raw, err := a.w.AgentGet(bucket, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("read %s %s: %w", kind, key, err)
	}
	return nil
}

// findRecord reads into v the record of bucket named by id: its full key,
// or a unique prefix of at least minOfferPrefix characters. notFound is the
// error (wrapped) for an id that names none; several matches give
// ErrAmbiguous with their keys.
func (a *Agent) findRecord(bucket, kind, id string, notFound error, v any) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return fmt.Errorf("%s id is empty: %w", kind, notFound)
	}
	err := a.getRecord(bucket, kind, id, v)
	if err == nil || !errors.Is(err, wallet.ErrAgentRecordNotFound) {
		return err
	}
	if len(id) < minOfferPrefix {
		return fmt.Errorf("%s %q: %w (give at least %d characters of its id)", kind, id, notFound, minOfferPrefix)
	}
	var found []string
	err = a.w.AgentForEach(bucket, func(k string, _ []byte) error {
		if strings.HasPrefix(k, id) {
			found = append(found, k)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("find %s: %w", kind, err)
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("%s %q: %w", kind, id, notFound)
	case 1:
		return a.getRecord(bucket, kind, found[0], v)
	default:
		return fmt.Errorf("%s %q: %w (%s)", kind, id, ErrAmbiguous, strings.Join(found, ", "))
	}
}

// putRecord writes v as the JSON record key of bucket and, once written,
// tells whoever waits.
func (a *Agent) putRecord(bucket, kind, key string, v any) error {
	raw, err := json.Marshal(v)
	if err == nil {
		err = a.w.AgentPut(bucket, key, raw)
	}
	if err != nil {
		return fmt.Errorf("save %s %s: %w", kind, key, err)
	}
	a.notify()
	return nil
}

// listRecords reads every record of bucket as R and returns view of each,
// oldest first by received (ties by id); kind names them in errors.
func listRecords[R, T any](a *Agent, bucket, kind string, view func(R) T, order func(T) (received time.Time, id string)) ([]T, error) {
	var out []T
	err := a.w.AgentForEach(bucket, func(_ string, v []byte) error {
		var rec R
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("read %s: %w", kind, err)
		}
		out = append(out, view(rec))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", kind, err)
	}
	sort.Slice(out, func(i, j int) bool {
		ti, idi := order(out[i])
		tj, idj := order(out[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return idi < idj
	})
	return out, nil
}

// only keeps the items of all that keep says to, in place.
func only[T any](all []T, keep func(T) bool) []T {
	out := all[:0]
	for _, x := range all {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
