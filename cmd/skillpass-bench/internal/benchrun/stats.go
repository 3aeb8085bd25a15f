package benchrun

import (
	"math"
	"slices"
	"time"
)

// median returns the median of vs (the mean of the two middle values for an
// even count), or 0 for none. vs is not modified.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile returns the nearest-rank p-th percentile of vs (0 < p <= 1):
// the smallest value with at least p of the values at or below it. This is
// the definition the peer's verify-dir.mjs uses, so both columns agree.
func percentile(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(len(s)-1, i))]
}

// timing summarises per-item durations in milliseconds.
type timing struct {
	Count    int     `json:"count"`
	TotalMS  float64 `json:"totalMs"`
	MedianMS float64 `json:"medianMs"`
	P90MS    float64 `json:"p90Ms"`
	MaxMS    float64 `json:"maxMs"`
}

func summarise(ds []time.Duration) timing {
	ms := make([]float64, len(ds))
	t := timing{Count: len(ds)}
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
		t.TotalMS += ms[i]
		t.MaxMS = max(t.MaxMS, ms[i])
	}
	t.MedianMS = median(ms)
	t.P90MS = percentile(ms, 0.9)
	return t
}
