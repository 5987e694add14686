package cmdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"servicebook/store"
)

// Baseline is a named, frozen copy of every CI and relation, taken before a
// release or change so that the CMDB can later be compared with it.
type Baseline struct {
	ID            int64
	Name          string
	Note          string
	TakenAt       time.Time
	TakenBy       string
	CICount       int
	RelationCount int
}

// TakeBaseline freezes the current CMDB under a new name.
func (s *Store) TakeBaseline(ctx context.Context, name, note string) (Baseline, error) {
	var b Baseline
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var err error
		b, err = s.takeBaseline(ctx, tx, log, name, note)
		return err
	})
	return b, err
}

// takeBaseline freezes the CMDB inside tx, so that a configuration audit's
// baseline and the audit itself are written together.
func (s *Store) takeBaseline(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, name, note string) (Baseline, error) {
	b := Baseline{Name: strings.TrimSpace(name), Note: note, TakenBy: s.db.User}
	if b.Name == "" {
		return b, store.Invalid([]store.FieldProblem{{Field: "name", Message: "a baseline needs a name"}})
	}
	b.TakenAt, _ = time.Parse(time.RFC3339, log.At())
	var err error
	b.ID, err = store.InsertID(ctx, tx, "INSERT INTO baseline (name, note, taken_at, taken_by) VALUES (?, ?, ?, ?)",
		b.Name, b.Note, log.At(), b.TakenBy)
	if err != nil {
		if store.ErrorCode(store.MapError(err)) == store.EConflict {
			return b, store.Errorf(store.EConflict, "A baseline named %q already exists; choose another name.", b.Name)
		}
		return b, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO baseline_ci (baseline_id, ci_id, ref, type_key, name, description, status,
		criticality, owner, location, version, attributes)
		SELECT ?, ci.id, ci.ref, t.key, ci.name, ci.description, ci.status, ci.criticality, ci.owner, ci.location,
		       ci.version, ci.attributes
		FROM ci JOIN ci_type t ON t.id = ci.type_id`, b.ID)
	if err != nil {
		return b, err
	}
	n, _ := res.RowsAffected()
	b.CICount = int(n)
	res, err = tx.ExecContext(ctx, `INSERT INTO baseline_relation (baseline_id, from_id, kind, to_id, redundancy_group)
		SELECT ?, from_id, kind, to_id, redundancy_group FROM relation`, b.ID)
	if err != nil {
		return b, err
	}
	n, _ = res.RowsAffected()
	b.RelationCount = int(n)
	return b, log.Add(ctx, "baseline", b.ID, "created", "", fmt.Sprintf("%s: %d CIs, %d relations", b.Name, b.CICount, b.RelationCount))
}

// Baselines lists the baselines, newest first.
func (s *Store) Baselines(ctx context.Context) ([]Baseline, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, b.name, b.note, b.taken_at, b.taken_by,
		(SELECT count(*) FROM baseline_ci c WHERE c.baseline_id = b.id),
		(SELECT count(*) FROM baseline_relation r WHERE r.baseline_id = b.id)
		FROM baseline b ORDER BY b.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Baseline
	for rows.Next() {
		var b Baseline
		var at string
		if err := rows.Scan(&b.ID, &b.Name, &b.Note, &at, &b.TakenBy, &b.CICount, &b.RelationCount); err != nil {
			return nil, err
		}
		b.TakenAt, _ = time.Parse(time.RFC3339, at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Snapshot is the CMDB at one moment: CIs and relations keyed by CI id.
type Snapshot struct {
	CIs       map[int64]CI
	Relations map[RelationKey]string // -> redundancy group
}

// RelationKey identifies a relation by its two CIs and its kind.
type RelationKey struct {
	From, To int64
	Kind     Kind
}

// snapshot loads a baseline by name, or today's CMDB for "".
func (s *Store) snapshot(ctx context.Context, name string) (Snapshot, error) {
	snap := Snapshot{CIs: map[int64]CI{}, Relations: map[RelationKey]string{}}
	var ciQuery, relQuery string
	var args []any
	if name == "" {
		ciQuery = `SELECT ci.id, ci.ref, t.key, ci.name, ci.description, ci.status, ci.criticality, ci.owner, ci.location,
			ci.version, ci.attributes FROM ci JOIN ci_type t ON t.id = ci.type_id`
		relQuery = `SELECT from_id, kind, to_id, redundancy_group FROM relation`
	} else {
		var id int64
		err := s.db.QueryRowContext(ctx, "SELECT id FROM baseline WHERE name = ?", name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return snap, store.Errorf(store.ENotFound, "There is no baseline named %q.", name)
		}
		if err != nil {
			return snap, err
		}
		ciQuery = `SELECT ci_id, ref, type_key, name, description, status, criticality, owner, location, version, attributes
			FROM baseline_ci WHERE baseline_id = ?`
		relQuery = `SELECT from_id, kind, to_id, redundancy_group FROM baseline_relation WHERE baseline_id = ?`
		args = []any{id}
	}
	rows, err := s.db.QueryContext(ctx, ciQuery, args...)
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	for rows.Next() {
		var c CI
		// Attributes stay as JSON text until a CI differs: unmarshalling
		// 200k objects would cost more than the whole comparison.
		var attrs string
		if err := rows.Scan(&c.ID, &c.Ref, &c.TypeKey, &c.Name, &c.Description, &c.Status, &c.Criticality, &c.Owner,
			&c.Location, &c.Version, &attrs); err != nil {
			return snap, err
		}
		c.Attributes = map[string]string{rawAttributes: attrs}
		snap.CIs[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return snap, err
	}
	rrows, err := s.db.QueryContext(ctx, relQuery, args...)
	if err != nil {
		return snap, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var k RelationKey
		var group string
		if err := rrows.Scan(&k.From, &k.Kind, &k.To, &group); err != nil {
			return snap, err
		}
		snap.Relations[k] = group
	}
	return snap, rrows.Err()
}

// rawAttributes marks a snapshot CI whose attributes are still JSON text.
const rawAttributes = "\x00json"

func decodeAttributes(c CI) CI {
	raw, ok := c.Attributes[rawAttributes]
	if !ok {
		return c
	}
	c.Attributes = nil
	json.Unmarshal([]byte(raw), &c.Attributes)
	return c
}

// CIDiff is one CI that exists on both sides of a comparison but differs.
type CIDiff struct {
	Ref     string
	Name    string
	Changes []FieldChange
}

// Diff is the difference between two snapshots of the CMDB.
type Diff struct {
	FromName, ToName                 string // baseline names; "" is today
	Added, Removed                   []CI
	Changed                          []CIDiff
	RelationsAdded, RelationsRemoved []Relation
	RelationsRegrouped               []FieldChange // Field is the relation; Old/New its redundancy group
}

// Empty reports whether the two sides are the same.
func (d Diff) Empty() bool {
	return len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.RelationsAdded)+len(d.RelationsRemoved)+len(d.RelationsRegrouped) == 0
}

// Compare returns what changed from a to b, sorted by reference.
func Compare(a, b Snapshot) Diff {
	var d Diff
	for id, old := range a.CIs {
		cur, ok := b.CIs[id]
		if !ok {
			d.Removed = append(d.Removed, decodeAttributes(old))
			continue
		}
		if sameCI(old, cur) {
			continue
		}
		if changes := FieldChanges(decodeAttributes(old), decodeAttributes(cur)); len(changes) > 0 {
			d.Changed = append(d.Changed, CIDiff{Ref: cur.Ref, Name: cur.Name, Changes: changes})
		}
	}
	for id, cur := range b.CIs {
		if _, ok := a.CIs[id]; !ok {
			d.Added = append(d.Added, decodeAttributes(cur))
		}
	}
	// A relation's references come from whichever side still has its CIs.
	ref := func(id int64) string {
		if c, ok := b.CIs[id]; ok {
			return c.Ref
		}
		return a.CIs[id].Ref
	}
	relation := func(k RelationKey, group string) Relation {
		return Relation{FromID: k.From, FromRef: ref(k.From), Kind: k.Kind, ToID: k.To, ToRef: ref(k.To), Group: group}
	}
	for k, oldGroup := range a.Relations {
		curGroup, ok := b.Relations[k]
		switch {
		case !ok:
			d.RelationsRemoved = append(d.RelationsRemoved, relation(k, oldGroup))
		case curGroup != oldGroup:
			d.RelationsRegrouped = append(d.RelationsRegrouped, FieldChange{Field: relation(k, "").describeKey(), Old: oldGroup, New: curGroup})
		}
	}
	for k, group := range b.Relations {
		if _, ok := a.Relations[k]; !ok {
			d.RelationsAdded = append(d.RelationsAdded, relation(k, group))
		}
	}
	byRef := func(cis []CI) { sort.Slice(cis, func(i, j int) bool { return cis[i].Ref < cis[j].Ref }) }
	byRel := func(rs []Relation) {
		sort.Slice(rs, func(i, j int) bool { return relationKey(rs[i]) < relationKey(rs[j]) })
	}
	byRef(d.Added)
	byRef(d.Removed)
	sort.Slice(d.Changed, func(i, j int) bool { return d.Changed[i].Ref < d.Changed[j].Ref })
	byRel(d.RelationsAdded)
	byRel(d.RelationsRemoved)
	sort.Slice(d.RelationsRegrouped, func(i, j int) bool { return d.RelationsRegrouped[i].Field < d.RelationsRegrouped[j].Field })
	return d
}

// sameCI compares two snapshot CIs field by field without decoding their
// attributes, which is the common case by far.
func sameCI(a, b CI) bool {
	return a.Ref == b.Ref && a.TypeKey == b.TypeKey && a.Name == b.Name && a.Description == b.Description &&
		a.Status == b.Status && a.Criticality == b.Criticality && a.Owner == b.Owner && a.Location == b.Location &&
		a.Version == b.Version && a.Attributes[rawAttributes] == b.Attributes[rawAttributes]
}

func relationKey(r Relation) string { return r.FromRef + " " + string(r.Kind) + " " + r.ToRef }

func (r Relation) describeKey() string { return r.FromRef + " " + r.Kind.Label() + " " + r.ToRef }

// DiffBaselines compares baseline from with baseline to, or with today's
// CMDB when to is "".
func (s *Store) DiffBaselines(ctx context.Context, from, to string) (Diff, error) {
	a, err := s.snapshot(ctx, from)
	if err != nil {
		return Diff{}, err
	}
	b, err := s.snapshot(ctx, to)
	if err != nil {
		return Diff{}, err
	}
	d := Compare(a, b)
	d.FromName, d.ToName = from, to
	return d, nil
}

// DeleteBaseline deletes a baseline and its frozen copy; the change log
// keeps when it was taken and what it held. Returns ENOTFOUND.
func (s *Store) DeleteBaseline(ctx context.Context, name string) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var id int64
		var takenAt, takenBy string
		var cis, rels int
		err := tx.QueryRowContext(ctx, `SELECT id, taken_at, taken_by, (SELECT count(*) FROM baseline_ci WHERE baseline_id = b.id),
			(SELECT count(*) FROM baseline_relation WHERE baseline_id = b.id) FROM baseline b WHERE name = ?`,
			strings.TrimSpace(name)).Scan(&id, &takenAt, &takenBy, &cis, &rels)
		if err == sql.ErrNoRows {
			return store.Errorf(store.ENotFound, "There is no baseline named %q.", name)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM baseline WHERE id = ?", id); err != nil {
			return err
		}
		return log.Add(ctx, "baseline", id, "deleted", fmt.Sprintf("%s: taken %s by %s, %d CIs, %d relations", name, takenAt, takenBy, cis, rels), "")
	})
}
