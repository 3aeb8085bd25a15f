package qr

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// decMode reads the CBOR that scanCBOR has already checked; its own limits
// are a second line of defence.
var decMode = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  MaxDepth + 2,
		MaxArrayElements: MaxItems,
		MaxMapPairs:      MaxItems,
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsAllowed,
		IntDec:           cbor.IntDecConvertNone,
		UTF8:             cbor.UTF8RejectInvalid,
		BignumTag:        cbor.BignumTagForbidden,
		TimeTagToAny:     cbor.TimeTagToTime,
	}.DecMode()
	if err != nil {
		panic(err) // fixed options: cannot fail
	}
	return m
}()

// DecodeCBOR reverses EncodeCBOR: it returns the JSON a CBOR data item of
// SP1 stands for (keys sorted, no HTML escaping). It enforces MaxCBORBytes,
// MaxDepth, MaxItems and MaxJSONBytes, wrapping ErrLimit, and wraps
// ErrCorrupt for anything that is not SP1 CBOR.
func DecodeCBOR(data []byte) ([]byte, error) {
	if len(data) > MaxCBORBytes {
		return nil, fmt.Errorf("decode qr payload: %w: CBOR of %d bytes (limit %d)", ErrLimit, len(data), MaxCBORBytes)
	}
	if err := scanCBOR(data); err != nil {
		return nil, fmt.Errorf("decode qr payload: %w", err)
	}
	var v any
	if err := decMode.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode qr payload: %w: %w", ErrCorrupt, err)
	}
	if _, ok := v.(map[any]any); !ok {
		return nil, fmt.Errorf("decode qr payload: %w: the document is not a map", ErrCorrupt)
	}
	x := expander{}
	doc, err := x.value(v)
	if err != nil {
		return nil, fmt.Errorf("decode qr payload: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("decode qr payload: %w: %w", ErrCorrupt, err)
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(out) > MaxJSONBytes {
		return nil, fmt.Errorf("decode qr payload: %w: the document expands to %d bytes (limit %d)", ErrLimit, len(out), MaxJSONBytes)
	}
	return out, nil
}

// expander turns decoded CBOR into JSON values, keeping count of the JSON
// size it produces (a lower bound: escapes are counted once the JSON is
// written), so that a payload that expands too much is refused early.
type expander struct{ size int }

func (x *expander) grow(n int) error {
	x.size += n
	if x.size > MaxJSONBytes {
		return fmt.Errorf("%w: the document expands to more than %d bytes", ErrLimit, MaxJSONBytes)
	}
	return nil
}

func (x *expander) value(v any) (any, error) {
	switch t := v.(type) {
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			key, err := x.key(k)
			if err != nil {
				return nil, err
			}
			if _, dup := out[key]; dup {
				return nil, fmt.Errorf("%w: key %q appears twice in one map", ErrCorrupt, key)
			}
			if out[key], err = x.value(val); err != nil {
				return nil, err
			}
		}
		return out, x.grow(2 + len(t))
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			var err error
			if out[i], err = x.value(e); err != nil {
				return nil, err
			}
		}
		return out, x.grow(2 + len(t))
	case uint64:
		s, err := term(t)
		if err != nil {
			return nil, err
		}
		return s, x.grow(len(s) + 2)
	case string:
		return t, x.grow(len(t) + 2)
	case []byte:
		s, isNumber, err := expandBinary(t)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if isNumber {
			return json.Number(s), x.grow(len(s))
		}
		return s, x.grow(len(s) + 2)
	case time.Time:
		if t.Nanosecond() != 0 {
			return nil, fmt.Errorf("%w: date with a fraction of a second in tag 1", ErrCorrupt)
		}
		s := t.UTC().Format(dateLayout) + "Z"
		return s, x.grow(len(s) + 2)
	case cbor.Tag:
		// scanCBOR lets through only tags 1 (decoded as time.Time) and
		// 100, each around an integer.
		days, ok := t.Content.(int64)
		if u, isUint := t.Content.(uint64); isUint && u <= math.MaxInt64/secondsPerDay {
			days, ok = int64(u), true
		}
		if t.Number != daysTagNum || !ok || days < math.MinInt64/secondsPerDay || days > math.MaxInt64/secondsPerDay {
			return nil, fmt.Errorf("%w: unexpected CBOR tag %d", ErrCorrupt, t.Number)
		}
		s := time.Unix(days*secondsPerDay, 0).UTC().Format(dayLayout)
		return s, x.grow(len(s) + 2)
	case bool:
		return t, x.grow(5)
	case nil:
		return nil, x.grow(4)
	}
	return nil, fmt.Errorf("%w: unexpected CBOR value of type %T", ErrCorrupt, v)
}

func (x *expander) key(k any) (string, error) {
	switch t := k.(type) {
	case uint64:
		s, err := term(t)
		if err != nil {
			return "", err
		}
		return s, x.grow(len(s) + 3)
	case string:
		return t, x.grow(len(t) + 3)
	}
	return "", fmt.Errorf("%w: map key of type %T", ErrCorrupt, k)
}

// scanCBOR checks, without allocating, that data is exactly one well-formed
// CBOR data item of definite length, nested at most MaxDepth deep, with at
// most MaxItems items, using only what SP1 writes: integers, byte and text
// strings, arrays, maps, false, true, null, and tags 1 and 100 around an
// integer.
func scanCBOR(data []byte) error {
	// remaining[i] is the number of items still to read at depth i.
	remaining := []uint64{1}
	pos, items := 0, 0
	tagged := false // the item read next is the content of a tag
	for {
		for len(remaining) > 0 && remaining[len(remaining)-1] == 0 {
			remaining = remaining[:len(remaining)-1]
		}
		if len(remaining) == 0 {
			break
		}
		remaining[len(remaining)-1]--
		if pos >= len(data) {
			return fmt.Errorf("%w: CBOR ends early", ErrCorrupt)
		}
		head := data[pos]
		major, info := head>>5, head&0x1f
		pos++
		// A tag and its content make one data item (RFC 8949 section 3.4).
		if major != 6 {
			items++
		}
		if items > MaxItems {
			return fmt.Errorf("%w: more than %d CBOR items", ErrLimit, MaxItems)
		}
		if tagged && major > 1 {
			return fmt.Errorf("%w: tag 1 must hold an integer", ErrCorrupt)
		}
		tagged = false
		var arg uint64
		switch {
		case info < 24:
			arg = uint64(info)
		case info <= 27:
			n := 1 << (info - 24)
			if len(data)-pos < n {
				return fmt.Errorf("%w: CBOR ends early", ErrCorrupt)
			}
			var b [8]byte
			copy(b[8-n:], data[pos:pos+n])
			arg = binary.BigEndian.Uint64(b[:])
			pos += n
		default:
			return fmt.Errorf("%w: indefinite length or reserved CBOR head 0x%02x", ErrCorrupt, head)
		}
		left := uint64(len(data) - pos)
		switch major {
		case 0, 1: // integers
		case 2, 3: // byte and text strings
			if arg > left {
				return fmt.Errorf("%w: CBOR ends early", ErrCorrupt)
			}
			pos += int(arg)
		case 4, 5: // arrays and maps
			if major == 5 {
				if arg > left/2 {
					return fmt.Errorf("%w: CBOR ends early", ErrCorrupt)
				}
				arg *= 2
			}
			if arg > left {
				return fmt.Errorf("%w: CBOR ends early", ErrCorrupt)
			}
			// remaining holds one entry per open container plus the
			// document's own.
			if len(remaining) > MaxDepth {
				return fmt.Errorf("%w: nested deeper than %d", ErrLimit, MaxDepth)
			}
			remaining = append(remaining, arg)
		case 6:
			if arg != epochTagNum && arg != daysTagNum {
				return fmt.Errorf("%w: unexpected CBOR tag %d", ErrCorrupt, arg)
			}
			tagged = true
			remaining = append(remaining, 1)
		case 7:
			if info < 20 || info > 22 {
				return fmt.Errorf("%w: unexpected CBOR simple value or float (head 0x%02x)", ErrCorrupt, head)
			}
		}
	}
	if pos != len(data) {
		return fmt.Errorf("%w: %d bytes after the CBOR item", ErrCorrupt, len(data)-pos)
	}
	return nil
}
