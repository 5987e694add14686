package capacity

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/sheet"
	"servicebook/store"
)

// Store keeps capacity resources and their usage samples.
type Store struct {
	db   *store.DB
	cmdb *cmdb.Store
}

// NewStore opens the capacity records of db.
func NewStore(db *store.DB, cm *cmdb.Store) *Store { return &Store{db: db, cmdb: cm} }

const resourceColumns = `r.id, c.ref, c.name, r.metric, r.unit, r.name, r.capacity, r.warning, r.critical,
	r.buffer_pct, r.ha_reserve FROM capacity_resource r JOIN ci c ON c.id = r.ci_id `

func scanResource(row interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	err := row.Scan(&r.ID, &r.CIRef, &r.CIName, &r.Metric, &r.Unit, &r.Name, &r.Capacity, &r.Warning, &r.Critical,
		&r.BufferPct, &r.HAReserve)
	return r, err
}

// Resources lists every resource, by CI and metric.
func (s *Store) Resources(ctx context.Context) ([]Resource, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+resourceColumns+"ORDER BY r.ci_id, r.metric")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Resource finds a resource by its name.
func (s *Store) Resource(ctx context.Context, name string) (Resource, error) {
	r, err := scanResource(s.db.QueryRowContext(ctx, "SELECT "+resourceColumns+"WHERE r.name = ?", strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.Errorf(store.ENotFound, "There is no resource named %q; `capacity resource list` shows them.", name)
	}
	return r, err
}

// Samples returns a resource's samples, oldest first.
func (s *Store) Samples(ctx context.Context, resourceID int64) ([]Sample, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT at, value FROM capacity_sample WHERE resource_id = ? ORDER BY at", resourceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Sample
	for rows.Next() {
		var at int64
		var v float64
		if err := rows.Scan(&at, &v); err != nil {
			return nil, err
		}
		out = append(out, Sample{At: time.Unix(at, 0).UTC(), Value: v})
	}
	return out, rows.Err()
}

// SampleImportOptions says how to read a samples file.
type SampleImportOptions struct {
	DryRun bool
	Zone   *time.Location // for times without a zone; UTC when nil
	// Ignore names, by header, columns the person leaves out on purpose
	// (Zabbix' ns); any other column with values the layout has no place
	// for refuses the file.
	Ignore []string
	// Mapping names columns whose headers are not recognised (field key →
	// header): time, resource, value.
	Mapping map[string]string
}

// SampleImportResult is what a samples import found and did.
type SampleImportResult struct {
	File      string
	DryRun    bool
	Wide      bool
	New       int            // samples added
	Unchanged int            // samples the database already had, with the same value
	ByName    map[string]int // new samples per resource
	Ignored   []string       // columns with values left out as the person asked (Ignore)
	Problems  []sheet.CellError
}

// ImportSamples reads a samples file (CSV or XLSX, every sheet) and adds
// its samples, all or nothing. A sample at a time the resource already
// has is unchanged if its value is the same and refused if it differs:
// measurements are evidence, and a second reading is not taken silently.
func (s *Store) ImportSamples(ctx context.Context, path string, opt SampleImportOptions) (SampleImportResult, error) {
	loc := opt.Zone
	if loc == nil {
		loc = time.UTC
	}
	res := SampleImportResult{File: path, DryRun: opt.DryRun, ByName: map[string]int{}}
	for key := range opt.Mapping {
		if !slices.ContainsFunc(SampleFields, func(f sheet.Field) bool { return f.Key == key }) {
			return res, store.Errorf(store.EInvalid, "%q is not a column of a samples file; map time, resource or value.", key)
		}
	}
	book, err := sheet.ReadFile(path, sheet.DefaultLimits)
	if err != nil {
		return res, err
	}
	res.File = book.File
	resources, err := s.Resources(ctx)
	if err != nil {
		return res, err
	}
	byName := map[string]Resource{}
	for _, r := range resources {
		byName[r.Name] = r
	}
	// The samples, kept in a slice and sorted into key order (resource,
	// time): a second reading of the same sample in the file sits next to
	// the first, and the inserts go in the order of the table's B-tree.
	type entry struct {
		id, at int64
		value  float64
		sheet  string
		row    int
	}
	var entries []entry
	for _, t := range book.Sheets {
		got := ReadSamplesMapped(book.File, t, loc, opt.Mapping)
		res.Wide = res.Wide || got.Wide
		res.Problems = append(res.Problems, got.Problems...)
		for _, at := range got.IgnoredAt {
			if slices.ContainsFunc(opt.Ignore, func(name string) bool { return strings.EqualFold(strings.TrimSpace(name), at.Column) }) {
				res.Ignored = append(res.Ignored, at.Column)
				continue
			}
			at.Reason += fmt.Sprintf("; leave it out on purpose with --ignore %q (the import wizard: Ignore)", at.Column)
			res.Problems = append(res.Problems, at)
		}
		if entries == nil {
			entries = make([]entry, 0, len(got.Samples))
		}
		for _, rs := range got.Samples {
			r, ok := byName[rs.Resource]
			if !ok {
				res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: t.Name, Row: rs.Row,
					Reason: fmt.Sprintf("no resource is named %q; add it with `capacity resource add`", rs.Resource)})
				continue
			}
			entries = append(entries, entry{r.ID, rs.At.Unix(), rs.Value, t.Name, rs.Row})
		}
	}
	// Stable: of two readings of one sample, the first in the file stays.
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.at, b.at)) })
	names := map[int64]string{}
	for _, r := range resources {
		names[r.ID] = r.Name
	}
	kept := entries[:0]
	for _, e := range entries {
		if n := len(kept); n > 0 && kept[n-1].id == e.id && kept[n-1].at == e.at {
			if first := kept[n-1]; first.value != e.value {
				res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: e.sheet, Row: e.row,
					Reason: fmt.Sprintf("%s at %s is %g here and %g in row %d", names[e.id], time.Unix(e.at, 0).UTC().Format(time.RFC3339), e.value, first.value, first.row)})
			}
			continue
		}
		kept = append(kept, e)
	}
	entries = kept
	if len(res.Problems) > 0 {
		return res, refused(res)
	}
	err = s.db.LoggedTxOrRehearse(store.WithSource(ctx, filepath.Base(path)), opt.DryRun, func(tx *sql.Tx, log *store.ChangeWriter) error {
		// A sample is inserted unless the resource has one at that time;
		// only then is the stored value read, to compare. A first import
		// costs one statement a sample, as a bare insert does.
		insert, err := tx.PrepareContext(ctx, "INSERT INTO capacity_sample (resource_id, at, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
		if err != nil {
			return err
		}
		defer insert.Close()
		existing, err := tx.PrepareContext(ctx, "SELECT value FROM capacity_sample WHERE resource_id = ? AND at = ?")
		if err != nil {
			return err
		}
		defer existing.Close()
		type span struct {
			n        int
			from, to int64
		}
		added := map[int64]*span{}
		for _, e := range entries {
			done, err := insert.ExecContext(ctx, e.id, e.at, e.value)
			if err != nil {
				return err
			}
			if n, _ := done.RowsAffected(); n == 0 {
				var old float64
				if err := existing.QueryRowContext(ctx, e.id, e.at).Scan(&old); err != nil {
					return err
				}
				if old == e.value {
					res.Unchanged++
					continue
				}
				res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: e.sheet, Row: e.row,
					Reason: fmt.Sprintf("%s at %s is %g here; the database has %g", names[e.id], time.Unix(e.at, 0).UTC().Format(time.RFC3339), e.value, old)})
				continue
			}
			res.New++
			res.ByName[names[e.id]]++
			sp := added[e.id]
			if sp == nil {
				sp = &span{from: e.at}
				added[e.id] = sp
			}
			sp.n, sp.to = sp.n+1, e.at
		}
		if len(res.Problems) > 0 {
			return refused(res)
		}
		for id, sp := range added {
			if err := log.Add(ctx, "capacity_resource", id, "samples", "", fmt.Sprintf("%d samples, %s to %s",
				sp.n, time.Unix(sp.from, 0).UTC().Format(time.DateOnly), time.Unix(sp.to, 0).UTC().Format(time.DateOnly))); err != nil {
				return err
			}
			if err := forgetStatuses(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// AddSamples records samples of a resource entered by hand (or made by
// the demo): a sample at a time the resource already has must have the
// same value, or nothing is added. It returns how many were new.
func (s *Store) AddSamples(ctx context.Context, name string, samples []Sample) (int, error) {
	r, err := s.Resource(ctx, name)
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		insert, err := tx.PrepareContext(ctx, `INSERT INTO capacity_sample (resource_id, at, value) VALUES (?, ?, ?)
			ON CONFLICT (resource_id, at) DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		var first, last time.Time
		for _, smp := range samples {
			if math.IsNaN(smp.Value) || math.IsInf(smp.Value, 0) {
				return store.Errorf(store.EInvalid, "The sample at %s is not a number.", smp.At.Format(time.RFC3339))
			}
			res, err := insert.ExecContext(ctx, r.ID, smp.At.Unix(), smp.Value)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				var old float64
				if err := tx.QueryRowContext(ctx, "SELECT value FROM capacity_sample WHERE resource_id = ? AND at = ?", r.ID, smp.At.Unix()).Scan(&old); err != nil {
					return err
				}
				if old != smp.Value {
					return store.Errorf(store.EInvalid, "%s already has %g at %s, not %g.", r.Name, old, smp.At.UTC().Format(time.RFC3339), smp.Value)
				}
				continue
			}
			if added == 0 || smp.At.Before(first) {
				first = smp.At
			}
			if smp.At.After(last) {
				last = smp.At
			}
			added++
		}
		if added == 0 {
			return nil
		}
		if err := forgetStatuses(ctx, tx, r.ID); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_resource", r.ID, "samples", "", fmt.Sprintf("%d samples, %s to %s",
			added, first.UTC().Format(time.DateOnly), last.UTC().Format(time.DateOnly)))
	})
	return added, err
}

func refused(r SampleImportResult) error {
	msg := store.M(cmdb.MsgRefused, "File", r.File, "Count", len(r.Problems))
	return &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
}

// SampleSpan is what a resource's samples cover: how many, from when to
// when, and the latest value.
type SampleSpan struct {
	Count       int
	First, Last time.Time
	Latest      float64
}

// SampleSpans is every resource's SampleSpan, by resource id, in one
// query: a list of resources shows them without reading the samples.
func (s *Store) SampleSpans(ctx context.Context) (map[int64]SampleSpan, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT resource_id, count(*), min(at), max(at),
		(SELECT value FROM capacity_sample l WHERE l.resource_id = s.resource_id ORDER BY at DESC LIMIT 1)
		FROM capacity_sample s GROUP BY resource_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]SampleSpan{}
	for rows.Next() {
		var id, first, last int64
		var sp SampleSpan
		if err := rows.Scan(&id, &sp.Count, &first, &last, &sp.Latest); err != nil {
			return nil, err
		}
		sp.First, sp.Last = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
		out[id] = sp
	}
	return out, rows.Err()
}
