package cmdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"servicebook/store"
)

// importWriter writes an import into one transaction while it is being
// planned. The first error stops it; rollback undoes everything unless
// commit succeeded.
//
// The CIs are written on a goroutine of their own, handed over in batches:
// reading the file and checking its rows take about as long as writing and
// indexing them, and on two cores the one overlaps the other (an import of
// 100k rows: 5.7 s to read, check and write them in turn, 3.9 s side by
// side, before the search indexes moved into the writing too).
type importWriter struct {
	ctx      context.Context
	s        *Store
	tx       *sql.Tx
	log      *store.ChangeWriter
	w        *ciWriter
	progress func(done, total int)
	done     int
	created  []string
	err      error

	keys    *sortKeys         // the planning goroutine's
	batch   []*pendingCI      // planned, not yet handed over
	queue   chan []*pendingCI // to the writing goroutine; nil once drained
	written chan struct{}     // closed when that goroutine has written the queue
}

// writeBatch is how many planned CIs are handed to the writing goroutine at
// once: enough that the hand-over costs nothing next to the writes.
const writeBatch = 256

func (s *Store) beginImport(ctx context.Context, progress func(done, total int)) (*importWriter, error) {
	tx, err := s.db.BeginWrite(ctx)
	if err != nil {
		return nil, store.MapError(err)
	}
	iw := &importWriter{ctx: ctx, s: s, tx: tx, progress: progress, keys: newSortKeys()}
	if iw.log, err = s.db.NewChangeWriter(ctx, tx); err != nil {
		iw.rollback()
		return nil, err
	}
	iw.w = newCIWriter(tx, iw.log, s.db.Dialect)
	iw.w.reserveChunk = 1024 // the number of new CIs is not known in advance
	iw.queue, iw.written = make(chan []*pendingCI, 8), make(chan struct{})
	go func() {
		defer close(iw.written)
		for batch := range iw.queue {
			iw.write(batch)
		}
	}()
	return iw, nil
}

// ci hands a planned CI to the writing goroutine, with a new CI's row
// worked out here, on the planning goroutine.
func (iw *importWriter) ci(p *pendingCI) {
	if p.action == "create" {
		row := prepareNew(p.ci, p.typeID, iw.keys, iw.w.indexesGrams())
		p.row = &row
	}
	if iw.batch = append(iw.batch, p); len(iw.batch) == writeBatch {
		iw.queue <- iw.batch
		iw.batch = make([]*pendingCI, 0, writeBatch)
	}
}

// drain hands over what is left and waits until every CI handed over is
// written (or the first error stopped the writing).
func (iw *importWriter) drain() {
	if iw.queue == nil {
		return
	}
	if len(iw.batch) > 0 {
		iw.queue <- iw.batch
		iw.batch = nil
	}
	close(iw.queue)
	<-iw.written
	iw.queue = nil
}

// advance counts n written rows, reports progress each thousand and
// notices Cancel. The total is 0: rows are written while the file is still
// being read.
func (iw *importWriter) advance(n int) error {
	before := iw.done
	iw.done += n
	if iw.done/1000 == before/1000 {
		return nil
	}
	if iw.ctx.Err() != nil {
		return errCancelled
	}
	if iw.progress != nil {
		iw.progress(iw.done, 0)
	}
	return nil
}

var errCancelled = &store.Error{Code: store.EInvalid, Message: store.M(MsgCancelled).String(), Msg: store.M(MsgCancelled)}

// write writes a batch of planned CIs, on the writing goroutine: the new
// ones together, then the changed ones. After the first error it writes
// nothing more (the transaction is rolled back), but the queue is still
// emptied so that the planning never waits.
func (iw *importWriter) write(batch []*pendingCI) {
	if iw.err != nil {
		return
	}
	var creates []*pendingCI
	var rows []*newCI
	for _, p := range batch {
		if p.action == "create" {
			creates, rows = append(creates, p), append(rows, p.row)
		}
	}
	if len(rows) > 0 {
		saved, err := iw.w.createAll(iw.ctx, rows)
		if err != nil {
			iw.err = fmt.Errorf("rows %d to %d: %w", creates[0].line, creates[len(creates)-1].line, err)
			return
		}
		for i, p := range creates {
			p.ci.ID, p.ci.Ref = saved[i].ID, saved[i].Ref
			iw.created = append(iw.created, saved[i].Ref)
			// Written: the row (sort keys, grams, a copy of the CI) and the
			// attributes would otherwise stay live until the import ends,
			// for the collector to mark again and again (60 MB of 165 live
			// in an import of 100k CIs). Relations need only the CI's id,
			// reference, name and type.
			p.row, p.ci.Attributes = nil, nil
		}
	}
	var entries []store.Entry
	for _, p := range batch {
		if p.action != "update" {
			continue
		}
		if _, _, err := iw.w.change(iw.ctx, *p.old, p.ci, p.typeID, &entries); err != nil {
			iw.err = fmt.Errorf("row %d: %w", p.line, err)
			return
		}
	}
	if iw.err = iw.log.AddAll(iw.ctx, entries); iw.err != nil {
		return
	}
	if iw.err = iw.w.indexWaiting(iw.ctx, indexChunk); iw.err != nil {
		return
	}
	iw.err = iw.advance(len(batch))
}

func (iw *importWriter) relations(rels []pendingRelation) error {
	iw.drain()
	if iw.err != nil {
		return iw.fail()
	}
	if err := iw.w.finish(iw.ctx); err != nil {
		return err
	}
	changes := slices.ContainsFunc(rels, func(p pendingRelation) bool { return p.existing == nil || p.existing.Group != p.group })
	if !changes {
		return nil
	}
	if _, err := bumpRelationRev(iw.ctx, iw.tx); err != nil {
		return err
	}
	rw, err := newRelationWriter(iw.ctx, iw.tx, iw.log)
	if err != nil {
		return err
	}
	defer rw.close()
	for _, p := range rels {
		r := Relation{FromID: p.from.ID, FromRef: p.from.Ref, Kind: p.kind, ToID: p.to.ID, ToRef: p.to.Ref, Group: p.group}
		switch {
		case p.existing == nil:
			if _, err := rw.create(iw.ctx, r); err != nil {
				return fmt.Errorf("relations row %d: %w", p.row, err)
			}
		case p.existing.Group != p.group:
			if err := rw.regroup(iw.ctx, iw.tx, *p.existing, p.group); err != nil {
				return err
			}
		default:
			continue
		}
		if iw.err = iw.advance(1); iw.err != nil {
			return iw.fail()
		}
	}
	return nil
}

// fail returns the error that stopped the import, as the person should
// read it.
func (iw *importWriter) fail() error {
	if iw.ctx.Err() != nil {
		return errCancelled
	}
	return iw.err
}

func (iw *importWriter) commit() ([]string, error) {
	if err := iw.w.release(iw.ctx); err != nil {
		return nil, err
	}
	iw.w.close()
	iw.log.Close()
	if err := iw.tx.Commit(); err != nil {
		if iw.ctx.Err() != nil {
			return nil, errCancelled
		}
		return nil, store.MapError(err)
	}
	iw.tx = nil
	if iw.progress != nil {
		iw.progress(iw.done, iw.done)
	}
	// The relation index is rebuilt on next use rather than patched row by row.
	iw.s.mu.Lock()
	iw.s.graphRev = -1
	iw.s.mu.Unlock()
	return iw.created, nil
}

func (iw *importWriter) rollback() {
	iw.drain() // the writing goroutine uses the transaction until then
	if iw.tx != nil {
		iw.tx.Rollback()
		iw.tx = nil
	}
}
