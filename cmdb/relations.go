package cmdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"servicebook/store"
)

func queryRelations(ctx context.Context, q querier, where string, args ...any) ([]Relation, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.from_id, f.ref, r.kind, r.to_id, t.ref, r.redundancy_group
		FROM relation r JOIN ci f ON f.id = r.from_id JOIN ci t ON t.id = r.to_id `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Relation
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.ID, &r.FromID, &r.FromRef, &r.Kind, &r.ToID, &r.ToRef, &r.Group); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Relations returns every relation of the CI, in either direction.
func (s *Store) Relations(ctx context.Context, ref string) ([]Relation, error) {
	ci, err := s.CI(ctx, ref)
	if err != nil {
		return nil, err
	}
	return queryRelations(ctx, s.db.DB, "WHERE r.from_id = ? OR r.to_id = ?", ci.ID, ci.ID)
}

// RelationsOf returns every relation of each CI in ids, in either
// direction, keyed by CI id: one query per 400 CIs rather than one per CI,
// for printing the relations of thousands of CIs.
func (s *Store) RelationsOf(ctx context.Context, ids []int64) (map[int64][]Relation, error) {
	const chunk = 400 // two lists of parameters, far below SQLite's limit
	return s.relationsOf(ctx, ids, chunk)
}

func (s *Store) relationsOf(ctx context.Context, ids []int64, chunk int) (map[int64][]Relation, error) {
	out := make(map[int64][]Relation, len(ids))
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	seen := map[int64]bool{}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, 0, 2*len(part))
		for _, id := range part {
			args = append(args, id)
		}
		args = append(args, args...)
		marks := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		rels, err := queryRelations(ctx, s.db.DB, "WHERE r.from_id IN ("+marks+") OR r.to_id IN ("+marks+")", args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			// A relation between CIs of two chunks comes back with each;
			// both its ends were filed the first time.
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			if want[r.FromID] {
				out[r.FromID] = append(out[r.FromID], r)
			}
			if want[r.ToID] && r.ToID != r.FromID {
				out[r.ToID] = append(out[r.ToID], r)
			}
		}
	}
	for _, rels := range out {
		sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	}
	return out, nil
}

// describe reads a relation as a sentence for the change log.
func (r Relation) describe() string {
	text := r.FromRef + " " + r.Kind.Label() + " " + r.ToRef
	if r.Group != "" {
		text += " (redundancy group " + r.Group + ")"
	}
	return text
}

// relationWriter writes relations and their change-log entries, under both
// CIs, so that each CI's history shows the relations it gained and lost.
type relationWriter struct {
	insert *sql.Stmt
	log    *store.ChangeWriter
}

func newRelationWriter(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter) (*relationWriter, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO relation (from_id, kind, to_id, redundancy_group, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return nil, err
	}
	return &relationWriter{insert: stmt, log: log}, nil
}

func (w *relationWriter) close() { w.insert.Close() }

func (w *relationWriter) create(ctx context.Context, r Relation) (Relation, error) {
	if err := w.insert.QueryRowContext(ctx, r.FromID, string(r.Kind), r.ToID, r.Group, w.log.At()).Scan(&r.ID); err != nil {
		if store.ErrorCode(store.MapError(err)) == store.EConflict {
			return r, store.Errorf(store.EConflict, "%s already exists.", r.describe())
		}
		return r, err
	}
	if err := w.log.Add(ctx, "ci", r.FromID, "relation", "", r.describe()); err != nil {
		return r, err
	}
	return r, w.log.Add(ctx, "ci", r.ToID, "relation", "", r.describe())
}

func deleteRelation(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, r Relation) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM relation WHERE id = ?", r.ID); err != nil {
		return err
	}
	if err := log.Add(ctx, "ci", r.FromID, "relation", r.describe(), ""); err != nil {
		return err
	}
	return log.Add(ctx, "ci", r.ToID, "relation", r.describe(), "")
}

// bumpRelationRev records in the database that relations changed, and
// returns the new revision. A transaction calls it before it logs any
// relation change: the counter's row stays locked until the transaction
// ends, so relation changes are logged one transaction after another, in
// the order they commit, which is what lets a graph catch up from the
// change log (graphrefresh.go) on a server, where transactions write side
// by side.
func bumpRelationRev(ctx context.Context, tx *sql.Tx) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, "UPDATE ref_counter SET last = last + 1 WHERE name = 'relation_rev' RETURNING last").Scan(&rev)
	return rev, err
}

// Relate records "from KIND to", optionally in a redundancy group. A CI
// cannot relate to itself and the same relation cannot exist twice.
func (s *Store) Relate(ctx context.Context, fromRef string, kind Kind, toRef, group string) (Relation, error) {
	r := Relation{Kind: kind, Group: strings.TrimSpace(group)}
	if _, ok := kindWords[kind]; !ok {
		return r, store.Errorf(store.EInvalid, "%q is not a relation kind.", kind)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		from, err := getCI(ctx, tx, fromRef)
		if err != nil {
			return err
		}
		to, err := getCI(ctx, tx, toRef)
		if err != nil {
			return err
		}
		if from.ID == to.ID {
			return store.Errorf(store.EInvalid, "A CI cannot relate to itself (%s).", from.Ref)
		}
		r.FromID, r.FromRef, r.ToID, r.ToRef = from.ID, from.Ref, to.ID, to.Ref
		if _, err := bumpRelationRev(ctx, tx); err != nil {
			return err
		}
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		w, err := newRelationWriter(ctx, tx, log)
		if err != nil {
			return err
		}
		defer w.close()
		r, err = w.create(ctx, r)
		return err
	})
	if err != nil {
		return r, err
	}
	s.afterRelationWrite(ctx, []Relation{r}, nil)
	return r, nil
}

// Unrelate removes the relation "from KIND to". Returns ENOTFOUND if there
// is no such relation.
func (s *Store) Unrelate(ctx context.Context, fromRef string, kind Kind, toRef string) error {
	var removed Relation
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		rels, err := queryRelations(ctx, tx, "WHERE f.ref = ? AND r.kind = ? AND t.ref = ?",
			NormalizeRef(fromRef), string(kind), NormalizeRef(toRef))
		if err != nil {
			return err
		}
		if len(rels) == 0 {
			return store.Errorf(store.ENotFound, "There is no relation %s %s %s.", NormalizeRef(fromRef), kind.Label(), NormalizeRef(toRef))
		}
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		removed = rels[0]
		if _, err := bumpRelationRev(ctx, tx); err != nil {
			return err
		}
		return deleteRelation(ctx, tx, log, removed)
	})
	if err == nil {
		s.afterRelationWrite(ctx, nil, []Relation{removed})
	}
	return err
}

// afterRelationWrite applies a committed write to the in-memory index. If
// another process wrote relations in between, the index catches up from
// the change log on its next use instead (the entries of this write among
// them, applied again, which changes nothing).
func (s *Store) afterRelationWrite(ctx context.Context, added, removed []Relation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.graph == nil {
		return
	}
	var rev int64
	if err := s.db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'relation_rev'").Scan(&rev); err != nil ||
		rev != s.graphRev+1 {
		return // another desktop wrote too: the graph catches up on its next use
	}
	for _, r := range removed {
		s.graph.Remove(r)
	}
	for _, r := range added {
		s.graph.Add(r)
	}
	s.graphRev = rev
}

// Graph returns the relation index, rebuilding it if the database changed
// under it.
func (s *Store) Graph(ctx context.Context) (*Graph, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rev int64
	if err := s.db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'relation_rev'").Scan(&rev); err != nil {
		return nil, err
	}
	if s.graph != nil && rev == s.graphRev {
		return s.graph, nil
	}
	if s.graph != nil && s.graphRev >= 0 && s.graphLog >= 0 && rev > s.graphRev {
		caughtUp, err := s.catchUpGraph(ctx, rev)
		if err != nil {
			return nil, err
		}
		if caughtUp {
			return s.graph, nil
		}
	}
	// Read before the revision and the graph: every relation change logged
	// up to it is in the graph read after (graphrefresh.go).
	lastLogged := s.lastRelationEntry(ctx)
	if err := s.db.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'relation_rev'").Scan(&rev); err != nil {
		return nil, err
	}
	if g := s.readSnapshot(ctx, rev); g != nil {
		s.graph, s.graphRev, s.graphLog = g, rev, lastLogged
		return g, nil
	}
	g, err := s.loadGraph(ctx)
	if err != nil {
		return nil, err
	}
	s.graph, s.graphRev, s.graphLog = g, rev, lastLogged
	s.writeSnapshot(ctx, g, rev)
	return g, nil
}

func (s *Store) loadGraph(ctx context.Context) (*Graph, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT from_id, kind, to_id, redundancy_group FROM relation")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g := NewGraph(nil)
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.FromID, &r.Kind, &r.ToID, &r.Group); err != nil {
			return nil, err
		}
		g.add(r)
	}
	return g, rows.Err()
}

// ImpactItem is one CI in an impact report, with the chain of CIs that
// links it to the CIs the analysis started from. CI holds the fields a
// report lists (reference, type, name, status, criticality, owner,
// location); read the CI for its description and attributes.
type ImpactItem struct {
	CI        CI
	IsService bool
	Depth     int
	Path      []PathStep
}

// PathStep is one link of an impact path: CI reached over Kind (in Group).
type PathStep struct {
	Ref   string
	Name  string
	Kind  Kind
	Group string
}

// ImpactReport is the result of an impact analysis.
type ImpactReport struct {
	Start    []CI
	Upstream bool // true: what is impacted; false: what the start depends on
	// Items holds every service reached and, after them, the other CIs
	// reached, nearest first, up to the limit the analysis was given.
	Items []ImpactItem
	// Total is how many CIs were reached besides the starting ones;
	// TotalServices how many of them are services.
	Total, TotalServices int
	// Exposed is redundancy already lost before the failure analysed (an
	// upstream analysis only): a group whose members are under maintenance
	// or retired, and the members left, now single points of failure.
	Exposed []ExposedGroup
}

// ExposedGroup is an Exposure with its CIs read back.
type ExposedGroup struct {
	Dependent  CI
	Group      string
	Down, Left []CI
}

// Services returns the impacted (or depended-on) services.
func (r ImpactReport) Services() []ImpactItem {
	var out []ImpactItem
	for _, it := range r.Items {
		if it.IsService {
			out = append(out, it)
		}
	}
	return out
}

// Impact analyses the CIs named by refs taken as failed together: with
// upstream true, every CI impacted, up to the business services; with
// upstream false, everything they depend on. Each item carries its depth and
// path. Every service is reported; of the other CIs, the nearest limit are
// (0: all of them). Returns ENOTFOUND if a reference does not exist.
func (s *Store) Impact(ctx context.Context, refs []string, upstream bool, limit int) (ImpactReport, error) {
	rep := ImpactReport{Upstream: upstream}
	if len(refs) == 0 {
		return rep, store.Errorf(store.EInvalid, "Name at least one CI to analyse.")
	}
	var start []int64
	for _, ref := range refs {
		ci, err := s.CI(ctx, ref)
		if err != nil {
			return rep, err
		}
		rep.Start = append(rep.Start, ci)
		start = append(start, ci.ID)
	}
	g, err := s.Graph(ctx)
	if err != nil {
		return rep, err
	}
	var walk *Walk
	if upstream {
		down, err := s.outOfService(ctx)
		if err != nil {
			return rep, err
		}
		walk = g.UpstreamOf(start, down)
	} else {
		walk = g.Downstream(start)
	}
	services, err := s.serviceIDs(ctx)
	if err != nil {
		return rep, err
	}
	// Choose what to detail before reading any CI: reading 100k CIs back
	// costs a second, the walk a hundredth of that.
	var chosen []int64
	others := 0
	for id, depth := range walk.Depths() {
		if depth == 0 {
			continue
		}
		rep.Total++
		switch {
		case services[id]:
			rep.TotalServices++
			chosen = append(chosen, id)
		case limit == 0 || others < limit:
			others++
			chosen = append(chosen, id)
		}
	}
	paths := walk.PathsTo(chosen)
	need := slices.Clone(chosen)
	for _, id := range chosen {
		for _, step := range paths[id] {
			need = append(need, step.ID)
		}
	}
	cis, err := s.ciSummaries(ctx, need)
	if err != nil {
		return rep, err
	}
	if err := s.readExposures(ctx, walk.Exposed(), &rep); err != nil {
		return rep, err
	}
	for _, pass := range []bool{true, false} { // services first
		for _, id := range chosen {
			if services[id] != pass {
				continue
			}
			ci, ok := cis[id]
			if !ok {
				return rep, errors.New("relation index refers to a deleted CI; try again")
			}
			path := paths[id]
			item := ImpactItem{CI: ci, IsService: pass, Depth: len(path) - 1}
			for _, step := range path {
				c, ok := cis[step.ID]
				if !ok {
					return rep, errors.New("relation index refers to a deleted CI; try again")
				}
				item.Path = append(item.Path, PathStep{Ref: c.Ref, Name: c.Name, Kind: step.Kind, Group: step.Group})
			}
			rep.Items = append(rep.Items, item)
		}
	}
	return rep, nil
}

// outOfService returns the CIs that are not in service (under maintenance
// or retired), which impact analysis treats as already down.
func (s *Store) outOfService(ctx context.Context) (map[int64]Status, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, status FROM ci WHERE status IN ('maintenance', 'retired')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Status{}
	for rows.Next() {
		var id int64
		var st Status
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

// readExposures reads back the CIs of the redundancy already lost.
func (s *Store) readExposures(ctx context.Context, exposed []Exposure, rep *ImpactReport) error {
	if len(exposed) == 0 {
		return nil
	}
	var ids []int64
	for _, e := range exposed {
		ids = append(ids, e.DependentID)
		ids = append(ids, e.Down...)
		ids = append(ids, e.Left...)
	}
	cis, err := s.CIsByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, e := range exposed {
		g := ExposedGroup{Dependent: cis[e.DependentID], Group: e.Group}
		for _, id := range e.Down {
			g.Down = append(g.Down, cis[id])
		}
		for _, id := range e.Left {
			g.Left = append(g.Left, cis[id])
		}
		rep.Exposed = append(rep.Exposed, g)
	}
	return nil
}

// serviceIDs returns the ids of every CI whose type is a service.
func (s *Store) serviceIDs(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT ci.id FROM ci JOIN ci_type t ON t.id = ci.type_id WHERE t.is_service = 1")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// PathText renders a path as "CI-000005 ← hosted in ← CI-000004 …".
func PathText(path []PathStep, upstream bool) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 {
			// Arrows point from the CI that relates to the one it relates to, so
			// that the step reads as the relation was recorded. "part of" runs
			// against the flow of impact, hence the flip.
			arrow := " → "
			if upstream != (p.Kind == PartOf) {
				arrow = " ← "
			}
			label := p.Kind.Label()
			if p.Group != "" {
				label += fmt.Sprintf(" [%s]", p.Group)
			}
			b.WriteString(arrow + label + arrow)
		}
		b.WriteString(p.Ref)
	}
	return b.String()
}

// regroup moves an existing relation into another redundancy group.
func (w *relationWriter) regroup(ctx context.Context, tx *sql.Tx, r Relation, group string) error {
	if _, err := tx.ExecContext(ctx, "UPDATE relation SET redundancy_group = ? WHERE id = ?", group, r.ID); err != nil {
		return err
	}
	field := "relation group: " + r.FromRef + " " + r.Kind.Label() + " " + r.ToRef
	if err := w.log.Add(ctx, "ci", r.FromID, field, r.Group, group); err != nil {
		return err
	}
	return w.log.Add(ctx, "ci", r.ToID, field, r.Group, group)
}

// EachRelation calls fn with every relation, in id order, without holding
// them all: for writing the 490k relations of a large CMDB out as they are
// read. The references come from one read of the CIs' references rather
// than from two joins per relation, which costs three times as much.
// A write during the walk waits (SQLite) or is not seen; fn must not
// write.
func (s *Store) EachRelation(ctx context.Context, fn func(Relation) error) error {
	refs := map[int64]string{}
	rows, err := s.db.QueryContext(ctx, "SELECT id, ref FROM ci")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			rows.Close()
			return err
		}
		refs[id] = ref
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.QueryContext(ctx, "SELECT id, from_id, kind, to_id, redundancy_group FROM relation ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.ID, &r.FromID, &r.Kind, &r.ToID, &r.Group); err != nil {
			return err
		}
		r.FromRef, r.ToRef = refs[r.FromID], refs[r.ToID]
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AllRelations returns every relation, for exports and baselines.
func (s *Store) AllRelations(ctx context.Context) ([]Relation, error) {
	return queryRelations(ctx, s.db.DB, "")
}
