package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// Sources are the stores the full workbook reads.
type Sources struct {
	CMDB       *cmdb.Store
	Continuity *continuity.Store
	Budget     *budget.Store
	Capacity   *capacity.Store // nil: no capacity sheets
}

// WorkbookOptions are the choices of a full workbook.
type WorkbookOptions struct {
	Lang string    // "en" or "zh": the headers and words
	AsOf time.Time // stored as the file's dates and used for "to date" figures: same data, same time, same bytes
	// Zone is the time zone outage times are written in (and read back
	// in by the outage import's --tz); Asia/Shanghai when nil.
	Zone    *time.Location
	Version string // the program's version, on the About sheet
	// ChangeLogPosition is the newest change-log entry the workbook
	// includes, on the About sheet: a later pack with the same position
	// holds the same records.
	ChangeLogPosition int64
}

// column is a column of a workbook sheet: its header in both languages and
// its width in characters.
type column struct {
	en, zh string
	width  float64
}

// book is a workbook being written sheet by sheet through excelize's
// stream writer, so that memory stays bounded by one page of records.
type book struct {
	f      *excelize.File
	opt    WorkbookOptions
	sheets []sheetCount
	// Styles.
	head, date, dateTime, number, percent int
	money                                 map[int]int // by the currency's decimals
}

// sheetCount is a sheet written and its rows, for the About sheet.
type sheetCount struct {
	name string
	rows int
}

// Workbook writes every record to one XLSX workbook at path: a sheet per
// record type with typed cells, a frozen header and filter buttons, in
// the language opt.Lang. The CI, relation, outage, budget and actuals
// sheets re-import through their importers unchanged. The file is written
// safely (a failure leaves the previous file).
func Workbook(ctx context.Context, path string, src Sources, opt WorkbookOptions) error {
	if !strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx", path)
	}
	data, err := WorkbookBytes(ctx, src, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// WorkbookBytes is Workbook into memory.
func WorkbookBytes(ctx context.Context, src Sources, opt WorkbookOptions) ([]byte, error) {
	if opt.Zone == nil {
		zone, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			zone = time.FixedZone("CST", 8*3600)
		}
		opt.Zone = zone
	}
	// Writing 100k CIs and 490k relations allocates a gigabyte of
	// short-lived cells while little stays live (the stream writer spills
	// to a file): the collector, at its default pace, took a third of the
	// time. A slower pace for the export's duration (restored after) keeps
	// the live heap as small and the collection cost a fifth.
	defer pacedGC()()
	b, err := newBook(opt)
	if err != nil {
		return nil, err
	}
	defer b.f.Close()
	for _, write := range []func(context.Context, Sources) error{b.cmdbSheets, b.configAuditSheets, b.continuitySheets, b.availabilitySheets, b.budgetSheets, b.capacitySheets} {
		if err := write(ctx, src); err != nil {
			return nil, err
		}
	}
	if err := b.about(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the workbook: %w", err)
	}
	return canonicalZip(buf.Bytes())
}

func newBook(opt WorkbookOptions) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, opt: opt, money: map[int]int{}}
	// The file's own dates are the "as of" time, so that the same records
	// give the same bytes.
	at := opt.AsOf.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Created: at, Modified: at, Creator: "servicebook", LastModifiedBy: "servicebook",
		Title: b.t("servicebook records", "servicebook 记录"), Language: map[string]string{"en": "en-GB", "zh": "zh-CN"}[opt.Lang]}); err != nil {
		return nil, err
	}
	f.SetSheetName("Sheet1", b.t("About", "说明"))
	styles := []struct {
		dst   *int
		style excelize.Style
	}{
		{&b.head, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&b.date, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&b.dateTime, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")}},
		{&b.number, excelize.Style{CustomNumFmt: ptr("0.00")}},
		{&b.percent, excelize.Style{CustomNumFmt: ptr("0.000")}},
	}
	for _, s := range styles {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.dst = id
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

// t is the text in the workbook's language.
func (b *book) t(en, zh string) string {
	if b.opt.Lang == "zh" {
		return zh
	}
	return en
}

// word is one of the program's words (a status, a kind) in the workbook's
// language, from the window's translations.
func (b *book) word(english string) string { return translate(b.opt.Lang, english) }

// tableName makes an Excel table name from a sheet's English name: letters,
// digits and _ only, unique in the book.
var notTableChar = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// sheet writes one sheet: the header, every row fill adds, column widths,
// a frozen header row and a table over the whole so that every column has
// a filter button (an autofilter set after a stream writer is lost).
func (b *book) sheet(en, zh string, cols []column, fill func(add func(cells ...any) error) error) error {
	name := b.t(en, zh)
	if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, max(c.width, 6)); err != nil {
			return err
		}
		header[i] = excelize.Cell{Value: b.t(c.en, c.zh), StyleID: b.head}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rows := 0
	err = fill(func(cells ...any) error {
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, rows+1)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), max(rows, 1)+1)
	stripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: notTableChar.ReplaceAllString(en, "_"),
		StyleName: "TableStyleLight1", ShowRowStripes: &stripes}); err != nil {
		return fmt.Errorf("filter on %s: %w", name, err)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	b.sheets = append(b.sheets, sheetCount{name: name, rows: rows})
	return nil
}

// text is a text cell, or no cell for an empty text. excelize writes a
// string as a string whatever it begins with (= + - @ included): a value
// never becomes a formula.
func text(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

// day is a YYYY-MM-DD text as a date cell; anything else stays text.
func (b *book) day(s string) any {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return excelize.Cell{StyleID: b.date, Value: d}
	}
	return text(s)
}

// when is a moment as a date-and-time cell in the workbook's time zone,
// or no cell for the zero time (an outage still open).
func (b *book) when(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	l := t.In(b.opt.Zone)
	// excelize stores a time's wall clock; give it the zone's.
	wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	return excelize.Cell{StyleID: b.dateTime, Value: wall}
}

// hours is a duration as a number of hours, or no cell for none.
func (b *book) hours(d time.Duration) any {
	if d <= 0 {
		return nil
	}
	return excelize.Cell{StyleID: b.number, Value: math.Round(d.Hours()*100) / 100}
}

// pct is a percentage (99.95) as a number with three decimals.
func (b *book) pct(v float64) any { return excelize.Cell{StyleID: b.percent, Value: v} }

// yesNo is a flag in words the importers read back (yes/no, 是/否).
func (b *book) yesNo(v bool) string {
	if v {
		return b.t("yes", "是")
	}
	return b.t("no", "否")
}

// amount is money as a number in the currency's format: 1,234.56 for
// CNY, 1,235 for JPY.
func (b *book) amount(m budget.Money, decimals int) (any, error) {
	style, ok := b.money[decimals]
	if !ok {
		format := "#,##0"
		if decimals > 0 {
			format += "." + strings.Repeat("0", decimals)
		}
		id, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return nil, err
		}
		b.money[decimals], style = id, id
	}
	return excelize.Cell{StyleID: style, Value: float64(m) / math.Pow10(decimals)}, nil
}

// about fills the first sheet: what the workbook is, as of when, from
// which records, and what each sheet holds.
func (b *book) about() error {
	sh := b.t("About", "说明")
	rows := [][]any{
		{b.t("servicebook records", "servicebook 记录")},
		{},
		{b.t("As of", "截至"), b.opt.AsOf.In(b.opt.Zone).Format("2006-01-02 15:04 MST")},
		{b.t("Program version", "程序版本"), b.opt.Version},
		{b.t("Change log position", "变更日志位置"), b.opt.ChangeLogPosition},
		{b.t("Times are in", "时间所在时区"), b.opt.Zone.String()},
		{},
		{b.t("Sheet", "工作表"), b.t("Rows", "行数")},
	}
	for _, s := range b.sheets {
		rows = append(rows, []any{s.name, s.rows})
	}
	rows = append(rows, []any{}, []any{b.t(
		"The CIs, Relations, Outages, Budget and Actuals sheets import back unchanged: servicebook import cis, outage import --tz, budget import --sheet, budget actuals import --sheet --whole-year.",
		"配置项、关系、中断、预算和实际支出工作表可原样导回：servicebook import cis、outage import --tz、budget import --sheet、budget actuals import --sheet --whole-year。")})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := b.f.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
	}
	bold, err := b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	b.f.SetCellStyle(sh, "A1", "A1", bold)
	b.f.SetCellStyle(sh, "A8", "B8", b.head)
	b.f.SetColWidth(sh, "A", "A", 28)
	b.f.SetColWidth(sh, "B", "B", 30)
	b.f.SetActiveSheet(0)
	return nil
}

// pipelined runs read in a goroutine and adds the rows it emits, handed
// over in batches: reading the database and compressing the workbook then
// share two cores instead of taking turns. If add fails, read is stopped
// (its emit returns errStopped) and add's error returned.
func pipelined(read func(emit func(...any) error) error, add func(...any) error) error {
	const batchSize = 1000
	batches := make(chan [][]any, 4)
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		batch := make([][]any, 0, batchSize)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([][]any, 0, batchSize)
				return nil
			case <-stop:
				return errStopped
			}
		}
		err := read(func(cells ...any) error {
			batch = append(batch, cells)
			if len(batch) == batchSize {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		readErr <- err
	}()
	for batch := range batches {
		for _, row := range batch {
			if err := add(row...); err != nil {
				close(stop)
				for range batches { // let the reader finish
				}
				<-readErr
				return err
			}
		}
	}
	return <-readErr
}

var errStopped = errors.New("stopped: the workbook could not be written")

// The collector's pace is the process's: two exports at once (a pack and a
// workbook from the window) must not leave it slowed, so the first to start
// slows it and the last to finish restores it.
var (
	gcMu      sync.Mutex
	gcUsers   int
	gcPercent int
)

func pacedGC() (restore func()) {
	gcMu.Lock()
	if gcUsers == 0 {
		gcPercent = debug.SetGCPercent(400)
	}
	gcUsers++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcUsers--
		if gcUsers == 0 {
			debug.SetGCPercent(gcPercent)
		}
		gcMu.Unlock()
	}
}
