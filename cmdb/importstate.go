package cmdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"servicebook/sheet"
	"servicebook/store"
)

// importState is the CMDB as the import found it. Existing CIs are read
// light — id, reference, type and name, enough to match rows — and whole
// only when a row matches one: an import of new CIs into a 100k CMDB then
// reads no descriptions or attributes at all.
type importState struct {
	values map[string]map[string]string // the person's value mapping (ImportOptions.Values)
	types  []Type
	byRef  map[string]*CI
	byName map[string][]*CI // folded name -> CIs, existing and planned (built for a Relations sheet)
	byKey  map[string]*CI   // type id + folded name -> existing CI
	rels   map[string]*Relation
	ids    map[int64]*CI
	listed []*CI // the existing CIs in reference order

	whole    map[int64]bool // existing CIs read whole
	readFrom func(from, to int64) ([]CI, error)
	err      error // a read that failed while planning
}

// wholeRange is how many ids full reads at once from the one it needs: the
// CIs a file matches mostly lie together (a re-import of what an import or
// an export made, servers created together), and one query over a range
// of ids reads its rows in the order they are stored. Matching 22,000 of
// a 100k CMDB's CIs, reading the first 2,000 one by one and then every CI
// held the planning up for 0.75 s while the writing waited; at worst
// (matches spread evenly) the ranges read the table once, as that did.
const wholeRange = 512

// full makes c, an existing CI, whole, and returns it.
func (st *importState) full(c *CI) *CI {
	if c == nil || st.whole[c.ID] || st.err != nil {
		return c
	}
	read, err := st.readFrom(c.ID, c.ID+wholeRange)
	if err != nil {
		st.err = err
		return c
	}
	for _, w := range read {
		if p := st.ids[w.ID]; p != nil && !st.whole[w.ID] {
			*p, st.whole[w.ID] = w, true
		}
	}
	if !st.whole[c.ID] { // deleted by another desktop since the state was read (a server)
		st.err = store.Errorf(store.ENotFound, "%s is no longer in the database.", c.Ref)
	}
	return c
}

func (s *Store) loadImportState(ctx context.Context) (*importState, error) {
	st := &importState{byRef: map[string]*CI{}, byKey: map[string]*CI{},
		rels: map[string]*Relation{}, ids: map[int64]*CI{}, whole: map[int64]bool{},
		readFrom: func(from, to int64) ([]CI, error) {
			return s.queryCIs(ctx, "SELECT "+ciColumns+ciFrom+"WHERE ci.id >= ? AND ci.id < ? ORDER BY ci.id", from, to)
		}}
	var err error
	if st.types, err = s.Types(ctx); err != nil {
		return nil, err
	}
	typeKey := map[int64]string{}
	for _, t := range st.types {
		typeKey[t.ID] = t.Key
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, ref, type_id, name FROM ci ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c := &CI{}
		var typeID int64
		if err := rows.Scan(&c.ID, &c.Ref, &typeID, &c.Name); err != nil {
			return nil, err
		}
		c.TypeKey = typeKey[typeID]
		st.byRef[c.Ref] = c
		st.ids[c.ID] = c
		st.listed = append(st.listed, c)
		st.byKey[typeNameKey(typeID, c.Name)] = c
	}
	return st, rows.Err()
}

// indexNames gives relation endpoints given by name something to match:
// the existing CIs by their names, and the file's CIs by the names the
// file gives them (a renamed CI answers to both).
func (st *importState) indexNames(planned []*pendingCI) {
	st.byName = make(map[string][]*CI, len(st.ids)+len(planned))
	for _, c := range st.listed {
		folded := sheet.Fold(c.Name)
		st.byName[folded] = append(st.byName[folded], c)
	}
	for _, p := range planned {
		folded := sheet.Fold(p.ci.Name)
		if p.old == nil {
			st.byName[folded] = append(st.byName[folded], &p.ci)
		} else {
			st.byName[folded] = appendUnique(st.byName[folded], p.old)
		}
	}
}

// loadRelations reads the relations there are, which an import needs only
// when its file has a Relations sheet: on a 100k CMDB that is 490k rows and
// two seconds a CI-only import does not pay.
func (s *Store) loadRelations(ctx context.Context, st *importState) error {
	rels, err := queryRelations(ctx, s.db.DB, "")
	if err != nil {
		return err
	}
	for i := range rels {
		r := &rels[i]
		st.rels[fmt.Sprintf("%d %s %d", r.FromID, r.Kind, r.ToID)] = r
	}
	return nil
}

func typeNameKey(typeID int64, name string) string {
	return strconv.FormatInt(typeID, 10) + "\x00" + sheet.Fold(name)
}

func appendUnique(list []*CI, c *CI) []*CI {
	for _, x := range list {
		if x == c {
			return list
		}
	}
	return append(list, c)
}

// resolveEndpoint finds the CI a relations row names: a reference, or a
// name that is unique among existing and imported CIs.
func (st *importState) resolveEndpoint(text string) (*CI, error) {
	if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(text)), "CI-") && IsRef(NormalizeRef(text)) {
		if c := st.byRef[NormalizeRef(text)]; c != nil {
			return c, nil
		}
		return nil, store.M(MsgRefMissing, "Ref", NormalizeRef(text))
	}
	matches := st.byName[sheet.Fold(text)]
	switch len(matches) {
	case 0:
		return nil, store.M(MsgNoSuchName, "Name", text)
	case 1:
		return matches[0], nil
	}
	var refs []string
	for _, c := range matches {
		if c.Ref != "" {
			refs = append(refs, c.Ref)
		}
	}
	return nil, store.M(MsgAmbiguousName, "Count", len(matches), "Name", text, "Refs", strings.Join(refs, ", "))
}

// mapped is value as the person mapped it for field, or value itself.
func (st *importState) mapped(field, value string) string {
	if to, ok := st.values[field][strings.TrimSpace(value)]; ok {
		return to
	}
	return value
}
