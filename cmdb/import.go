package cmdb

import (
	"context"
	"path/filepath"
	"strings"
	"sync"

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
	p.state = sync.OnceValue(func() error { return <-loaded })
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
	state func() error
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
