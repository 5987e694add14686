package cmdb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) {
	// TestDesktopsInSeparateProcesses runs this binary again as each
	// desktop: it does that desktop's work and exits.
	if db := os.Getenv("SERVICEBOOK_TEST_DESKTOP_DB"); db != "" {
		os.Exit(desktopProcess(db, os.Getenv("SERVICEBOOK_TEST_DESKTOP")))
	}
	os.Exit(pgtest.Run(m))
}

// processSaves and processAdds are what each desktop process does.
const processSaves, processAdds = 20, 10

// desktopProcess is one desktop of TestDesktopsInSeparateProcesses: it
// saves its own CI ("proc-N") processSaves times and adds processAdds CIs.
func desktopProcess(path, n string) int {
	ctx := store.WithSource(context.Background(), "process "+n)
	db, err := store.Open(ctx, path)
	if err == nil {
		defer db.Close()
		var s *Store
		if s, err = NewStore(ctx, db); err == nil {
			err = func() error {
				found, err := s.Search(ctx, "proc-"+n, 1)
				if err != nil || len(found) != 1 {
					return fmt.Errorf("proc-%s: %v (%d found)", n, err, len(found))
				}
				for i := range processSaves {
					c, err := s.CI(ctx, found[0].Ref)
					if err != nil {
						return err
					}
					c.Owner = fmt.Sprintf("process %s, save %d", n, i)
					if _, err := s.UpdateCI(ctx, c); err != nil {
						return err
					}
					if i < processAdds {
						if _, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: fmt.Sprintf("added-%s-%d", n, i), Status: StatusPlanned, Criticality: 4}); err != nil {
							return err
						}
					}
				}
				return nil
			}()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "desktop", n+":", err)
		return 1
	}
	return 0
}

// TestCMDBOnEachBackend walks what a person does with the CMDB — types,
// CIs, a stale save, relations and impact, the list sorted and paged,
// search in Chinese and by reference, a baseline and its differences, an
// import that creates and updates, a delete — on a database file and on a
// PostgreSQL server, with the same results and the same change log.
func TestCMDBOnEachBackend(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := store.WithSource(context.Background(), store.SourceCLI)
		s, err := NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		rack, err := s.SaveType(ctx, Type{Key: "rack", Name: "Rack", NameZh: "机柜"})
		if err != nil || rack.ID == 0 {
			t.Fatalf("type: %+v, %v", rack, err)
		}
		create := func(ci CI) CI {
			t.Helper()
			got, err := s.CreateCI(ctx, ci)
			if err != nil {
				t.Fatalf("create %s: %v", ci.Name, err)
			}
			return got
		}
		pay := create(CI{TypeKey: "business_service", Name: "网上支付", Status: StatusInService, Criticality: 1, Owner: "张伟"})
		app := create(CI{TypeKey: "application", Name: "支付网关", Status: StatusInService, Criticality: 1, Owner: "李娜"})
		db1 := create(CI{TypeKey: "database", Name: "核心数据库服务器", Status: StatusInService, Criticality: 1,
			Location: "北京主数据中心", Attributes: map[string]string{"engine": "Oracle"}})
		db2 := create(CI{TypeKey: "database", Name: "核心数据库备机", Status: StatusInService, Criticality: 2, Location: "上海灾备中心"})
		if pay.Ref != "CI-000001" || db2.Ref != "CI-000004" || db2.ID == db1.ID {
			t.Fatalf("refs %s … %s, ids %d %d", pay.Ref, db2.Ref, db1.ID, db2.ID)
		}

		// A save based on an older read is refused, not merged.
		first, second := app, app
		first.Owner = "王芳"
		if _, err := s.UpdateCI(ctx, first); err != nil {
			t.Fatal(err)
		}
		second.Description = "stale"
		if _, err := s.UpdateCI(ctx, second); store.ErrorCode(err) != store.EConflict {
			t.Errorf("stale save: %v, want a conflict", err)
		}

		// Relations and impact, with redundancy.
		for _, r := range []struct{ from, to, group string }{
			{pay.Ref, app.Ref, ""}, {app.Ref, db1.Ref, "db"}, {app.Ref, db2.Ref, "db"},
		} {
			if _, err := s.Relate(ctx, r.from, DependsOn, r.to, r.group); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Relate(ctx, pay.Ref, DependsOn, app.Ref, ""); store.ErrorCode(err) != store.EConflict {
			t.Errorf("the same relation twice: %v", err)
		}
		rep, err := s.Impact(ctx, []string{db1.Ref}, true, 0)
		if err != nil || rep.Total != 0 {
			t.Errorf("one of two redundant databases down: %d impacted (%v), want 0", rep.Total, err)
		}
		rep, err = s.Impact(ctx, []string{db1.Ref, db2.Ref}, true, 0)
		if err != nil || rep.Total != 2 || rep.TotalServices != 1 {
			t.Errorf("both databases down: %d impacted, %d services (%v)", rep.Total, rep.TotalServices, err)
		}

		// The list, sorted by name in pinyin and paged.
		list, total, err := s.ListCIs(ctx, Filter{Sort: "name", Limit: 2, Offset: 1})
		if err != nil || total != 4 || len(list) != 2 || list[0].Name != "核心数据库服务器" || list[1].Name != "网上支付" {
			t.Errorf("page 2 by name: %d of %d, %v (%v)", len(list), total, ciNames(list), err)
		}

		// Search: a word inside Chinese text, a short word, a reference,
		// an attribute value; name matches first.
		for q, want := range map[string]string{
			"数据库": "核心数据库服务器 核心数据库备机", "库": "核心数据库服务器 核心数据库备机",
			"ci-000002": "支付网关", "oracle": "核心数据库服务器", "北京 核心": "核心数据库服务器", "nothing-here": "",
		} {
			found, err := s.Search(ctx, q, 10)
			if err != nil || strings.Join(ciNames(found), " ") != want {
				t.Errorf("search %q: %v (%v), want %q", q, ciNames(found), err, want)
			}
		}

		// A baseline, then a change, then the difference.
		if _, err := s.TakeBaseline(ctx, "2026年11月", "before the move"); err != nil {
			t.Fatal(err)
		}
		moved, _ := s.CI(ctx, db2.Ref)
		moved.Location = "上海新机房"
		if _, err := s.UpdateCI(ctx, moved); err != nil {
			t.Fatal(err)
		}
		diff, err := s.DiffBaselines(ctx, "2026年11月", "")
		if err != nil || len(diff.Changed) != 1 || diff.Changed[0].Ref != db2.Ref {
			t.Errorf("diff: %+v (%v)", diff.Changed, err)
		}

		// An import that updates one CI and creates another.
		path := filepath.Join(t.TempDir(), "cmdb.csv")
		os.WriteFile(path, []byte("Type,Name,Owner\ndatabase,核心数据库备机,赵强\nrack,A01机柜,机房组\n"), 0o600)
		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if err != nil || res.Created != 1 || res.Updated != 1 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		if found, _ := s.Search(ctx, "A01", 5); len(found) != 1 || found[0].TypeKey != "rack" {
			t.Errorf("the imported CI is not found: %v", ciNames(found))
		}

		// A delete takes its relations with it.
		if err := s.DeleteCI(ctx, db2.Ref); err != nil {
			t.Fatal(err)
		}
		if rels, _ := s.Relations(ctx, app.Ref); len(rels) != 2 {
			t.Errorf("%d relations of the gateway after the delete, want 2", len(rels))
		}

		// A CI that other records refer to is not deleted: they are named.
		if _, err := db.ExecContext(ctx, "INSERT INTO outage (service_id, starts_at) VALUES (?, ?)", pay.ID, "2026-11-01T00:00:00Z"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCI(ctx, pay.Ref); store.ErrorCode(err) != store.EConflict || !strings.Contains(err.Error(), "outage") {
			t.Errorf("deleting a service with an outage: %v", err)
		}

		// Every write is in the change log, with its source.
		changes, err := db.Changes(ctx, "ci", app.ID)
		if err != nil || len(changes) < 4 {
			t.Fatalf("gateway's log: %d entries (%v)", len(changes), err)
		}
		if changes[0].Field != "created" || changes[1].Field != "owner" || changes[1].New != "王芳" || changes[0].Who != "tester" {
			t.Errorf("gateway's log starts %+v, %+v", changes[0], changes[1])
		}
		imported, _ := db.Changes(ctx, "ci", db2.ID)
		sources := map[string]bool{}
		for _, c := range imported {
			sources[c.Source] = true
		}
		if !sources["cli"] || !sources[filepath.Base(path)] {
			t.Errorf("the backup database's log sources: %v", sources)
		}
	})
}

func ciNames(cis []CI) []string {
	var out []string
	for _, c := range cis {
		out = append(out, c.Name)
	}
	return out
}

// eachStore runs a store test on a database file and on a server database
// (store.EachBackend), with the CMDB opened on each.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, err := NewStore(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
}

// TestDesktopsWriteAtOnce: ten desktops, each with its own connection to
// the same database, save their own CIs and add new ones while one of them
// imports 300 rows and two of them keep editing the same CI. Nothing is
// lost: every save of one's own CI lands (its row version counts them),
// the shared CI's saves that were not refused as stale all land, new CIs
// are numbered without gaps or repeats, the import is whole, and the
// change log holds an entry for every change.
func TestDesktopsWriteAtOnce(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := store.WithSource(context.Background(), store.SourceGUI)
		first, err := NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		const desktops, saves, adds = 10, 15, 5
		var own []CI
		for i := range desktops {
			c, err := first.CreateCI(ctx, CI{TypeKey: "server", Name: fmt.Sprintf("srv-%02d", i), Status: StatusInService, Criticality: 3})
			if err != nil {
				t.Fatal(err)
			}
			own = append(own, c)
		}
		shared, _ := first.CreateCI(ctx, CI{TypeKey: "server", Name: "共享服务器", Status: StatusInService, Criticality: 3})
		var csv strings.Builder
		csv.WriteString("Type,Name,Location\n")
		for i := range 300 {
			fmt.Fprintf(&csv, "server,imported-%03d,机房%d\n", i, i%5)
		}
		path := filepath.Join(t.TempDir(), "import.csv")
		os.WriteFile(path, []byte(csv.String()), 0o600)

		var wg sync.WaitGroup
		var mu sync.Mutex
		var problems []string
		sharedSaves := 0
		fail := func(format string, args ...any) {
			mu.Lock()
			problems = append(problems, fmt.Sprintf(format, args...))
			mu.Unlock()
		}
		for d := range desktops {
			wg.Go(func() {
				mine, err := store.Open(ctx, db.Path) // a desktop of its own
				if err != nil {
					fail("desktop %d opens: %v", d, err)
					return
				}
				defer mine.Close()
				s, err := NewStore(ctx, mine)
				if err != nil {
					fail("desktop %d: %v", d, err)
					return
				}
				if d == 0 {
					if _, err := s.ImportFile(ctx, path, ImportOptions{}); err != nil {
						fail("import: %v", err)
					}
				}
				for n := range saves {
					c, err := s.CI(ctx, own[d].Ref)
					if err == nil {
						c.Owner = fmt.Sprintf("desktop %d, save %d", d, n)
						_, err = s.UpdateCI(ctx, c)
					}
					if err != nil {
						fail("desktop %d, save %d: %v", d, n, err)
					}
					if n < adds {
						if _, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: fmt.Sprintf("new-%d-%d", d, n), Status: StatusPlanned, Criticality: 4}); err != nil {
							fail("desktop %d adds: %v", d, err)
						}
					}
					if d < 2 { // these two also edit the same CI
						c, err := s.CI(ctx, shared.Ref)
						if err == nil {
							c.Description = fmt.Sprintf("edited by desktop %d, %d", d, n)
							_, err = s.UpdateCI(ctx, c)
						}
						switch {
						case err == nil:
							mu.Lock()
							sharedSaves++
							mu.Unlock()
						case store.ErrorCode(err) != store.EConflict:
							fail("shared CI, desktop %d: %v", d, err)
						}
					}
				}
			})
		}
		wg.Wait()
		for _, p := range problems {
			t.Error(p)
		}
		for _, c := range own {
			got, _ := first.CI(ctx, c.Ref)
			if got.RowVersion != 1+saves {
				t.Errorf("%s: row version %d, want %d (a save was lost)", c.Ref, got.RowVersion, 1+saves)
			}
			if log, _ := db.Changes(ctx, "ci", c.ID); len(log) != 1+saves {
				t.Errorf("%s: %d log entries, want %d", c.Ref, len(log), 1+saves)
			}
		}
		got, _ := first.CI(ctx, shared.Ref)
		if got.RowVersion != int64(1+sharedSaves) || sharedSaves == 0 {
			t.Errorf("shared CI: row version %d after %d saves that were not refused", got.RowVersion, sharedSaves)
		}
		all, total, err := first.ListCIs(ctx, Filter{})
		want := desktops + 1 + 300 + desktops*adds
		if err != nil || total != want {
			t.Fatalf("%d CIs (%v), want %d", total, err, want)
		}
		seen := map[string]bool{}
		for _, c := range all {
			seen[c.Ref] = true
		}
		for n := 1; n <= want; n++ {
			if !seen[RefNumber(int64(n))] {
				t.Errorf("%s is missing: numbering has a gap", RefNumber(int64(n)))
			}
		}
	})
}

// TestOthersSeeChanges: a desktop watching the database is told which CI
// another desktop saved, is told "CIs" when an import writes hundreds, and
// is told nothing of an import that was refused.
func TestOthersSeeChanges(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s, err := NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		other, err := store.Open(ctx, db.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		told := make(chan []store.Changed, 16)
		go other.Watch(ctx, func(c []store.Changed) { told <- c })
		next := func(what string) []store.Changed {
			t.Helper()
			select {
			case c := <-told:
				return c
			case <-time.After(10 * time.Second):
				t.Fatalf("not told of %s", what)
				return nil
			}
		}
		if c := next("listening"); c != nil {
			t.Fatalf("first call %v, want none (listening)", c)
		}
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("Type,Name,Criticality\nserver,x,urgent\n"), 0o600)
		if _, err := s.ImportFile(ctx, bad, ImportOptions{}); err == nil {
			t.Fatal("a bad import was not refused")
		}
		c, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: "新服务器", Status: StatusInService, Criticality: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := next("a new CI"); len(got) != 1 || got[0] != (store.Changed{Entity: "ci", ID: c.ID}) {
			t.Errorf("told %v, want ci:%d (and nothing of the refused import)", got, c.ID)
		}
		var csv strings.Builder
		csv.WriteString("Type,Name\n")
		for i := range 300 {
			fmt.Fprintf(&csv, "server,many-%03d\n", i)
		}
		many := filepath.Join(t.TempDir(), "many.csv")
		os.WriteFile(many, []byte(csv.String()), 0o600)
		if _, err := s.ImportFile(ctx, many, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := next("an import"); len(got) != 1 || got[0] != (store.Changed{Entity: "ci"}) {
			t.Errorf("told %v of an import of 300, want ci:*", got)
		}
	})
}

// TestDesktopsInSeparateProcesses: four desktops as four processes of
// their own write to the same database file or server at once: every save
// lands, the CIs they add are numbered without gap or repeat, and each
// change is logged with its process's source.
func TestDesktopsInSeparateProcesses(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		const processes = 4
		var own []CI
		for n := range processes {
			c, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: fmt.Sprintf("proc-%d", n), Status: StatusInService, Criticality: 3})
			if err != nil {
				t.Fatal(err)
			}
			own = append(own, c)
		}
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for n := range processes {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			out := &strings.Builder{}
			cmd.Stdout, cmd.Stderr = out, out
			cmd.Env = append(os.Environ(), "SERVICEBOOK_TEST_DESKTOP_DB="+db.Path, fmt.Sprintf("SERVICEBOOK_TEST_DESKTOP=%d", n))
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		for n, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("desktop process %d: %v\n%s", n, err, outs[n])
			}
		}
		for n, c := range own {
			got, _ := s.CI(ctx, c.Ref)
			if got.RowVersion != 1+processSaves {
				t.Errorf("%s: row version %d, want %d", c.Ref, got.RowVersion, 1+processSaves)
			}
			log, _ := db.Changes(ctx, "ci", c.ID)
			for _, e := range log[1:] {
				if e.Source != fmt.Sprintf("process %d", n) {
					t.Errorf("%s: a change logged from %q", c.Ref, e.Source)
					break
				}
			}
		}
		_, total, err := s.ListCIs(ctx, Filter{})
		if want := processes * (1 + processAdds); err != nil || total != want {
			t.Fatalf("%d CIs (%v), want %d", total, err, want)
		}
		for i := 1; i <= processes*(1+processAdds); i++ {
			if _, err := s.CI(ctx, RefNumber(int64(i))); err != nil {
				t.Errorf("%s: %v (numbering has a gap)", RefNumber(int64(i)), err)
			}
		}
	})
}
