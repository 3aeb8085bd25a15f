package issuer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Limits of an issue-batch file.
const (
	// MaxBatchBytes bounds a batch file.
	MaxBatchBytes = 1 << 20
	// MaxBatchRows bounds the data rows of a batch file.
	MaxBatchRows = 5000
)

// ErrInvalidBatch is wrapped by the errors about a batch file as a whole
// (no header row, a missing column, too large); the message says where.
// Problems of single rows are in the BatchReport instead.
var ErrInvalidBatch = errors.New("invalid batch file")

// RowStatus is what became of one row of a batch.
type RowStatus string

// Row statuses.
const (
	// RowOffered: the offer was sent (OfferID).
	RowOffered RowStatus = "offered"
	// RowAlreadyOffered: an earlier offer (OfferID) has the same
	// connection, achievement, date and result; nothing was sent again.
	RowAlreadyOffered RowStatus = "already-offered"
	// RowInvalid: the row is wrong (Problem says how); nothing was sent.
	RowInvalid RowStatus = "invalid"
	// RowNotSent: the row is good, but other rows are not and the batch
	// was not sent (no SkipInvalid).
	RowNotSent RowStatus = "not-sent"
	// RowFailed: the row is good but sending the offer failed (Problem).
	RowFailed RowStatus = "failed"
)

// BatchRow is one data row of a batch file and what became of it.
type BatchRow struct {
	Line        int       `json:"line"` // the row's line in the file (the header is line 1)
	Learner     string    `json:"learner"`
	Achievement string    `json:"achievement"`
	Date        string    `json:"date"`
	Result      string    `json:"result,omitempty"`
	Connection  string    `json:"connection,omitempty"` // the connection the learner was found on
	Status      RowStatus `json:"status"`
	OfferID     string    `json:"offerId,omitempty"`
	Problem     string    `json:"problem,omitempty"`
}

// BatchReport says, row by row, what IssueBatch did with a batch file.
type BatchReport struct {
	Rows []BatchRow `json:"rows"`
	// Ignored lists the header's columns IssueBatch does not read.
	Ignored []string `json:"ignoredColumns,omitempty"`
}

// Count returns how many rows have status s.
func (r *BatchReport) Count(s RowStatus) int {
	n := 0
	for _, row := range r.Rows {
		if row.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether every row was offered now or before.
func (r *BatchReport) OK() bool {
	return r.Count(RowOffered)+r.Count(RowAlreadyOffered) == len(r.Rows)
}

// BatchOptions configures IssueBatch.
type BatchOptions struct {
	// SkipInvalid sends the good rows even when some are invalid. Without
	// it a batch with an invalid row sends nothing.
	SkipInvalid bool
}

// column names a batch file's header may use for each field, compared
// lowercase without spaces, '_' and '-'.
var batchColumns = map[string][]string{
	"learner":     {"learner", "learnerconnection", "learnerconnectionid", "learnerdid", "connection", "connectionid", "did"},
	"achievement": {"achievement", "achievementid"},
	"date":        {"date", "issuancedate", "issued", "issuedon"},
	"result":      {"result", "score", "grade"},
}

func normColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s)
}

// ParseBatch reads a batch file: CSV (comma-separated, UTF-8, an optional
// byte order mark) whose first row is a header naming the columns learner
// (a connection id or the learner's DID), achievement (an achievement id of
// the catalogue), date (the issuance date, YYYY-MM-DD) and, optionally,
// result (a text or score); other columns are ignored, and the order is
// free. It returns the data rows with Line set, and the ignored columns;
// rows CSV cannot read come back with status RowInvalid. Errors about the
// file as a whole wrap ErrInvalidBatch.
func ParseBatch(r io.Reader) ([]BatchRow, []string, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBatchBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read batch: %w", err)
	}
	if len(raw) > MaxBatchBytes {
		return nil, nil, fmt.Errorf("%w: larger than %d bytes; split it", ErrInvalidBatch, MaxBatchBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%w: the file is empty (want a header row: learner,achievement,date,result)", ErrInvalidBatch)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: header: %v", ErrInvalidBatch, err)
	}
	col := map[string]int{}
	var ignored []string
	for i, h := range header {
		field := ""
		for name, aliases := range batchColumns {
			if contains(aliases, normColumn(h)) {
				field = name
			}
		}
		if field == "" {
			ignored = append(ignored, h)
			continue
		}
		if j, dup := col[field]; dup {
			return nil, nil, fmt.Errorf("%w: line 1: columns %d (%q) and %d (%q) both name the %s", ErrInvalidBatch, j+1, header[j], i+1, h, field)
		}
		col[field] = i
	}
	var missing []string
	for _, f := range []string{"learner", "achievement", "date"} {
		if _, ok := col[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("%w: line 1: the header row has no %s column (it needs learner, achievement, date and optionally result; got %q)",
			ErrInvalidBatch, strings.Join(missing, ", "), strings.Join(header, ","))
	}
	field := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []BatchRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(rows) == MaxBatchRows {
			return nil, nil, fmt.Errorf("%w: more than %d rows; split it", ErrInvalidBatch, MaxBatchRows)
		}
		if err != nil {
			row := BatchRow{Status: RowInvalid, Problem: "not readable as CSV: " + err.Error()}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row.Line, row.Problem = pe.StartLine, "not readable as CSV: "+pe.Err.Error()
			}
			rows = append(rows, row)
			continue
		}
		line, _ := cr.FieldPos(0) // a record read without error has a field
		if blank(rec) {
			continue
		}
		row := BatchRow{
			Line: line, Learner: field(rec, "learner"), Achievement: field(rec, "achievement"),
			Date: field(rec, "date"), Result: field(rec, "result"),
		}
		if len(rec) != len(header) {
			row.Status, row.Problem = RowInvalid, fmt.Sprintf("has %d fields; the header has %d", len(rec), len(header))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("%w: no rows after the header", ErrInvalidBatch)
	}
	return rows, ignored, nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// batchKey identifies an offer for the repeat checks.
func batchKey(conn, achievement, date, result string) string {
	return strings.Join([]string{conn, achievement, date, result}, "\x00")
}

// IssueBatch offers the rows of a batch file (see ParseBatch) to the
// learners they name. Every row is checked first: the learner must be a
// completed connection (its id, the learner's DID on it, or a DID issued
// to on it), the achievement in the catalogue, the date a past or present
// day, the result a short text; a row may not repeat another. Rows that an
// earlier offer already covers (same connection, achievement, date and
// result) are not sent again, so a corrected file can be sent again. When
// a row is invalid nothing is sent unless o.SkipInvalid. The report has
// one entry per row; the error is for the file as a whole
// (ErrInvalidBatch) or the issuer's records.
func (is *Issuer) IssueBatch(r io.Reader, o BatchOptions) (*BatchReport, error) {
	return is.issueBatch(context.Background(), r, o)
}

// issueBatch is IssueBatch; once ctx ends, the rows not yet sent are
// reported failed.
func (is *Issuer) issueBatch(ctx context.Context, r io.Reader, o BatchOptions) (*BatchReport, error) {
	if is.isClosed() {
		return nil, fmt.Errorf("issue batch: %w", ErrClosed)
	}
	rows, ignored, err := ParseBatch(r)
	if err != nil {
		return nil, err
	}
	conns, err := is.Connections()
	if err != nil {
		return nil, fmt.Errorf("issue batch: %w", err)
	}
	earlier, err := is.Offers()
	if err != nil {
		return nil, fmt.Errorf("issue batch: %w", err)
	}
	offered := map[string]string{}
	for _, of := range earlier {
		offered[batchKey(of.ConnectionID, of.AchievementID, of.Date, of.Result)] = of.ID
	}
	now := is.opts.Now()
	seen := map[string]int{}
	opts := make([]OfferOptions, len(rows))
	invalid := 0
	for i := range rows {
		row := &rows[i]
		if row.Status == "" {
			opts[i], row.Problem = is.checkRow(row, conns, now)
			if row.Problem == "" {
				key := batchKey(row.Connection, row.Achievement, row.Date, row.Result)
				if first, dup := seen[key]; dup {
					row.Problem = fmt.Sprintf("repeats line %d", first)
				} else {
					seen[key] = row.Line
					if id, ok := offered[key]; ok {
						row.Status, row.OfferID = RowAlreadyOffered, id
					}
				}
			}
			if row.Problem != "" {
				row.Status = RowInvalid
			}
		}
		if row.Status == RowInvalid {
			invalid++
		}
	}
	report := &BatchReport{Rows: rows, Ignored: ignored}
	if invalid > 0 && !o.SkipInvalid {
		for i := range rows {
			if rows[i].Status == "" {
				rows[i].Status = RowNotSent
			}
		}
		return report, nil
	}
	for i := range rows {
		row := &rows[i]
		if row.Status != "" {
			continue
		}
		if ctx.Err() != nil {
			row.Status, row.Problem = RowFailed, "not sent: the issuer is stopping"
			continue
		}
		a := is.opts.Catalog.Achievement(row.Achievement)
		piid, err := is.send(row.Connection, a, opts[i])
		if err != nil {
			row.Status, row.Problem = RowFailed, err.Error()
			continue
		}
		row.Status, row.OfferID = RowOffered, piid
	}
	return report, nil
}

// checkRow checks one row against the connections and the catalogue and
// returns its offer options, or a problem in plain words.
func (is *Issuer) checkRow(row *BatchRow, conns []Connection, now time.Time) (OfferOptions, string) {
	var problems []string
	if row.Learner == "" {
		problems = append(problems, "the learner is empty")
	} else if c, err := resolveLearner(conns, row.Learner); err != nil {
		problems = append(problems, strings.TrimPrefix(err.Error(), "offer: "))
	} else {
		row.Connection = c.ID
	}
	switch {
	case row.Achievement == "":
		problems = append(problems, "the achievement is empty")
	case is.opts.Catalog.Achievement(row.Achievement) == nil:
		problems = append(problems, fmt.Sprintf("the achievement %q is not in the catalogue", row.Achievement))
	}
	o := OfferOptions{Result: row.Result}
	if row.Date == "" {
		problems = append(problems, "the date is empty (want YYYY-MM-DD)")
	} else if d, err := time.Parse(time.DateOnly, row.Date); err != nil {
		problems = append(problems, fmt.Sprintf("the date %q is not YYYY-MM-DD", row.Date))
	} else {
		o.Date = d
	}
	if err := o.check(now); err != nil {
		problems = append(problems, strings.TrimPrefix(err.Error(), ErrBadOffer.Error()+": "))
	}
	return o, strings.Join(problems, "; ")
}
