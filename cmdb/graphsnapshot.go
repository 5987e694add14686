package cmdb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
)

// A graph snapshot is the Graph in a compact binary form, stored in the
// relation_graph table with the relation_rev it reflects. Both arc lists
// are kept in their order, so that a walk over a graph read from a
// snapshot takes the same paths as over one built from the relations.
//
// Layout (all numbers uvarints unless said):
//
//	version (1)
//	groups: count, then each name (length, bytes), group 0 ("") excluded
//	nodes: count, then each CI id as a zigzag delta from the one before
//	slots: count (slot 0, "no group", excluded)
//	needs: for each node, its arc count, then each arc: node, kind, group,
//	       and for a grouped arc its slot
//	neededBy: the same
const snapshotVersion = 1

// encode writes the graph as a snapshot.
func (g *Graph) encode() []byte {
	g.mu.RLock()
	defer g.mu.RUnlock()
	arcs := 0
	for _, list := range g.needs {
		arcs += len(list)
	}
	buf := make([]byte, 0, 16+len(g.ids)*4+arcs*8)
	buf = binary.AppendUvarint(buf, snapshotVersion)
	buf = binary.AppendUvarint(buf, uint64(len(g.groups)-1))
	for _, name := range g.groups[1:] {
		buf = binary.AppendUvarint(buf, uint64(len(name)))
		buf = append(buf, name...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(g.ids)))
	var last int64
	for _, id := range g.ids {
		buf = binary.AppendVarint(buf, id-last)
		last = id
	}
	buf = binary.AppendUvarint(buf, uint64(len(g.slotSize)-1))
	for _, lists := range [][][]arc{g.needs, g.neededBy} {
		for _, list := range lists {
			buf = binary.AppendUvarint(buf, uint64(len(list)))
			for _, a := range list {
				buf = binary.AppendUvarint(buf, uint64(a.node))
				buf = append(buf, a.kind)
				buf = binary.AppendUvarint(buf, uint64(a.group))
				if a.group != 0 {
					buf = binary.AppendUvarint(buf, uint64(a.slot))
				}
			}
		}
	}
	return buf
}

var errBadSnapshot = errors.New("relation graph snapshot is damaged")

// snapshotReader reads a snapshot's numbers, remembering the first error.
type snapshotReader struct {
	data []byte
	err  error
}

func (r *snapshotReader) uint(limit uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data)
	if n <= 0 || v > limit {
		r.err = errBadSnapshot
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *snapshotReader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.err = errBadSnapshot
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *snapshotReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if uint64(len(r.data)) < n {
		r.err = errBadSnapshot
		return nil
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}

// decodeGraph reads a snapshot back. A damaged or foreign one is an error,
// never a wrong graph: every count and index is checked against what the
// data can hold.
func decodeGraph(data []byte) (*Graph, error) {
	r := &snapshotReader{data: data}
	if v := r.uint(snapshotVersion); r.err != nil || v != snapshotVersion {
		return nil, fmt.Errorf("relation graph snapshot version %d: %w", v, errBadSnapshot)
	}
	g := NewGraph(nil)
	groups := r.uint(uint64(len(data)))
	for i := uint64(0); i < groups && r.err == nil; i++ {
		g.group(string(r.bytes(r.uint(uint64(len(data))))))
		if uint64(len(g.groups)) != i+2 {
			r.err = errBadSnapshot // an empty name, or one given twice
		}
	}
	nodes := r.uint(uint64(len(data)))
	if r.err != nil {
		return nil, r.err
	}
	g.ids = make([]int64, nodes)
	g.needs, g.neededBy = make([][]arc, nodes), make([][]arc, nodes)
	g.index = make(map[int64]int32, nodes)
	var id int64
	for i := range g.ids {
		id += r.int()
		g.ids[i] = id
		g.index[id] = int32(i)
	}
	if len(g.index) != len(g.ids) {
		r.err = errBadSnapshot // the same CI twice
	}
	maxNode, maxGroup := uint64(len(g.ids)-1), uint64(len(g.groups)-1)
	if len(g.ids) == 0 {
		maxNode = 0
	}
	slots := r.uint(uint64(len(data)))
	if r.err != nil {
		return nil, r.err
	}
	g.slotSize = make([]int32, slots+1)
	g.slotIndex = nil // numbered again when first needed (Graph.slot)
	readArcs := func(lists [][]arc, counting bool) {
		for n := range lists {
			count := r.uint(uint64(len(r.data)))
			if count > 0 {
				lists[n] = make([]arc, 0, count)
			}
			for j := uint64(0); j < count && r.err == nil; j++ {
				a := arc{node: int32(r.uint(maxNode))}
				if k := r.bytes(1); len(k) == 1 {
					if int(k[0]) >= len(Kinds) {
						r.err = errBadSnapshot
					}
					a.kind = k[0]
				}
				a.group = int32(r.uint(maxGroup))
				if a.group != 0 {
					a.slot = int32(r.uint(slots))
					if a.slot == 0 {
						r.err = errBadSnapshot
					}
					if counting {
						g.slotSize[a.slot]++
					}
				}
				lists[n] = append(lists[n], a)
			}
		}
	}
	readArcs(g.needs, true)
	readArcs(g.neededBy, false)
	// Each relation is in both lists: a snapshot whose lists disagree in
	// length is damaged.
	arcs := 0
	for n := range g.ids {
		arcs += len(g.needs[n]) - len(g.neededBy[n])
	}
	if arcs != 0 {
		r.err = errBadSnapshot
	}
	if r.err == nil && len(r.data) != 0 {
		r.err = errBadSnapshot
	}
	if r.err != nil {
		return nil, r.err
	}
	return g, nil
}

// readSnapshot returns the stored graph if it reflects relation_rev rev;
// nil when there is none, it is older, or it cannot be read (the caller
// then builds the graph from the relations).
func (s *Store) readSnapshot(ctx context.Context, rev int64) *Graph {
	var data []byte
	err := s.db.QueryRowContext(ctx, "SELECT data FROM relation_graph WHERE id = 1 AND rev = ?", rev).Scan(&data)
	if err != nil {
		return nil
	}
	g, err := decodeGraph(data)
	if err != nil {
		return nil
	}
	return g
}

// writeSnapshot stores g as the graph of relation_rev rev, unless the
// relations have changed since. It is a cache: a database that cannot be
// written (read-only, busy) keeps its old snapshot, which is not used.
func (s *Store) writeSnapshot(ctx context.Context, g *Graph, rev int64) {
	data := g.encode()
	_ = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var current int64
		if err := tx.QueryRowContext(ctx, "SELECT last FROM ref_counter WHERE name = 'relation_rev'").Scan(&current); err != nil || current != rev {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO relation_graph (id, rev, data) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, data = excluded.data`, rev, data)
		return err
	})
}
