package cmdb

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"servicebook/sheet"
	"servicebook/store"
)

// writeWorkbook saves sheets (name -> rows) as an XLSX file in order.
func writeWorkbook(t testing.TB, dir, file string, order []string, sheets map[string][][]any) string {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else {
			f.NewSheet(name)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, file)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// chineseWorkbook is a CMDB export as a Chinese team keeps it: a title row,
// Chinese headers, attribute columns, and a relations sheet by name.
func chineseWorkbook(t testing.TB, dir string) string {
	return writeWorkbook(t, dir, "配置项.xlsx", []string{"配置项", "关系"}, map[string][][]any{
		"配置项": {
			{"XX公司 配置管理数据库 导出"},
			{"编号", "类型", "名称", "状态", "重要性", "负责人", "位置", "CPU核数", "数据库类型", "备注"},
			{"", "业务服务", "网上银行", "运行中", "1", "王芳", "", "", "", "零售客户"},
			{"", "应用系统", "核心银行系统", "在用", "高", "李伟", "北京", "", "", ""},
			{"", "数据库", "核心数据库", "运行中", "1", "张伟", "北京", "", "Oracle", ""},
			{"", "服务器", "db-node-a", "运行中", "2", "张伟", "北京", 32, "", ""},
			{"", "服务器", "db-node-b", "维护中", "2", "张伟", "上海", 32, "", ""},
		},
		"关系": {
			{"源", "关系", "目标", "冗余组"},
			{"网上银行", "依赖", "核心银行系统", ""},
			{"核心银行系统", "depends on", "核心数据库", ""},
			{"核心数据库", "运行于", "db-node-a", "cluster"},
			{"核心数据库", "runs on", "db-node-b", "cluster"},
		},
	})
}

func countRows(t testing.TB, s *Store, table string) int {
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportWorkbookDryRunThenRealThenAgain(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		path := chineseWorkbook(t, t.TempDir())

		dry, err := s.ImportFile(ctx, path, ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if dry.Created != 5 || dry.RelationsCreated != 4 || dry.CISheet != "配置项" || dry.RelSheet != "关系" {
			t.Errorf("dry run = %+v", dry)
		}
		if len(dry.IgnoredColumns) != 0 {
			t.Errorf("ignored columns %v; 备注 is the description", dry.IgnoredColumns)
		}
		if countRows(t, s, "ci") != 0 || countRows(t, s, "change_log") != 0 {
			t.Fatal("dry run wrote to the database")
		}

		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 5 || res.RelationsCreated != 4 || len(res.CreatedRefs) != 5 || res.CreatedRefs[0] != "CI-000001" {
			t.Errorf("import = %+v", res)
		}
		db, err := s.CI(ctx, "CI-000003")
		if err != nil {
			t.Fatal(err)
		}
		if db.Name != "核心数据库" || db.TypeKey != "database" || db.Attributes["engine"] != "Oracle" || db.Criticality != 1 {
			t.Errorf("imported database = %+v", db)
		}
		app, _ := s.CI(ctx, "CI-000002")
		if app.Criticality != 2 || app.Status != StatusInService {
			t.Errorf("app criticality/status = %d/%s", app.Criticality, app.Status)
		}
		hist, _ := s.History(ctx, "CI-000001")
		if len(hist) == 0 || hist[0].Source != "配置项.xlsx" {
			t.Errorf("history does not name the import file: %+v", hist)
		}
		// The imported relations drive impact analysis at once.
		rep, _ := s.Impact(ctx, []string{"CI-000004", "CI-000005"}, true, 0)
		if len(rep.Services()) != 1 {
			t.Errorf("both db nodes down impact %d services, want 1", len(rep.Services()))
		}

		again, err := s.ImportFile(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Unchanged != 5 || again.RelationsUnchanged != 4 || countRows(t, s, "ci") != 5 {
			t.Errorf("re-import duplicated: %+v, %d CIs", again, countRows(t, s, "ci"))
		}
	})
}

func TestImportUpdatesByReferenceAndLogsFields(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		dir := t.TempDir()
		if _, err := s.ImportFile(ctx, chineseWorkbook(t, dir), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		csv := "Reference,Type,Name,Owner,Memory (GB)\nCI-000004,server,db-node-a,Ops team,256\n"
		path := filepath.Join(dir, "update.csv")
		os.WriteFile(path, []byte(csv), 0o600)
		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Created != 0 {
			t.Fatalf("result = %+v", res)
		}
		ci, _ := s.CI(ctx, "CI-000004")
		// Columns the file does not have keep their values.
		if ci.Owner != "Ops team" || ci.Attributes["memory_gb"] != "256" || ci.Attributes["cpu_cores"] != "32" || ci.Location != "北京" {
			t.Errorf("updated CI = %+v", ci)
		}
		hist, _ := s.History(ctx, "CI-000004")
		last := hist[len(hist)-1]
		if last.Field != "attributes.memory_gb" || last.New != "256" || last.Source != "update.csv" {
			t.Errorf("last history entry = %+v", last)
		}
	})
}

func TestImportGBKCSVWithExplicitMapping(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		text := "设备名称,设备种类,负责人\r\n交换机-01,网络设备,赵强\r\n"
		gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
		path := filepath.Join(t.TempDir(), "设备.csv")
		os.WriteFile(path, []byte(gbk), 0o600)

		_, err := s.ImportFile(ctx, path, ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
			t.Fatalf("unknown headers: %v", err)
		}
		res, err := s.ImportFile(ctx, path, ImportOptions{Mapping: map[string]string{"name": "设备名称", "type": "设备种类"}})
		if err != nil {
			t.Fatal(err)
		}
		ci, _ := s.CI(ctx, res.CreatedRefs[0])
		if ci.Name != "交换机-01" || ci.TypeKey != "network_device" || ci.Owner != "赵强" {
			t.Errorf("imported %+v", ci)
		}
	})
}

func TestImportRefusesBadInputAndWritesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		dir := t.TempDir()
		if _, err := s.ImportFile(ctx, chineseWorkbook(t, dir), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		ciBefore, logBefore := countRows(t, s, "ci"), countRows(t, s, "change_log")

		csvFile := func(name, text string) string {
			p := filepath.Join(dir, name)
			os.WriteFile(p, []byte(text), 0o600)
			return p
		}
		cases := []struct {
			name string
			path string
			want []string // each must appear among the problems
		}{
			{"wrong value types", csvFile("types.csv", "Type,Name,Criticality,CPU cores,Warranty end\nserver,ok-1,2,8,2027-01-01\nserver,bad-1,urgent,8,\nserver,bad-2,2,eight,\nserver,bad-3,2,8,someday\nserver,bad-4,urgent,eight,\n"),
				[]string{
					`types.csv: row 3, column "Criticality": "urgent" is not a criticality`,
					`types.csv: row 4, column "CPU cores": "eight" is not a number`,
					`types.csv: row 5, column "Warranty end": "someday" is not a date`,
					`types.csv: row 6, column "Criticality": "urgent" is not a criticality`,
					`types.csv: row 6, column "CPU cores": "eight" is not a number`,
				}},
			{"unknown CI type", csvFile("type.csv", "Type,Name\nspaceship,Enterprise\n"),
				[]string{`type.csv: row 2, column "Type": "spaceship" is not a CI type`}},
			{"missing name", csvFile("noname.csv", "Type,Name\nserver,\n"),
				[]string{`noname.csv: row 2, column "Name": a CI needs a name`}},
			{"duplicate references in the file", csvFile("dup.csv", "Ref,Type,Name\nCI-000004,server,a\nCI-4,server,b\n"),
				[]string{`dup.csv: row 3: the same CI is already on row 2`}},
			{"duplicate new CIs in the file", csvFile("dupname.csv", "Type,Name\nserver,x\nServer,x\n"),
				[]string{`dupname.csv: row 3: the same CI is already on row 2`}},
			{"reference not in the database", csvFile("ref.csv", "Ref,Type,Name\nCI-000999,server,x\n"),
				[]string{`ref.csv: row 2, column "Ref": CI-000999 is not in this database`}},
			{"relation to a CI that does not exist", writeWorkbook(t, dir, "rel.xlsx", []string{"CIs", "Relations"}, map[string][][]any{
				"CIs":       {{"Type", "Name"}, {"server", "new-1"}},
				"Relations": {{"From", "Kind", "To"}, {"new-1", "runs on", "ghost"}, {"new-1", "loves", "CI-000004"}, {"new-1", "runs on", "CI-000999"}, {"new-1", "runs on", "new-1"}},
			}), []string{
				`rel.xlsx: sheet "Relations", row 2, column "To": no CI is named "ghost"`,
				`rel.xlsx: sheet "Relations", row 3, column "Kind": "loves" is not a relation kind`,
				`rel.xlsx: sheet "Relations", row 4, column "To": CI-000999 does not exist`,
				`rel.xlsx: sheet "Relations", row 5, column "To": a CI cannot relate to itself`,
			}},
			{"attribute of another type", csvFile("attr.csv", "Type,Name,Engine\napplication,x,Oracle\n"),
				[]string{`attr.csv: row 2, column "Engine": is not an attribute of type "Application"`}},
			{"no usable header", csvFile("nohead.csv", "a,b\n1,2\n"),
				[]string{`nohead.csv: no sheet has a header row`}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, err := s.ImportFile(ctx, c.path, ImportOptions{})
				if store.ErrorCode(err) != store.EInvalid {
					t.Fatalf("err = %v, want EInvalid", err)
				}
				var got []string
				for _, p := range res.Problems {
					got = append(got, p.Error())
				}
				for _, w := range c.want {
					found := false
					for _, g := range got {
						if strings.HasPrefix(g, w) {
							found = true
						}
					}
					if !found {
						t.Errorf("missing problem %q\n got %q", w, got)
					}
				}
				if len(got) != len(c.want) {
					t.Errorf("got %d problems, want %d: %q", len(got), len(c.want), got)
				}
				if countRows(t, s, "ci") != ciBefore || countRows(t, s, "change_log") != logBefore {
					t.Error("a refused import wrote to the database")
				}
			})
		}
	})
}

func TestImportCancelWritesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		var b strings.Builder
		b.WriteString("Type,Name\n")
		for i := 0; i < 2500; i++ {
			fmt.Fprintf(&b, "server,srv-%04d\n", i)
		}
		path := filepath.Join(t.TempDir(), "many.csv")
		os.WriteFile(path, []byte(b.String()), 0o600)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		_, err := s.ImportFile(ctx, path, ImportOptions{Progress: func(done, total int) {
			calls++
			// Rows are written in batches: the report comes with the batch
			// that passes the thousandth row.
			if done < 1000 || done >= 1000+writeBatch {
				t.Errorf("first progress report at %d rows", done)
			}
			cancel() // the person pressed Cancel after the first progress report
		}})
		if err == nil || !strings.Contains(err.Error(), "cancelled") {
			t.Fatalf("err = %v, want cancelled", err)
		}
		if calls != 1 || countRows(t, s, "ci") != 0 {
			t.Errorf("progress calls %d, CIs %d; want 1 and 0", calls, countRows(t, s, "ci"))
		}
	})
}

func FuzzImportCSV(f *testing.F) {
	f.Add("Type,Name,Status,Criticality\nserver,a,运行中,1\n")
	f.Add("编号,类型,名称\nCI-000001,服务器,x\n")
	f.Add("From,Kind,To\na,runs on,b\n")
	f.Add("Type,Name,Warranty end,CPU cores\nserver,a,46000,1e400\n")
	f.Add("类型;名称;重要性\n服务器;\"x;y\";高\n")
	s := mustStore(f)
	ctx := context.Background()
	mustCreate(f, s, CI{TypeKey: "server", Name: "a"})
	mustCreate(f, s, CI{TypeKey: "server", Name: "b"})
	f.Fuzz(func(t *testing.T, text string) {
		table, err := sheet.ParseCSV("fuzz.csv", []byte(text), sheet.Limits{MaxFileBytes: 1 << 20, MaxRows: 1000})
		if err != nil {
			return
		}
		res, err := s.Import(ctx, &sheet.Book{File: "fuzz.csv", Sheets: []sheet.Table{table}}, ImportOptions{DryRun: true})
		if err != nil && store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("internal error on user input: %v", err)
		}
		if (err != nil) != (len(res.Problems) > 0) {
			t.Fatalf("err %v with %d problems", err, len(res.Problems))
		}
		for _, p := range res.Problems {
			if !strings.HasPrefix(p.Error(), "fuzz.csv: ") {
				t.Fatalf("problem does not name the file: %v", p)
			}
		}
	})
}

func TestImportRelationsSheetBeforeCISheet(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		path := writeWorkbook(t, t.TempDir(), "order.xlsx", []string{"关系", "配置项"}, map[string][][]any{
			"关系":  {{"源", "关系", "目标"}, {"app-1", "运行于", "vm-1"}},
			"配置项": {{"类型", "名称"}, {"应用系统", "app-1"}, {"虚拟机", "vm-1"}},
		})
		res, err := s.ImportFile(context.Background(), path, ImportOptions{})
		if err != nil {
			t.Fatalf("%v %v", err, res.Problems)
		}
		if res.Created != 2 || res.RelationsCreated != 1 || res.RelSheet != "关系" || res.CISheet != "配置项" {
			t.Errorf("result: %d created, %d related, sheets %q/%q", res.Created, res.RelationsCreated, res.CISheet, res.RelSheet)
		}
		rels, _ := s.Relations(context.Background(), "CI-000001")
		if len(rels) != 1 || rels[0].Kind != RunsOn {
			t.Errorf("relations = %+v", rels)
		}
	})
}

func TestRefusedImportKeepsReferenceNumbering(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad.csv")
		// The bad row comes last, after many good rows have been written into
		// the open transaction.
		var b strings.Builder
		b.WriteString("Type,Name\n")
		for i := 0; i < 1500; i++ {
			fmt.Fprintf(&b, "server,ok-%d\n", i)
		}
		b.WriteString("spaceship,bad\n")
		os.WriteFile(bad, []byte(b.String()), 0o600)
		if _, err := s.ImportFile(ctx, bad, ImportOptions{}); store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("err = %v", err)
		}
		if n := countRows(t, s, "ci"); n != 0 {
			t.Fatalf("%d CIs kept from a refused import", n)
		}
		ci := mustCreate(t, s, CI{TypeKey: "server", Name: "after"})
		if ci.Ref != "CI-000001" {
			t.Errorf("first CI after a refused import is %s, want CI-000001", ci.Ref)
		}
		good := filepath.Join(dir, "good.csv")
		os.WriteFile(good, []byte("Type,Name\nserver,a\nserver,b\n"), 0o600)
		res, err := s.ImportFile(ctx, good, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		next := mustCreate(t, s, CI{TypeKey: "server", Name: "next"})
		if res.CreatedRefs[1] != "CI-000003" || next.Ref != "CI-000004" {
			t.Errorf("refs %v then %s; want no gaps", res.CreatedRefs, next.Ref)
		}
	})
}

// TestDamagedWorkbookImportsNothing: a workbook whose sheet breaks halfway
// used to import the rows before the break and report success; now the
// rows already written in the transaction are rolled back.
func TestDamagedWorkbookImportsNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rows := [][]any{{"Type", "Name"}}
		for i := 0; i < 3000; i++ {
			rows = append(rows, []any{"server", fmt.Sprintf("srv-%05d", i)})
		}
		path := writeWorkbook(t, t.TempDir(), "servers.xlsx", []string{"CIs"}, map[string][][]any{"CIs": rows})
		data, _ := os.ReadFile(path)
		// Cut the sheet's XML at row 2,000, keeping the zip itself sound.
		broken := rezipSheet(t, data, func(b []byte) []byte {
			i := strings.Index(string(b), `<row r="2000"`)
			return b[:i+10]
		})
		os.WriteFile(path, broken, 0o600)
		before, logBefore := countRows(t, s, "ci"), countRows(t, s, "change_log")
		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), `sheet "CIs" breaks after row 1999`) {
			t.Fatalf("import of a damaged workbook: %d created, %v", res.Created, err)
		}
		if countRows(t, s, "ci") != before || countRows(t, s, "change_log") != logBefore {
			t.Error("a damaged workbook wrote CIs")
		}
	})
}

func rezipSheet(t *testing.T, data []byte, change func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "xl/worksheets/sheet1.xml" {
			body = change(body)
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	return out.Bytes()
}

// TestControlCharactersAreRefused: an escape sequence in a name, from a
// file or from a form, is refused with the field named; a tab is fine, and
// a newline only in the description.
func TestControlCharactersAreRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "escape.csv")
		os.WriteFile(path, []byte("Type,Name,Owner\nserver,\"evil\x1b[2Jname\",ok\nserver,bell,\"a\x07b\"\n"), 0o600)
		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if store.ErrorCode(err) != store.EInvalid || len(res.Problems) != 2 ||
			!strings.Contains(res.Problems[0].Error(), `row 2, column "Name": holds a control character (U+001B) at position 5`) ||
			!strings.Contains(res.Problems[1].Error(), `row 3, column "Owner": holds a control character (U+0007)`) {
			t.Errorf("%v %v", res.Problems, err)
		}
		if _, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: "nul\x00byte"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a NUL in a name: %v", err)
		}
		if _, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: "tab\tname", Description: "two\nlines"}); err != nil {
			t.Errorf("a tab in a name and a newline in a description: %v", err)
		}
		if _, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: "two\nlines"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a newline in a name: %v", err)
		}
	})
}
