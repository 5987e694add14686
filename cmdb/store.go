package cmdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"servicebook/store"
)

// Store keeps the CMDB in a servicebook database. It holds the in-memory
// relation index used by impact analysis and keeps it current.
type Store struct {
	db *store.DB

	mu       sync.Mutex
	graph    *Graph
	graphRev int64 // relation_rev the graph reflects; -1 forces a reload
	// graphLog is the change-log entry of the last relation change the
	// graph is known to reflect; the graph catches up from the entries
	// after it (graphrefresh.go). -1: not known, the graph is reloaded.
	graphLog int64

	keysMu sync.Mutex
	keys   *sortKeys // for filters that look a text up by its sort key; nil until needed
}

// sortKey is text's sort key, as written in sort_name, sort_owner and
// sort_location.
func (s *Store) sortKey(text string) []byte {
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	if s.keys == nil {
		s.keys = newSortKeys()
	}
	return s.keys.key(text) // never changed once made
}

// NewStore opens the CMDB in db, adding any built-in CI type the database
// does not have yet.
func NewStore(ctx context.Context, db *store.DB) (*Store, error) {
	s := &Store{db: db, graphRev: -1, graphLog: -1}
	if err := s.ensureBuiltinTypes(ctx); err != nil {
		return nil, err
	}
	if err := fillSortKeys(ctx, db); err != nil {
		return nil, store.MapError(err)
	}
	if db.Dialect == store.Postgres {
		return s, nil // no short-word index to fill on a server
	}
	if err := fillGrams(ctx, db); err != nil {
		return nil, store.MapError(err)
	}
	return s, nil
}

// DB returns the database the store works on.
func (s *Store) DB() *store.DB { return s.db }

// ensureBuiltinTypes adds the built-in types a database lacks. It writes
// only when one is missing, so that opening a database for reading never
// waits for another process's write lock.
func (s *Store) ensureBuiltinTypes(ctx context.Context) error {
	have := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT key FROM ci_type WHERE builtin = 1")
	if err != nil {
		return store.MapError(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		have[k] = true
	}
	rows.Close()
	missing := false
	for _, t := range BuiltinTypes() {
		missing = missing || !have[t.Key]
	}
	if !missing {
		return nil
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, t := range BuiltinTypes() {
			attrs, _ := json.Marshal(t.Attributes)
			if _, err := tx.ExecContext(ctx, `INSERT INTO ci_type (key, name, name_zh, description, is_service, builtin, attributes)
				VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (key) DO NOTHING`,
				t.Key, t.Name, t.NameZh, t.Description, t.IsService, string(attrs)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- CI types ----

// Types returns every CI type, built-in ones first.
func (s *Store) Types(ctx context.Context) ([]Type, error) {
	return queryTypes(ctx, s.db.DB, "ORDER BY builtin DESC, id")
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func queryTypes(ctx context.Context, q querier, tail string, args ...any) ([]Type, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, key, name, name_zh, description, is_service, builtin, attributes, row_version
		FROM ci_type `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Type
	for rows.Next() {
		var t Type
		var attrs string
		if err := rows.Scan(&t.ID, &t.Key, &t.Name, &t.NameZh, &t.Description, &t.IsService, &t.Builtin, &attrs, &t.RowVersion); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(attrs), &t.Attributes); err != nil {
			return nil, fmt.Errorf("type %s: attribute definitions: %w", t.Key, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ResolveType finds a type by key, English name or Chinese name, ignoring
// case and spacing. Returns ENOTFOUND if there is none.
func ResolveType(types []Type, name string) (Type, error) {
	key := normalizeWord(name)
	for _, t := range types {
		if normalizeWord(t.Key) == key || normalizeWord(t.Name) == key || (t.NameZh != "" && normalizeWord(t.NameZh) == key) {
			return t, nil
		}
	}
	keys := make([]string, len(types))
	for i, t := range types {
		keys[i] = t.Key
	}
	msg := store.M(MsgNotType, "Value", name, "Types", strings.Join(keys, ", "))
	return Type{}, &store.Error{Code: store.ENotFound, Message: msg.String(), Msg: msg}
}

// SaveType creates a type (ID 0) or updates one. An update based on a stale
// RowVersion is refused with ECONFLICT.
func (s *Store) SaveType(ctx context.Context, t Type) (Type, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	attrs, _ := json.Marshal(t.Attributes)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		if t.ID == 0 {
			id, err := store.InsertID(ctx, tx, `INSERT INTO ci_type (key, name, name_zh, description, is_service, attributes)
				VALUES (?, ?, ?, ?, ?, ?)`, t.Key, t.Name, t.NameZh, t.Description, t.IsService, string(attrs))
			if err != nil {
				return err
			}
			t.ID = id
			t.RowVersion = 1
			return log.Add(ctx, "ci_type", t.ID, "created", "", t.Key)
		}
		old, err := queryTypes(ctx, tx, "WHERE id = ?", t.ID)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			return store.Errorf(store.ENotFound, "CI type %q no longer exists.", t.Key)
		}
		if old[0].RowVersion != t.RowVersion {
			return store.Errorf(store.EConflict, "CI type %q was changed by someone else since you opened it; reload it and apply your change again.", t.Key)
		}
		if old[0].Builtin && old[0].Key != t.Key {
			return store.Errorf(store.EInvalid, "The key of built-in type %q cannot change.", old[0].Key)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ci_type SET key = ?, name = ?, name_zh = ?, description = ?, is_service = ?,
			attributes = ?, row_version = row_version + 1 WHERE id = ?`,
			t.Key, t.Name, t.NameZh, t.Description, t.IsService, string(attrs), t.ID); err != nil {
			return err
		}
		oldAttrs, _ := json.Marshal(old[0].Attributes)
		for _, f := range []struct{ name, old, new string }{
			{"key", old[0].Key, t.Key}, {"name", old[0].Name, t.Name}, {"name_zh", old[0].NameZh, t.NameZh},
			{"description", old[0].Description, t.Description},
			{"is_service", strconv.FormatBool(old[0].IsService), strconv.FormatBool(t.IsService)},
			{"attributes", string(oldAttrs), string(attrs)},
		} {
			if f.old != f.new {
				if err := log.Add(ctx, "ci_type", t.ID, f.name, f.old, f.new); err != nil {
					return err
				}
			}
		}
		t.RowVersion = old[0].RowVersion + 1
		return nil
	})
	return t, err
}

// ---- CIs ----

const ciColumns = `ci.id, ci.ref, t.key, ci.name, ci.description, ci.status, ci.criticality, ci.owner,
	ci.location, ci.version, ci.attributes, ci.created_at, ci.updated_at, ci.row_version`

const ciFrom = ` FROM ci JOIN ci_type t ON t.id = ci.type_id `

func scanCI(rows interface{ Scan(...any) error }) (CI, error) {
	var c CI
	var attrs, created, updated string
	err := rows.Scan(&c.ID, &c.Ref, &c.TypeKey, &c.Name, &c.Description, &c.Status, &c.Criticality, &c.Owner,
		&c.Location, &c.Version, &attrs, &created, &updated, &c.RowVersion)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
		return c, fmt.Errorf("%s: attributes: %w", c.Ref, err)
	}
	c.CreatedAt, _ = time.Parse(time.RFC3339, created)
	c.UpdatedAt, _ = time.Parse(time.RFC3339, updated)
	return c, nil
}

// CI returns the CI with the given reference (case-insensitive; "123" means
// CI-000123). Returns ENOTFOUND if there is none.
func (s *Store) CI(ctx context.Context, ref string) (CI, error) {
	return getCI(ctx, s.db.DB, ref)
}

func getCI(ctx context.Context, q querier, ref string) (CI, error) {
	norm := NormalizeRef(ref)
	c, err := scanCI(q.QueryRowContext(ctx, "SELECT "+ciColumns+ciFrom+"WHERE ci.ref = ?", norm))
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.Errorf(store.ENotFound, "There is no CI %s.", norm)
	}
	return c, err
}

// NormalizeRef turns "ci-42", "42" or " CI-000042 " into "CI-000042".
func NormalizeRef(ref string) string {
	r := strings.ToUpper(strings.TrimSpace(ref))
	r = strings.TrimPrefix(r, "CI-")
	if n, err := strconv.ParseInt(r, 10, 64); err == nil && n > 0 {
		return RefNumber(n)
	}
	return strings.ToUpper(strings.TrimSpace(ref))
}

func refExistsIn(ctx context.Context, q querier) func(string) bool {
	return func(ref string) bool {
		var one int
		return q.QueryRowContext(ctx, "SELECT 1 FROM ci WHERE ref = ?", ref).Scan(&one) == nil
	}
}

// CreateCI validates ci against its type, gives it the next reference and
// saves it. ci.TypeKey may be a type's key or its English or Chinese name.
func (s *Store) CreateCI(ctx context.Context, ci CI) (CI, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var t Type
		var err error
		if ci, t, err = normalizeIn(ctx, tx, ci); err != nil {
			return err
		}
		return s.writeCIs(ctx, tx, func(w *ciWriter) error {
			ci, err = w.create(ctx, ci, t.ID)
			return err
		})
	})
	return ci, err
}

// normalizeIn resolves ci's type and validates ci against it, inside tx.
func normalizeIn(ctx context.Context, tx *sql.Tx, ci CI) (CI, Type, error) {
	types, err := queryTypes(ctx, tx, "")
	if err != nil {
		return ci, Type{}, err
	}
	t, err := ResolveType(types, ci.TypeKey)
	if err != nil {
		return ci, t, store.Invalid([]store.FieldProblem{{Field: "type", Message: store.ErrorMessage(err)}})
	}
	ci, err = Normalize(ci, t, refExistsIn(ctx, tx))
	return ci, t, err
}

// writeCIs runs fn with a CI writer on tx, then brings the search index up
// to date for every CI fn wrote.
func (s *Store) writeCIs(ctx context.Context, tx *sql.Tx, fn func(w *ciWriter) error) error {
	log, err := s.db.NewChangeWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer log.Close()
	w := newCIWriter(tx, log, s.db.Dialect)
	defer w.close()
	if err := fn(w); err != nil {
		return err
	}
	return w.finish(ctx)
}

// ConflictError is returned when a save is based on an older version of a
// CI than the database holds. Current is what the database holds now, so the
// person can see the other edit before deciding.
type ConflictError struct {
	Current CI
}

func (e *ConflictError) Error() string { return e.message() }

// Unwrap lets store.ErrorCode and store.ErrorMessage see an EConflict.
func (e *ConflictError) Unwrap() error {
	return &store.Error{Code: store.EConflict, Message: e.message()}
}

func (e *ConflictError) message() string {
	return fmt.Sprintf("%s was changed by someone else since you opened it (now: name %q, status %s, owner %q, version %d); reload it and apply your change again.",
		e.Current.Ref, e.Current.Name, e.Current.Status.Label(), e.Current.Owner, e.Current.RowVersion)
}

func conflict(current CI) error {
	return &ConflictError{Current: current}
}

// FieldChange is one field of a CI that differs between two versions.
type FieldChange struct {
	Field    string
	Old, New string
}

// FieldChanges lists the fields that differ between a and b, attributes as
// "attributes.KEY", in a stable order.
func FieldChanges(a, b CI) []FieldChange {
	var out []FieldChange
	add := func(field, old, new string) {
		if old != new {
			out = append(out, FieldChange{field, old, new})
		}
	}
	add("type", a.TypeKey, b.TypeKey)
	add("name", a.Name, b.Name)
	add("description", a.Description, b.Description)
	add("status", string(a.Status), string(b.Status))
	add("criticality", strconv.Itoa(a.Criticality), strconv.Itoa(b.Criticality))
	add("owner", a.Owner, b.Owner)
	add("location", a.Location, b.Location)
	add("version", a.Version, b.Version)
	keys := map[string]bool{}
	for k := range a.Attributes {
		keys[k] = true
	}
	for k := range b.Attributes {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		add("attributes."+k, a.Attributes[k], b.Attributes[k])
	}
	return out
}

// UpdateCI saves changes to a CI. ci.RowVersion must be the version the
// caller read; if someone saved in between, the save is refused with a
// ConflictError-worded EConflict and nothing is written.
func (s *Store) UpdateCI(ctx context.Context, ci CI) (CI, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getCI(ctx, tx, ci.Ref)
		if err != nil {
			return err
		}
		if old.RowVersion != ci.RowVersion {
			return conflict(old)
		}
		ci.ID = old.ID
		var t Type
		if ci, t, err = normalizeIn(ctx, tx, ci); err != nil {
			return err
		}
		return s.writeCIs(ctx, tx, func(w *ciWriter) error {
			ci, _, err = w.update(ctx, old, ci, t.ID)
			return err
		})
	})
	return ci, err
}

// DeleteCI deletes a CI and its relations, logging each. Baselines keep
// their copies. The reference is never handed out again.
func (s *Store) DeleteCI(ctx context.Context, ref string) error {
	var removed []Relation
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		ci, err := getCI(ctx, tx, ref)
		if err != nil {
			return err
		}
		// Relations go with the CI; other records that refer to it (plans,
		// outages, budget lines …) are evidence: name them and refuse.
		if refs, err := store.References(ctx, tx, s.db.Dialect, "ci", ci.ID, "relation"); err != nil || len(refs) > 0 {
			if err != nil {
				return err
			}
			return store.Errorf(store.EConflict, "%s %s is still referred to by %s; change or remove those first, or retire the CI instead.",
				ci.Ref, ci.Name, strings.Join(refs, "; "))
		}
		rels, err := queryRelations(ctx, tx, "WHERE r.from_id = ? OR r.to_id = ?", ci.ID, ci.ID)
		if err != nil {
			return err
		}
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		if len(rels) > 0 {
			if _, err := bumpRelationRev(ctx, tx); err != nil {
				return err
			}
		}
		for _, r := range rels {
			if err := deleteRelation(ctx, tx, log, r); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM ci WHERE id = ?", ci.ID); err != nil {
			return err
		}
		for _, index := range searchIndexes {
			if s.db.Dialect == store.Postgres {
				break // the server's search index is on ci itself
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+index+" WHERE rowid = ?", ci.ID); err != nil {
				return err
			}
		}
		if err := bumpCIRev(ctx, tx); err != nil {
			return err
		}
		removed = rels
		return log.Add(ctx, "ci", ci.ID, "deleted", fmt.Sprintf("%s %q", ci.TypeKey, ci.Name), "")
	})
	if err == nil && len(removed) > 0 {
		s.afterRelationWrite(ctx, nil, removed)
	}
	return err
}

// Filter selects CIs for a list. Zero values select everything.
type Filter struct {
	TypeKey     string
	Status      Status
	Criticality int
	Owner       string // exact owner; "-" selects CIs without an owner
	Sort        string // ref, name, type, status, criticality, owner, location
	Descending  bool
	Limit       int // 0 means no limit
	Offset      int
}

var sortColumns = map[string]string{
	"": "ci.id", "ref": "ci.id", "name": "ci.sort_name", "type": "t.key", "status": "ci.status",
	"criticality": "ci.criticality", "owner": "ci.sort_owner", "location": "ci.sort_location",
}

// History returns the change log of a CI, oldest first, including changes
// to its relations.
func (s *Store) History(ctx context.Context, ref string) ([]store.Change, error) {
	ci, err := s.CI(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.db.Changes(ctx, "ci", ci.ID)
}

// Counts returns how many CIs there are of each type key and of each status.
func (s *Store) Counts(ctx context.Context) (byType map[string]int, byStatus map[Status]int, err error) {
	byType, byStatus = map[string]int{}, map[Status]int{}
	// Grouped by type id, not key, so that SQLite counts in the index
	// ci_type_status alone; the keys are joined to the few groups.
	rows, err := s.db.QueryContext(ctx, `SELECT t.key, c.status, c.n FROM
		(SELECT type_id, status, count(*) AS n FROM ci GROUP BY type_id, status) c JOIN ci_type t ON t.id = c.type_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var st Status
		var n int
		if err := rows.Scan(&key, &st, &n); err != nil {
			return nil, nil, err
		}
		byType[key] += n
		byStatus[st] += n
	}
	return byType, byStatus, rows.Err()
}

// DeleteType deletes a CI type that no CI has. Built-in types stay.
// Returns ENOTFOUND, or EINVALID naming how many CIs still have the type.
func (s *Store) DeleteType(ctx context.Context, key string) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		types, err := queryTypes(ctx, tx, "WHERE key = ?", strings.TrimSpace(key))
		if err != nil {
			return err
		}
		if len(types) == 0 {
			return store.Errorf(store.ENotFound, "There is no CI type %q.", key)
		}
		t := types[0]
		if t.Builtin {
			return store.Errorf(store.EInvalid, "%s is a built-in type; it cannot be deleted.", t.Key)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM ci WHERE type_id = ?", t.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			what := fmt.Sprintf("%d CIs are", n)
			if n == 1 {
				what = "1 CI is"
			}
			return store.Errorf(store.EInvalid, "%s of type %s; change their type or delete them first.", what, t.Key)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM ci_type WHERE id = ?", t.ID); err != nil {
			return err
		}
		if err := bumpCIRev(ctx, tx); err != nil {
			return err
		}
		return log.Add(ctx, "ci_type", t.ID, "deleted", fmt.Sprintf("%s (%s, %d attributes)", t.Key, t.Name, len(t.Attributes)), "")
	})
}
