package cmdb

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"servicebook/store"
)

// A desktop keeps the relation graph in memory for impact analysis. When
// another desktop (or a command) changes relations, the graph catches up
// from the change log rather than being read again: the entries since the
// last relation change it reflects name the CIs whose relations changed,
// and only those CIs' relations are read (a handful of rows, where the
// whole graph of a 100k-CI CMDB is 490k relations).
//
// That is sound because relation changes reach the change log one
// transaction after another: each takes the relation_rev counter's row
// lock before logging any relation change and holds it until it ends
// (bumpRelationRev), so a relation change not yet committed is logged
// after every committed one. Catching up is also repeatable: it reads the
// CIs' relations as they are now, so an entry applied twice (a desktop's
// own write, or one read with the graph) changes nothing.

// relationEntries is the change-log condition for an entry of a relation
// change: its creation or removal, or a change of its redundancy group
// (relationWriter.create, deleteRelation, regroup), logged on both CIs.
// The entity is compared as an expression (joined to an empty text) so
// that neither database walks its index of entities (every CI's entries,
// a million at 100k CIs: 130 ms) instead of the ids after the one given
// (a handful).
const relationEntries = `entity || '' = 'ci' AND (field = 'relation' OR field LIKE 'relation group:%')`

// catchUpLimit is how many CIs' relations catching up reads at most; an
// import that changed more is read with the whole graph (a snapshot).
const catchUpLimit = 2000

// lookBack is how far back in the change log lastRelationEntry looks for
// the last relation change. Further back it answers "not known" (-1) and
// the graph is read whole on the next relation change, as before: that
// read then finds the change within reach.
const lookBack = 50_000

// lastRelationEntry is the change-log id of the last committed entry of a
// relation change, or -1 when there is none within lookBack entries of the
// end of the log (or it cannot be read).
func (s *Store) lastRelationEntry(ctx context.Context) int64 {
	var last int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&last); err != nil {
		return -1
	}
	if last == 0 {
		return 0 // an empty log: every relation change is still to come
	}
	var id int64
	err := s.db.QueryRowContext(ctx, "SELECT id FROM change_log WHERE id > ? AND "+relationEntries+" ORDER BY id DESC LIMIT 1",
		last-lookBack).Scan(&id)
	switch {
	case err == nil:
		return id
	case errors.Is(err, sql.ErrNoRows) && last <= lookBack:
		return 0 // the whole log read: no relation has changed yet
	default:
		return -1 // none within reach (or unreadable): not known
	}
}

// catchUpGraph brings the in-memory graph from s.graphRev to rev from the
// change log. It reports false when it cannot (too many CIs changed, the
// log does not account for the change) and the graph must be read whole.
// The caller holds s.mu.
func (s *Store) catchUpGraph(ctx context.Context, rev int64) (bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, entity_id FROM change_log WHERE id > ? AND "+relationEntries+" ORDER BY id", s.graphLog)
	if err != nil {
		return false, store.MapError(err)
	}
	last := s.graphLog
	touched := map[int64]bool{}
	for rows.Next() && len(touched) <= catchUpLimit {
		var id, ci int64
		if err := rows.Scan(&id, &ci); err != nil {
			rows.Close()
			return false, store.MapError(err)
		}
		last, touched[ci] = id, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, store.MapError(err)
	}
	// No entry for a newer revision: the database was replaced under the
	// desktop (migrate --replace), or written by a build that did not log.
	if len(touched) == 0 || len(touched) > catchUpLimit {
		return false, nil
	}
	ids := make([]int64, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	// The CIs' relations as they are now: at least as new as the entries
	// just read, which were read after rev.
	rels, err := s.relationsTouching(ctx, ids)
	if err != nil {
		return false, err
	}
	s.graph.Replace(ids, rels)
	s.graphRev, s.graphLog = rev, last
	return true, nil
}

// relationsTouching reads every relation from or to the CIs ids.
func (s *Store) relationsTouching(ctx context.Context, ids []int64) ([]Relation, error) {
	list, _ := idList(ids)
	in := s.db.Dialect.InIDs()
	// Two lookups, one by each end's index (asked with OR, PostgreSQL read
	// all 490k relations: 97 ms); UNION counts a relation between two of
	// the CIs once.
	const columns = "SELECT id, from_id, kind, to_id, redundancy_group FROM relation WHERE "
	rows, err := s.db.QueryContext(ctx, columns+"from_id "+in+" UNION "+columns+"to_id "+in, list, list)
	if err != nil {
		return nil, store.MapError(err)
	}
	defer rows.Close()
	var rels []Relation
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.ID, &r.FromID, &r.Kind, &r.ToID, &r.Group); err != nil {
			return nil, store.MapError(err)
		}
		rels = append(rels, r)
	}
	return rels, store.MapError(rows.Err())
}
