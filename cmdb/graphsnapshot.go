package cmdb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// A graph snapshot is the Graph as its two walk indexes (walkindex.go), in
// a compact binary form, stored in the relation_graph table with the
// relation_rev it reflects. A one-shot command walks the indexes as read:
// reading them is a copy of fixed-width numbers, where the graph's lists
// of lists took 100k allocations to decode and a second pass to freeze (60
// and 26 ms of a 250 ms impact command on the 100k CMDB). The lists are
// made from the indexes only when the graph is first changed or asked for
// them (Graph.lists). Each index keeps its arcs in the lists' order, so
// that a walk over a graph read from a snapshot takes the same paths as
// over one built from the relations.
//
// Layout: a header of uvarints, then fixed-width little-endian numbers:
//
//	version (2)
//	groups: count, then each name (length, bytes), group 0 ("") excluded
//	nodes: count, then each CI id as a zigzag delta from the one before
//	the dependencies' index, then the dependents': arc count and slot
//	    count (uvarints), then, as uint32s, each row's node, each row's
//	    first arc and the end, each arc's row and slot; each arc's kind (a
//	    byte); each slot's group and size (uint32s)
//	a CRC-32C of everything before it (uint32)
const snapshotVersion = 2

var snapshotCRC = crc32.MakeTable(crc32.Castagnoli)

// encode writes the graph as a snapshot.
func (g *Graph) encode() []byte {
	g.mu.RLock()
	defer g.mu.RUnlock()
	down, up := g.downWalk(), g.upWalk()
	size := 64 + len(g.ids)*4
	for _, x := range []*walkIndex{down, up} {
		size += len(x.node)*8 + len(x.arcs)*9 + len(x.slotSize)*8
	}
	buf := make([]byte, 0, size)
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
	le := binary.LittleEndian
	for _, x := range []*walkIndex{down, up} {
		buf = binary.AppendUvarint(buf, uint64(len(x.arcs)))
		buf = binary.AppendUvarint(buf, uint64(len(x.slotSize)))
		for _, n := range x.node {
			buf = le.AppendUint32(buf, uint32(n))
		}
		for _, f := range x.first {
			buf = le.AppendUint32(buf, uint32(f))
		}
		for _, a := range x.arcs {
			buf = le.AppendUint32(le.AppendUint32(buf, uint32(a.node)), uint32(a.slot))
		}
		buf = append(buf, x.kind...)
		for s := range x.slotSize {
			buf = le.AppendUint32(le.AppendUint32(buf, uint32(x.slotGroup[s])), uint32(x.slotSize[s]))
		}
	}
	return le.AppendUint32(buf, crc32.Checksum(buf, snapshotCRC))
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

// int32s reads n uint32s, each below limit, into a new slice.
func (r *snapshotReader) int32s(n, limit uint64) []int32 {
	b := r.bytes(n * 4)
	if r.err != nil {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		v := binary.LittleEndian.Uint32(b[4*i:])
		if uint64(v) >= limit {
			r.err = errBadSnapshot
			return nil
		}
		out[i] = int32(v)
	}
	return out
}

// decodeGraph reads a snapshot back. A damaged or foreign one is an error,
// never a wrong graph or a panic: the checksum covers the whole, and every
// count and index is checked against what the data can hold.
func decodeGraph(data []byte) (*Graph, error) {
	if len(data) < 4 || crc32.Checksum(data[:len(data)-4], snapshotCRC) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, errBadSnapshot
	}
	r := &snapshotReader{data: data[:len(data)-4]}
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
	down, up := r.walkIndex(nodes, len(g.groups)), r.walkIndex(nodes, len(g.groups))
	if r.err == nil && (len(r.data) != 0 || len(down.arcs) != len(up.arcs)) {
		r.err = errBadSnapshot // each relation is an arc of both
	}
	if r.err != nil {
		return nil, r.err
	}
	// The lists and slots are made from the indexes when first needed (an
	// empty graph keeps NewGraph's: slot 0, "no group", must stay taken).
	if nodes > 0 {
		g.needs, g.neededBy, g.slotSize, g.slotIndex = nil, nil, nil, nil
	}
	g.downIndex.Store(down)
	g.upIndex.Store(up)
	return g, nil
}

// walkIndex reads one walk index of a graph of nodes nodes and groups
// groups, checking that its rows lay out every node once, its arcs run in
// order, and every arc, slot and kind is one the index has.
func (r *snapshotReader) walkIndex(nodes uint64, groups int) *walkIndex {
	arcs := r.uint(uint64(len(r.data)) / 9)
	slots := r.uint(uint64(len(r.data)) / 8)
	if r.err == nil && slots == 0 {
		r.err = errBadSnapshot // slot 0, "no group", is always there
	}
	x := &walkIndex{node: r.int32s(nodes, nodes), first: r.int32s(nodes+1, arcs+1)}
	arcBytes := r.bytes(8 * arcs)
	x.kind = slices.Clone(r.bytes(arcs))
	slotPairs := r.int32s(2*slots, math.MaxInt32+1)
	if r.err != nil {
		return nil
	}
	x.row = make([]int32, nodes)
	placed := make([]bool, nodes)
	for row, n := range x.node {
		if placed[n] {
			r.err = errBadSnapshot
			return nil
		}
		placed[n] = true
		x.row[n] = int32(row)
	}
	for i := range nodes {
		if x.first[i] > x.first[i+1] {
			r.err = errBadSnapshot
			return nil
		}
	}
	if x.first[0] != 0 || uint64(x.first[nodes]) != arcs {
		r.err = errBadSnapshot
		return nil
	}
	x.arcs = make([]walkArc, arcs)
	le := binary.LittleEndian
	for a := range x.arcs {
		b := arcBytes[8*a : 8*a+8]
		node, slot := le.Uint32(b), le.Uint32(b[4:])
		if uint64(node) >= nodes || uint64(slot) >= slots || int(x.kind[a]) >= len(Kinds) {
			r.err = errBadSnapshot
			return nil
		}
		x.arcs[a] = walkArc{node: int32(node), slot: int32(slot)}
	}
	x.slotGroup, x.slotSize = make([]int32, slots), make([]int32, slots)
	for s := range x.slotGroup {
		x.slotGroup[s], x.slotSize[s] = slotPairs[2*s], slotPairs[2*s+1]
		if int(x.slotGroup[s]) >= groups || (s == 0) != (x.slotGroup[s] == 0) {
			r.err = errBadSnapshot
			return nil
		}
	}
	return x
}

// readSnapshot returns the stored graph if it reflects relation_rev rev;
// nil when there is none, it is older, or it cannot be read (the caller
// then builds the graph from the relations).
func (s *Store) readSnapshot(ctx context.Context, rev int64) *Graph {
	rows, err := s.db.QueryContext(ctx, "SELECT data FROM relation_graph WHERE id = 1 AND rev = ?", rev)
	if err != nil {
		return nil
	}
	defer rows.Close()
	if !rows.Next() {
		return nil
	}
	// Decoded where the driver put it: the snapshot is 11 MB on the 100k
	// CMDB, and a copy of it a tenth of reading it.
	var data sql.RawBytes
	if err := rows.Scan(&data); err != nil {
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
