package cmdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"servicebook/sheet"
	"servicebook/store"
)

// CIFields are the CI columns an import understands, with the header texts
// people use for them. Any other column is read as an attribute of the
// row's CI type, by the attribute's key, English or Chinese name.
var CIFields = []sheet.Field{
	{Key: "ref", Names: []string{"Reference", "Ref", "CI ID", "CI reference", "ID", "编号", "配置项编号", "配置项ID"}},
	{Key: "type", Names: []string{"Type", "CI type", "类型", "配置项类型", "类别"}, Required: true},
	{Key: "name", Names: []string{"Name", "CI name", "名称", "配置项名称", "配置项"}, Required: true},
	{Key: "description", Names: []string{"Description", "描述", "说明", "备注"}},
	{Key: "status", Names: []string{"Status", "State", "状态"}},
	{Key: "criticality", Names: []string{"Criticality", "Priority", "重要性", "关键性", "重要程度", "重要级别"}},
	{Key: "owner", Names: []string{"Owner", "负责人", "所有者", "责任人"}},
	{Key: "location", Names: []string{"Location", "Site", "位置", "地点", "所在位置"}},
	{Key: "version", Names: []string{"Version", "版本", "版本号"}},
}

// RelationFields are the columns of a relations sheet.
var RelationFields = []sheet.Field{
	{Key: "from", Names: []string{"From", "From CI", "Source", "源", "源配置项", "从"}, Required: true},
	{Key: "kind", Names: []string{"Kind", "Relation", "Relationship", "Type", "关系", "关系类型"}, Required: true},
	{Key: "to", Names: []string{"To", "To CI", "Target", "目标", "目标配置项", "到"}, Required: true},
	{Key: "group", Names: []string{"Redundancy group", "Group", "冗余组"}},
}

// ImportOptions tune an import.
type ImportOptions struct {
	DryRun bool
	// Mapping maps a field key (see CIFields and RelationFields) to the header
	// text of the column that holds it, for headers the built-in names miss.
	Mapping map[string]string
	// Progress, if set, is called while rows are written.
	Progress func(done, total int)
	// Values maps, per field ("type", "status"), a value as the file
	// writes it to one the CMDB knows, for this import: a team's "打印机"
	// read as the type "Printer", "在修" as "under maintenance". A value
	// that is mapped is read as its mapping; every other is read as it is.
	Values map[string]map[string]string
}

// ImportResult says what an import did, or in a dry run would do.
type ImportResult struct {
	File               string
	DryRun             bool
	CISheet, RelSheet  string
	SheetsNotRead      []string // sheets with content that hold neither CIs nor relations
	Created, Updated   int
	Unchanged          int
	RelationsCreated   int
	RelationsRegrouped int
	RelationsUnchanged int
	IgnoredColumns     []string
	Problems           []sheet.CellError // every refused cell or row; any problem means nothing was written
	CreatedRefs        []string          // references given to new CIs, in row order (after a real import)
	pendingCIs         []*pendingCI
	pendingRels        []pendingRelation
}

// pendingCI is one CI row after validation: what will be written.
type pendingCI struct {
	line   int // the file's row
	ci     CI
	row    *newCI // a new CI's row, worked out for the writer; nil once written
	typeID int64
	old    *CI // nil for a new CI
	action string
}

type pendingRelation struct {
	row      int
	from, to *CI // pointers into pendingCIs or existing CIs; IDs of new CIs are known only after writing
	kind     Kind
	group    string
	existing *Relation
}

// ImportFile reads a CSV or XLSX file and imports its CIs and relations.
// The import is all or nothing: if any row is refused, every problem is
// listed in the result, the error is EInvalid, and nothing is written.
// Rows are checked while the file is still being read.
func (s *Store) ImportFile(ctx context.Context, path string, opt ImportOptions) (ImportResult, error) {
	return s.importSheets(ctx, filepath.Base(path), opt, func(fn func(*sheet.Stream) error) error {
		return sheet.StreamFile(path, sheet.DefaultLimits, fn)
	})
}

// Import imports a spreadsheet that has been read.
func (s *Store) Import(ctx context.Context, book *sheet.Book, opt ImportOptions) (ImportResult, error) {
	return s.importSheets(ctx, book.File, opt, func(fn func(*sheet.Stream) error) error {
		for _, t := range book.Sheets {
			if err := fn(sheet.TableStream(book.File, t)); err != nil {
				return err
			}
		}
		return nil
	})
}

// importSheets plans an import from the sheets feed hands over, in
// workbook order. A real import writes each CI row into one open
// transaction as soon as it is checked, so that writing overlaps with
// reading the file; a problem anywhere rolls everything back.
func (s *Store) importSheets(ctx context.Context, file string, opt ImportOptions, feed func(func(*sheet.Stream) error) error) (ImportResult, error) {
	defer raiseGCForImport()()
	res := ImportResult{File: file, DryRun: opt.DryRun}
	p := &planner{file: file, res: &res, explicit: opt.Mapping}
	if !opt.DryRun {
		iw, err := s.beginImport(store.WithSource(ctx, file), opt.Progress)
		if err != nil {
			return res, err
		}
		defer iw.rollback()
		p.write = iw
	}
	// The state is read after the write lock is taken, so that no other
	// process can change a CI between being matched and being updated. It
	// is read beside opening the file and reading its first rows, which
	// need none of it (0.2 s of a 100k CMDB, and as long to open a file of
	// 100k rows); the rows are planned once it is read.
	loaded := make(chan error, 1)
	go func() {
		st, err := s.loadImportState(ctx)
		if err == nil {
			st.values = opt.Values
			p.st = st
		}
		loaded <- err
	}()
	p.state = func() error {
		if loaded != nil {
			p.stateErr, loaded = <-loaded, nil
		}
		return p.stateErr
	}
	defer p.state() // the state is never read after the import returns
	if err := feed(p.takeSheet); err != nil {
		return res, err
	}
	if err := p.state(); err != nil {
		return res, err
	}
	st := p.st
	if st.err != nil {
		return res, st.err
	}
	if p.relations != nil {
		if err := s.loadRelations(ctx, st); err != nil {
			return res, err
		}
		// Relations in the same file may name CIs by their new names.
		st.indexNames(res.pendingCIs)
		planRelations(file, p.relations, p.relMap, st, &res)
	}
	if !p.haveCIs && p.relations == nil {
		res.Problems = append(res.Problems, sheet.CellError{File: file, Reason: store.M(MsgNoHeader).String(), Msg: store.M(MsgNoHeader)})
	}
	if len(res.Problems) > 0 {
		return res, res.refusal()
	}
	if opt.DryRun {
		return res, nil
	}
	if err := p.write.relations(res.pendingRels); err != nil {
		return res, err
	}
	created, err := p.write.commit()
	if err != nil {
		return res, err
	}
	res.CreatedRefs = created
	return res, nil
}

func (r ImportResult) refusal() error {
	msg := store.M(MsgRefused, "File", r.File, "Count", len(r.Problems))
	return &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
}

// planner takes the sheets of a file one by one: the first whose header
// names CI fields is planned row by row as it streams in; the first whose
// header names relation fields is kept until every CI is known.
type planner struct {
	file      string
	st        *importState
	res       *ImportResult
	explicit  map[string]string
	relations *sheet.Table
	relMap    sheet.Mapping
	haveCIs   bool
	write     *importWriter // nil in a dry run
	// state waits until st is read and says whether it could be.
	state    func() error
	stateErr error
}

func (p *planner) takeSheet(in *sheet.Stream) error {
	head := sheet.Table{Name: in.Name}
	for len(head.Rows) < sheet.HeaderScanRows {
		row, ok := in.Next()
		if !ok {
			break
		}
		head.Rows = append(head.Rows, row)
	}
	// rest yields the rows after the header: the buffered ones, then the
	// stream, each with its spreadsheet row number.
	rest := func(m sheet.Mapping) func() (int, []string, bool) {
		i := m.HeaderRow
		return func() (int, []string, bool) {
			if i < len(head.Rows) {
				i++
				return i, head.Rows[i-1], true
			}
			row, ok := in.Next()
			return in.Row(), row, ok
		}
	}
	if !p.haveCIs {
		if m, ok := sheet.FindHeader(head, CIFields, p.explicit); ok {
			p.haveCIs, p.res.CISheet = true, in.Name
			var sink func(*pendingCI)
			if p.write != nil {
				sink = p.write.ci
			}
			if err := p.state(); err != nil {
				return err
			}
			planCIs(p.file, in.Name, m, rest(m), p.st, p.res, sink)
			return nil
		}
	}
	if p.relations == nil {
		if m, ok := sheet.FindHeader(head, RelationFields, p.explicit); ok {
			p.res.RelSheet = in.Name
			t := &sheet.Table{Name: in.Name, Rows: head.Rows}
			for row, ok := in.Next(); ok; row, ok = in.Next() {
				t.Rows = append(t.Rows, row)
			}
			p.relations, p.relMap = t, m
			return nil
		}
	}
	// Neither the CIs nor the relations: a sheet with anything in it is
	// named as not read (a full export's other sheets, a second CI sheet),
	// so that nothing in the file is left out without a word.
	hasContent := func(row []string) bool {
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				return true
			}
		}
		return false
	}
	content := false
	for _, row := range head.Rows {
		content = content || hasContent(row)
	}
	for row, ok := in.Next(); ok; row, ok = in.Next() {
		content = content || hasContent(row)
	}
	if content {
		p.res.SheetsNotRead = append(p.res.SheetsNotRead, in.Name)
	}
	return nil
}

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

var criticalityWords = map[string]int{
	"1": 1, "critical": 1, "关键": 1, "极高": 1, "最高": 1,
	"2": 2, "high": 2, "高": 2,
	"3": 3, "medium": 3, "中": 3, "一般": 3,
	"4": 4, "low": 4, "低": 4,
}

func parseCriticality(text string) (int, error) {
	if n, ok := criticalityWords[sheet.Fold(text)]; ok {
		return n, nil
	}
	return 0, store.M(MsgNotCriticality, "Value", text)
}

// excelSerialDate converts an Excel date serial (days since 1899-12-30)
// to a date, for date attributes in cells formatted as dates.
func excelSerialDate(text string) (string, bool) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 1 || f > 2958465 { // 2958465 is 9999-12-31
		return "", false
	}
	d := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(f)))
	return d.Format("2006-01-02"), true
}

// planCIs checks the rows of a CI sheet and decides for each whether it
// creates, updates or leaves a CI. Rows that change something go to sink
// (if set) as long as no problem has been found.
func planCIs(file, sheetName string, m sheet.Mapping, next func() (int, []string, bool), st *importState, res *ImportResult, sink func(*pendingCI)) {
	problem := func(row int, column string, reason store.Msg) {
		res.Problems = append(res.Problems, sheet.CellError{File: file, Sheet: sheetName, Row: row, Column: column, Reason: reason.String(), Msg: reason})
	}
	header := func(key string) string { return m.Header(m.Columns[key]) }
	// Extra columns are attributes when some type has an attribute of that
	// name; the rest are reported once and ignored.
	var attrCols []int
	for _, i := range m.Extra {
		known := false
		for _, ty := range st.types {
			if _, ok := ty.Attr(m.Headers[i]); ok {
				known = true
				break
			}
		}
		if known {
			attrCols = append(attrCols, i)
		} else {
			res.IgnoredColumns = append(res.IgnoredColumns, m.Header(i))
		}
	}
	firstRowOf := map[string]int{}
	refExists := func(ref string) bool { return st.byRef[ref] != nil }
	// A sheet repeats a handful of type names 100k times: resolve each once.
	typeOf := map[string]Type{}
	resolve := func(text string) (Type, error) {
		if t, ok := typeOf[text]; ok {
			return t, nil
		}
		t, err := ResolveType(st.types, text)
		if err == nil {
			typeOf[text] = t
		}
		return t, err
	}
	type attrKey struct {
		typeID int64
		col    int
	}
	attrOf := map[attrKey]*AttrDef{}
	attr := func(t Type, col int) (AttrDef, bool) {
		k := attrKey{t.ID, col}
		def, seen := attrOf[k]
		if !seen {
			if d, ok := t.Attr(m.Headers[col]); ok {
				def = &d
			}
			attrOf[k] = def
		}
		if def == nil {
			return AttrDef{}, false
		}
		return *def, true
	}
	for {
		rowNum, row, ok := next()
		if !ok {
			break
		}
		if blank(row) {
			continue
		}
		typeText, _ := m.Cell(row, "type")
		typeText = st.mapped("type", typeText)
		name, _ := m.Cell(row, "name")
		if typeText == "" {
			problem(rowNum, header("type"), store.M(MsgTypeRequired))
			continue
		}
		ty, err := resolve(typeText)
		if err != nil {
			problem(rowNum, header("type"), asMsg(err))
			continue
		}
		p := &pendingCI{line: rowNum, typeID: ty.ID}
		ref, hasRef := m.Cell(row, "ref")
		var dupKey string
		switch {
		case hasRef && ref != "":
			norm := NormalizeRef(ref)
			if !IsRef(norm) {
				problem(rowNum, header("ref"), store.M(MsgNotRef, "Value", ref))
				continue
			}
			if st.byRef[norm] == nil {
				problem(rowNum, header("ref"), store.M(MsgRefNotHere, "Ref", norm))
				continue
			}
			p.old, dupKey = st.full(st.byRef[norm]), norm
		default:
			p.old, dupKey = st.full(st.byKey[typeNameKey(ty.ID, name)]), typeNameKey(ty.ID, name)
		}
		if first, seen := firstRowOf[dupKey]; seen {
			problem(rowNum, "", store.M(MsgDuplicateCI, "Row", first))
			continue
		}
		firstRowOf[dupKey] = rowNum

		ci := CI{TypeKey: ty.Key, Attributes: map[string]string{}}
		if p.old != nil {
			ci = *p.old
			ci.TypeKey = ty.Key
			ci.Attributes = make(map[string]string, len(p.old.Attributes))
			for k, v := range p.old.Attributes {
				ci.Attributes[k] = v
			}
		}
		columnOf := map[string]string{"name": header("name"), "type": header("type")}
		bad := false
		setText := func(key string, dst *string) {
			if v, ok := m.Cell(row, key); ok {
				*dst = v
				columnOf[key] = header(key)
			}
		}
		setText("name", &ci.Name)
		setText("description", &ci.Description)
		setText("owner", &ci.Owner)
		setText("location", &ci.Location)
		setText("version", &ci.Version)
		if v, ok := m.Cell(row, "status"); ok && v != "" {
			status, err := ParseStatus(st.mapped("status", v))
			if err != nil {
				problem(rowNum, header("status"), asMsg(err))
				bad = true
				status = StatusInService // keep checking the rest of the row
			}
			ci.Status = status
		}
		if v, ok := m.Cell(row, "criticality"); ok && v != "" {
			n, err := parseCriticality(v)
			if err != nil {
				problem(rowNum, header("criticality"), asMsg(err))
				bad = true
				n = 3 // keep checking the rest of the row
			}
			ci.Criticality = n
		}
		for _, i := range attrCols {
			value := ""
			if i < len(row) {
				value = strings.TrimSpace(row[i])
			}
			def, ok := attr(ty, i)
			if !ok {
				if value != "" {
					problem(rowNum, m.Header(i), store.M(MsgNotAttribute, "Type", ty.Name))
					bad = true
				}
				continue
			}
			if def.Kind == AttrDate {
				if d, ok := excelSerialDate(value); ok {
					value = d
				}
			}
			ci.Attributes[def.Key] = value
			columnOf[def.Name] = m.Header(i)
		}
		// Every bad cell of the row is reported, not just the first.
		normalized, err := Normalize(ci, ty, refExists)
		if err != nil {
			if e, ok := err.(*store.Error); ok {
				for _, fp := range e.Fields {
					col := columnOf[fp.Field]
					if col == "" {
						col = fp.Field
					}
					problem(rowNum, col, fp.Msg)
				}
			} else {
				problem(rowNum, "", asMsg(err))
			}
			continue
		}
		if bad {
			continue
		}
		p.ci = normalized
		switch {
		case p.old == nil:
			p.action = "create"
			res.Created++
		case len(FieldChanges(*p.old, normalized)) > 0:
			p.action = "update"
			res.Updated++
		default:
			p.action = "unchanged"
			res.Unchanged++
		}
		res.pendingCIs = append(res.pendingCIs, p)
		if sink != nil && p.action != "unchanged" && len(res.Problems) == 0 {
			sink(p)
		}
	}
}

func appendUnique(list []*CI, c *CI) []*CI {
	for _, x := range list {
		if x == c {
			return list
		}
	}
	return append(list, c)
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
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

func planRelations(file string, t *sheet.Table, m sheet.Mapping, st *importState, res *ImportResult) {
	problem := func(row int, column string, reason store.Msg) {
		res.Problems = append(res.Problems, sheet.CellError{File: file, Sheet: t.Name, Row: row, Column: column, Reason: reason.String(), Msg: reason})
	}
	header := func(key string) string { return m.Header(m.Columns[key]) }
	firstRowOf := map[string]int{}
	for r := m.HeaderRow; r < len(t.Rows); r++ {
		row, rowNum := t.Rows[r], r+1
		if blank(row) {
			continue
		}
		fromText, _ := m.Cell(row, "from")
		kindText, _ := m.Cell(row, "kind")
		toText, _ := m.Cell(row, "to")
		group, _ := m.Cell(row, "group")
		from, err := st.resolveEndpoint(fromText)
		if err != nil {
			problem(rowNum, header("from"), asMsg(err))
		}
		to, err2 := st.resolveEndpoint(toText)
		if err2 != nil {
			problem(rowNum, header("to"), asMsg(err2))
		}
		kind, err3 := ParseKind(kindText)
		if err3 != nil {
			problem(rowNum, header("kind"), asMsg(err3))
		}
		if err != nil || err2 != nil || err3 != nil {
			continue
		}
		if from == to {
			problem(rowNum, header("to"), store.M(MsgSelfRelation))
			continue
		}
		key := fmt.Sprintf("%p %s %p", from, kind, to)
		if first, seen := firstRowOf[key]; seen {
			problem(rowNum, "", store.M(MsgDuplicateRelation, "Row", first))
			continue
		}
		firstRowOf[key] = rowNum
		p := pendingRelation{row: rowNum, from: from, to: to, kind: kind, group: group}
		if from.ID != 0 && to.ID != 0 {
			p.existing = st.rels[fmt.Sprintf("%d %s %d", from.ID, kind, to.ID)]
		}
		switch {
		case p.existing == nil:
			res.RelationsCreated++
		case p.existing.Group != group:
			res.RelationsRegrouped++
		default:
			res.RelationsUnchanged++
		}
		res.pendingRels = append(res.pendingRels, p)
	}
}

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

// mapped is value as the person mapped it for field, or value itself.
func (st *importState) mapped(field, value string) string {
	if to, ok := st.values[field][strings.TrimSpace(value)]; ok {
		return to
	}
	return value
}
