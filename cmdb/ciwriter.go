package cmdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"servicebook/store"
)

// ciWriter writes CIs, with the statements it prepares as it goes, for
// single saves and for imports of 100k rows alike. Call finish before committing: it
// brings the search index up to date for every CI written.
type ciWriter struct {
	log         *store.ChangeWriter
	insertMany  *store.MultiInsert   // createAll's, made when first needed
	updates     map[string]*sql.Stmt // by the columns they set (updateOf)
	reservedRef int64                // refs reserved but not yet handed out: (nextRef, reservedRef]
	nextRef     int64
	// reserveChunk is how many references to take from the counter when
	// they run out; release gives back the ones not used.
	reserveChunk int
	tx           *sql.Tx
	created      []int64     // ids of the CIs created
	updated      []changedCI // the CIs changed
	// grams holds what ci_grams is to index for each CI written and not yet
	// indexed (searchindex.go), by id.
	grams map[int64]string
	// How many of created and updated are indexed for search.
	indexedCreated, indexedUpdated int
	dialect                        store.Dialect
	bulk                           bool // FTS5's automatic merging is off (bulkIndexing)
	keys                           *sortKeys
}

func newCIWriter(tx *sql.Tx, log *store.ChangeWriter, dialect store.Dialect) *ciWriter {
	return &ciWriter{log: log, tx: tx, keys: newSortKeys(), dialect: dialect, grams: map[int64]string{}}
}

func (w *ciWriter) close() {
	if w.insertMany != nil {
		w.insertMany.Close()
	}
	for _, stmt := range w.updates {
		stmt.Close()
	}
}

// changedCI is a CI that was changed, with what its change means for the
// search indexes: a change of status, type, criticality or version
// rewrites none of them, and a new description leaves ci_search_name as it
// was (an import that updated 22k CIs' descriptions rewrote every index's
// rows of all of them).
type changedCI struct {
	id int64
	// name: the name changed (every index holds it); text: another field a
	// search reads changed (description, owner, location, an attribute).
	name, text bool
}

// reindexes reports whether the change rewrites c's rows in index.
func (c changedCI) reindexes(index string) bool {
	if index == "ci_search_name" {
		return c.name
	}
	return c.name || c.text
}

// searchedChanges is what changes mean for the search indexes (changedCI).
func searchedChanges(id int64, changes []FieldChange) changedCI {
	c := changedCI{id: id}
	for _, f := range changes {
		switch {
		case f.Field == "name":
			c.name = true
		case f.Field == "description", f.Field == "owner", f.Field == "location", strings.HasPrefix(f.Field, "attributes."):
			c.text = true
		}
	}
	return c
}

// reserve takes n references from the counter in one statement.
func (w *ciWriter) reserve(ctx context.Context, n int) error {
	var last int64
	if err := w.tx.QueryRowContext(ctx, "UPDATE ref_counter SET last = last + ? WHERE name = 'ci' RETURNING last", n).Scan(&last); err != nil {
		return err
	}
	w.nextRef, w.reservedRef = last-int64(n), last
	return nil
}

// release hands back the references reserved but not used, so that
// numbering stays without gaps. It is safe only inside the transaction that
// reserved them, which holds the write lock.
func (w *ciWriter) release(ctx context.Context) error {
	if w.reservedRef == w.nextRef {
		return nil
	}
	_, err := w.tx.ExecContext(ctx, "UPDATE ref_counter SET last = ? WHERE name = 'ci'", w.nextRef)
	w.reservedRef = w.nextRef
	return err
}

// create creates one CI (createAll).
func (w *ciWriter) create(ctx context.Context, ci CI, typeID int64) (CI, error) {
	row := prepareNew(ci, typeID, w.keys, false)
	saved, err := w.createAll(ctx, []*newCI{&row})
	if err != nil {
		return ci, err
	}
	return saved[0], nil
}

// finish indexes for search every CI written and not yet indexed, and
// records in ci_rev that CIs changed.
func (w *ciWriter) finish(ctx context.Context) error {
	if len(w.created)+len(w.updated) == 0 {
		return nil
	}
	if err := w.indexWaiting(ctx, 1); err != nil {
		return err
	}
	if w.bulk {
		if err := setBulk(ctx, w.tx, false); err != nil {
			return err
		}
	}
	return bumpCIRev(ctx, w.tx)
}

// indexWaiting indexes for search the CIs written and not yet indexed, if
// there are at least n of them. An import calls it with indexChunk as it
// goes, so that its CIs are indexed while the rest of the file is still
// being read and checked on the other core, rather than all at the end
// with that core idle (100k CIs: 2–3 s of indexing).
func (w *ciWriter) indexWaiting(ctx context.Context, n int) error {
	created, updated := w.created[w.indexedCreated:], w.updated[w.indexedUpdated:]
	waiting := len(created) + len(updated)
	if waiting == 0 || waiting < n {
		return nil
	}
	if w.dialect == store.Postgres {
		// The server's search index is an index on ci itself (see
		// search_server.go): it keeps itself.
		w.indexedCreated, w.indexedUpdated = len(w.created), len(w.updated)
		return nil
	}
	if err := w.bulkIndexing(ctx, waiting); err != nil {
		return err
	}
	for _, index := range searchIndexes {
		var again []int64 // changed CIs whose rows in index are written again
		for _, c := range updated {
			if c.reindexes(index) {
				again = append(again, c.id)
			}
		}
		if err := deleteSearchRows(ctx, w.tx, index, again); err != nil {
			return err
		}
		if err := writeSearchRows(ctx, w.tx, index, slices.Concat(created, again), w.grams); err != nil {
			return err
		}
	}
	clear(w.grams) // every CI written is indexed now
	w.indexedCreated, w.indexedUpdated = len(w.created), len(w.updated)
	return nil
}

// indexChunk is how many CIs an import indexes at once. Each statement
// ends an FTS5 segment; 16k CIs make a few of them per import.
const indexChunk = 16384

// bulkIndexing sets FTS5 up for a bulk write (setBulk), for the rest of
// the transaction, when n CIs are to be indexed. finish sets it back.
func (w *ciWriter) bulkIndexing(ctx context.Context, n int) error {
	if w.bulk || n < bulkReindex {
		return nil
	}
	w.bulk = true
	return setBulk(ctx, w.tx, true)
}

func bumpCIRev(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE ref_counter SET last = last + 1 WHERE name = 'ci_rev'")
	return err
}

// update saves ci over old, which must be the row as the database holds it,
// and logs each changed field. It returns the saved CI and whether anything
// changed at all.
func (w *ciWriter) update(ctx context.Context, old, ci CI, typeID int64) (CI, bool, error) {
	var entries []store.Entry
	saved, changed, err := w.change(ctx, old, ci, typeID, &entries)
	if err != nil || !changed {
		return saved, changed, err
	}
	return saved, true, w.log.AddAll(ctx, entries)
}

// change is update with the change-log entries appended to entries, for the
// caller to write (an import writes a batch's entries together).
func (w *ciWriter) change(ctx context.Context, old, ci CI, typeID int64, entries *[]store.Entry) (CI, bool, error) {
	changes := FieldChanges(old, ci)
	if len(changes) == 0 {
		return old, false, nil
	}
	stmt, args, err := w.updateOf(ctx, changes, ci, typeID)
	if err != nil {
		return ci, false, err
	}
	res, err := stmt.ExecContext(ctx, append(args, w.log.At(), ci.ID, ci.RowVersion)...)
	if err != nil {
		return ci, false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ci, false, conflict(old)
	}
	searched := searchedChanges(ci.ID, changes)
	w.updated = append(w.updated, searched)
	if w.indexesGrams() && searched.reindexes("ci_grams") {
		saved := ci
		saved.Ref = old.Ref
		w.grams[ci.ID] = ciGrams(saved, true)
	}
	for _, c := range changes {
		*entries = append(*entries, store.Entry{Entity: "ci", ID: ci.ID, Field: c.Field, Old: c.Old, New: c.New})
	}
	ci.Ref = old.Ref
	ci.CreatedAt = old.CreatedAt
	ci.UpdatedAt, _ = time.Parse(time.RFC3339, w.log.At())
	ci.RowVersion++
	return ci, true, nil
}

// updateOf is the UPDATE statement that sets only the columns the changes
// touch, prepared once per set of columns, and its values for ci. SQLite
// rewrites the entry of every index over a column the statement sets,
// changed or not: setting all of them rewrote nine indexes for a changed
// description.
func (w *ciWriter) updateOf(ctx context.Context, changes []FieldChange, ci CI, typeID int64) (*sql.Stmt, []any, error) {
	var set []string
	var args []any
	attrsDone := false
	for _, c := range changes {
		switch c.Field {
		case "type":
			set, args = append(set, "type_id"), append(args, typeID)
		case "name":
			set, args = append(set, "name", "sort_name"), append(args, ci.Name, w.keys.key(ci.Name))
		case "description":
			set, args = append(set, "description"), append(args, ci.Description)
		case "status":
			set, args = append(set, "status"), append(args, string(ci.Status))
		case "criticality":
			set, args = append(set, "criticality"), append(args, ci.Criticality)
		case "owner":
			set, args = append(set, "owner", "sort_owner"), append(args, ci.Owner, w.keys.key(ci.Owner))
		case "location":
			set, args = append(set, "location", "sort_location"), append(args, ci.Location, w.keys.key(ci.Location))
		case "version":
			set, args = append(set, "version"), append(args, ci.Version)
		default: // attributes.<key>
			if !attrsDone {
				attrs, _ := json.Marshal(ci.Attributes)
				set, args = append(set, "attributes"), append(args, string(attrs))
				attrsDone = true
			}
		}
	}
	key := strings.Join(set, ",")
	if stmt, ok := w.updates[key]; ok {
		return stmt, args, nil
	}
	stmt, err := w.tx.PrepareContext(ctx, "UPDATE ci SET "+strings.Join(set, " = ?, ")+
		" = ?, updated_at = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?")
	if err != nil {
		return nil, nil, err
	}
	if w.updates == nil {
		w.updates = map[string]*sql.Stmt{}
	}
	w.updates[key] = stmt
	return stmt, args, nil
}

// newCI is a CI to create, with what its row and its log entry need worked
// out beforehand: an import works them out on its planning goroutine, so
// that the goroutine writing the rows only writes.
type newCI struct {
	ci                                CI
	typeID                            int64
	attrs                             string
	sortName, sortOwner, sortLocation []byte
	logged                            string // the log entry's new value
	grams                             string // ciGrams without the reference
}

// indexesGrams reports whether the writer indexes ci_grams itself (a
// file; a server's search index is an index on ci).
func (w *ciWriter) indexesGrams() bool { return w.dialect != store.Postgres }

// prepareNew works out ci's row, with keys (which must not be shared
// between goroutines), and its grams when grams is true.
func prepareNew(ci CI, typeID int64, keys *sortKeys, grams bool) newCI {
	attrs, _ := json.Marshal(ci.Attributes)
	row := newCI{ci: ci, typeID: typeID, attrs: string(attrs),
		sortName: keys.key(ci.Name), sortOwner: keys.key(ci.Owner), sortLocation: keys.key(ci.Location),
		logged: ci.TypeKey + " " + strconv.Quote(ci.Name) + " (" + ci.Status.Label() + ")"} // "%s %q (%s)", without fmt: 100k of them an import
	if grams {
		row.grams = ciGrams(ci, false)
	}
	return row
}

// cisPerInsert is how many CIs one statement of createAll inserts (16
// values each), as many as an import hands its writer at once
// (writeBatch): on a server each statement is a round trip, and 256 to
// a statement rather than 64 took 1.5-1.9 s off an import of 100k CIs
// (a file's import was the same either way).
const cisPerInsert = writeBatch

// ciInsertColumns are the columns createAll writes, in its values' order.
var ciInsertColumns = []string{"id", "ref", "type_id", "name", "description", "status", "criticality", "owner", "location",
	"version", "attributes", "created_at", "updated_at", "sort_name", "sort_owner", "sort_location"}

// createAll creates the CIs, many to a statement, with their change-log
// entries, and returns them saved. It numbers their rows itself
// (store.Dialect.NewIDs): a statement of many rows tells only the last
// row's number.
// One statement per CI cost an import of 100k CIs most of a second in
// statement set-up alone.
func (w *ciWriter) createAll(ctx context.Context, rows []*newCI) ([]CI, error) {
	ids, err := w.dialect.NewIDs(ctx, w.tx, "ci", len(rows))
	if err != nil {
		return nil, err
	}
	at := w.log.At()
	created, _ := time.Parse(time.RFC3339, at)
	saved := make([]CI, len(rows))
	entries := make([]store.Entry, len(rows))
	if w.insertMany == nil {
		w.insertMany = store.NewMultiInsert(w.tx, "ci", ciInsertColumns, cisPerInsert)
	}
	args := make([]any, 0, len(ciInsertColumns)*cisPerInsert)
	for start := 0; start < len(rows); start += cisPerInsert {
		chunk := rows[start:min(len(rows), start+cisPerInsert)]
		args = args[:0]
		for i, r := range chunk {
			if w.nextRef >= w.reservedRef {
				if err := w.reserve(ctx, max(len(rows)-start-i, w.reserveChunk)); err != nil {
					return nil, err
				}
			}
			w.nextRef++
			ci := r.ci
			ci.ID, ci.Ref, ci.RowVersion, ci.CreatedAt, ci.UpdatedAt = ids[start+i], RefNumber(w.nextRef), 1, created, created
			saved[start+i] = ci
			entries[start+i] = store.Entry{Entity: "ci", ID: ci.ID, Field: "created", New: r.logged}
			args = append(args, ci.ID, ci.Ref, r.typeID, ci.Name, ci.Description, string(ci.Status), ci.Criticality,
				ci.Owner, ci.Location, ci.Version, r.attrs, at, at, r.sortName, r.sortOwner, r.sortLocation)
		}
		if err := w.insertMany.Exec(ctx, len(chunk), args); err != nil {
			return nil, err
		}
		for i, ci := range saved[start : start+len(chunk)] {
			w.created = append(w.created, ci.ID)
			if w.indexesGrams() {
				grams := chunk[i].grams
				if grams == "" { // not worked out beforehand (prepareNew)
					grams = ciGrams(ci, false)
				}
				w.grams[ci.ID] = searchGrams(ci.Ref) + grams
			}
		}
	}
	return saved, w.log.AddAll(ctx, entries)
}
