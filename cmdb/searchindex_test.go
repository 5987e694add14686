package cmdb

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"servicebook/store"
)

// A change rewrites only the search rows that hold a changed field (a new
// status none, a new description not ci_search_name's): what every search
// finds after changes of each kind, in bulk and one at a time, is what it
// finds after the indexes are written afresh, and says what the changes
// said.
func TestChangesRewriteTheSearchRowsTheyTouch(t *testing.T) {
	s := mustStoreOn(t, store.MustOpenFile(t))
	ctx := context.Background()
	dir := t.TempDir()
	importCSV := func(name string, lines []string) ImportResult {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportFile(ctx, path, ImportOptions{})
		if err != nil {
			t.Fatalf("%s: %v %v", name, err, res.Problems[:min(2, len(res.Problems))])
		}
		return res
	}
	// More rows than bulkReindex, so that the import indexes in bulk.
	rows := bulkReindex + 60
	first := []string{"Type,Name,Description,Status,Owner,Location,Serial number"}
	for i := range rows {
		first = append(first, fmt.Sprintf("server,srv-%05d 甲机器%d,旧说明 olddesc %d,in service,张伟,机房A,SN-old-%d", i, i, i, i))
	}
	refs := importCSV("first.csv", first).CreatedRefs
	if len(refs) != rows {
		t.Fatalf("%d CIs created, want %d", len(refs), rows)
	}
	// Row i changes by i%4: 0 the status alone, 1 the description, 2 the
	// name, 3 the serial number (an attribute).
	second := []string{"Reference,Type,Name,Description,Status,Owner,Location,Serial number"}
	count := [4]int{}
	for i, ref := range refs {
		name, desc, status, serial := fmt.Sprintf("srv-%05d 甲机器%d", i, i), fmt.Sprintf("旧说明 olddesc %d", i), "in service", fmt.Sprintf("SN-old-%d", i)
		switch i % 4 {
		case 0:
			status = "retired"
		case 1:
			desc = fmt.Sprintf("新说明 newdesc %d", i)
		case 2:
			name = fmt.Sprintf("srv-%05d 乙机器%d", i, i)
		case 3:
			serial = fmt.Sprintf("SN-new-%d", i)
		}
		count[i%4]++
		second = append(second, fmt.Sprintf("%s,server,%s,%s,%s,张伟,机房A,%s", ref, name, desc, status, serial))
	}
	if res := importCSV("second.csv", second); res.Updated != rows {
		t.Fatalf("%d CIs updated, want %d", res.Updated, rows)
	}
	// One at a time: the first CI only its status again, the second its name.
	for i, change := range []func(*CI){
		func(c *CI) { c.Status = StatusInService },
		func(c *CI) { c.Name = "单独改名 renamed" },
	} {
		c, err := s.CI(ctx, refs[i])
		if err != nil {
			t.Fatal(err)
		}
		change(&c)
		if _, err := s.UpdateCI(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{
		"甲机":       rows - count[2] - 1, // the second CI was renamed by hand
		"乙机":       count[2],
		"甲机器":      rows - count[2] - 1,
		"乙机器":      count[2],
		"新说明":      count[1],
		"newdesc":  count[1],
		"旧说明":      rows - count[1],
		"olddesc":  rows - count[1],
		"SN-new":   count[3],
		"SN-old":   rows - count[3],
		"单独改名":     1,
		"renamed":  1,
		"srv-0000": 10 - 1,
		"张伟":       rows,
		"机房A":      rows,
		"甲":        rows - count[2] - 1,
		"乙":        count[2],
		"新":        count[1],
		"改名":       1,
	}
	words := slices.Collect(maps.Keys(want))
	before := refsFound(t, s, words, rows+10)
	for word, n := range want {
		if len(before[word]) != n {
			t.Errorf("%q finds %d CIs, want %d", word, len(before[word]), n)
		}
	}
	checkRebuildFindsTheSame(t, s, words, rows+10, before)
}

// refsFound is what each word finds, by reference, at most limit CIs.
func refsFound(t *testing.T, s *Store, words []string, limit int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, word := range words {
		cis, err := s.Search(context.Background(), word, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cis {
			out[word] = append(out[word], c.Ref)
		}
	}
	return out
}

// checkRebuildFindsTheSame writes the search indexes afresh and checks
// that every word finds what it found before, as the writes left them.
func checkRebuildFindsTheSame(t *testing.T, s *Store, words []string, limit int, before map[string][]string) {
	t.Helper()
	if err := s.RebuildSearch(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := refsFound(t, s, words, limit)
	for _, word := range words {
		if !reflect.DeepEqual(before[word], after[word]) {
			t.Errorf("%q: %d CIs as written, %d after the indexes are written afresh", word, len(before[word]), len(after[word]))
		}
	}
}

// FuzzSearchGrams: searchGrams writes what the plain definition does, each
// gram once in the order of its first place, for texts of any length (a
// long one fills its table and goes on in a map) and any bytes.
func FuzzSearchGrams(f *testing.F) {
	f.Add("bj-db-01", "数据库", "DB")
	f.Add("Ωmega ΣΟΦΊΑ ß", "\xff\xfe", "a")
	var long strings.Builder
	for r := rune(0x4e00); r < 0x4e00+900; r++ { // 900 characters, 1,799 grams
		long.WriteRune(r)
	}
	f.Add(long.String(), long.String()[:30], "x")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if got, want := searchGrams(a, b, c), plainGrams(a, b, c); got != want {
			t.Errorf("searchGrams(%q, %q, %q) = %q, want %q", a, b, c, got, want)
		}
	})
}

// plainGrams is searchGrams as defined: every character of the texts'
// words and every pair of adjacent characters within a word, lower-cased,
// each once, space-separated.
func plainGrams(texts ...string) string {
	seen := map[string]bool{}
	var out strings.Builder
	for _, text := range texts {
		var word []rune
		for _, r := range strings.ToLower(text) + " " {
			if !gramRune(r) {
				word = word[:0]
				continue
			}
			word = append(word, r)
			grams := []string{string(r)}
			if len(word) > 1 {
				grams = append(grams, string(word[len(word)-2:]))
			}
			for _, g := range grams {
				if !seen[g] {
					seen[g] = true
					out.WriteString(g + " ")
				}
			}
		}
	}
	return out.String()
}
