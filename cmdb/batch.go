package cmdb

import (
	"context"
	"database/sql"
	"fmt"

	"servicebook/store"
)

// BatchRelation relates two CIs of a batch by their positions in it.
type BatchRelation struct {
	From, To int
	Kind     Kind
	Group    string
}

// CreateBatch validates and creates many CIs and the relations between them
// in one transaction: all of them, or none if any is invalid. It is how the
// demo organisation and other generated data are written, through the same
// writers and change log as every other CI.
func (s *Store) CreateBatch(ctx context.Context, cis []CI, rels []BatchRelation) ([]CI, error) {
	types, err := s.Types(ctx)
	if err != nil {
		return nil, err
	}
	typeIDs := make([]int64, len(cis))
	out := make([]CI, len(cis))
	for i, ci := range cis {
		t, err := ResolveType(types, ci.TypeKey)
		if err != nil {
			return nil, fmt.Errorf("CI %d (%s): %w", i+1, ci.Name, err)
		}
		if out[i], err = Normalize(ci, t, nil); err != nil {
			return nil, fmt.Errorf("CI %d (%s): %w", i+1, ci.Name, err)
		}
		typeIDs[i] = t.ID
	}
	for i, r := range rels {
		if r.From < 0 || r.From >= len(cis) || r.To < 0 || r.To >= len(cis) || r.From == r.To {
			return nil, store.Errorf(store.EInvalid, "relation %d: CI positions %d and %d are not two CIs of the batch", i+1, r.From, r.To)
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.writeCIs(ctx, tx, func(w *ciWriter) error {
			rows := make([]*newCI, len(out))
			for i := range out {
				row := prepareNew(out[i], typeIDs[i], w.keys, w.indexesGrams())
				rows[i] = &row
			}
			saved, err := w.createAll(ctx, rows)
			if err != nil {
				return err
			}
			copy(out, saved)
			if len(rels) == 0 {
				return nil
			}
			if _, err := bumpRelationRev(ctx, tx); err != nil {
				return err
			}
			rw, err := newRelationWriter(ctx, tx, w.log)
			if err != nil {
				return err
			}
			defer rw.close()
			for _, r := range rels {
				from, to := out[r.From], out[r.To]
				if _, err := rw.create(ctx, Relation{FromID: from.ID, FromRef: from.Ref, Kind: r.Kind,
					ToID: to.ID, ToRef: to.Ref, Group: r.Group}); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.graphRev = -1
	s.mu.Unlock()
	return out, nil
}
