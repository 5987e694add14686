package capacity

import (
	"strings"
	"testing"
	"time"

	"servicebook/sheet"
)

var shanghai = time.FixedZone("CST", 8*3600)

// TestParseTimestampAsToolsExportThem: every form monitoring exports use,
// and numbers that fit none refused rather than guessed.
func TestParseTimestampAsToolsExportThem(t *testing.T) {
	want := time.Date(2026, 3, 1, 8, 30, 0, 0, shanghai)
	for _, text := range []string{
		"1772325000",                // Unix seconds (Zabbix clock)
		"1772325000.000",            // Prometheus
		"1772325000000",             // Unix milliseconds (vROps)
		"46082.3541666667",          // an Excel serial
		"2026-03-01T08:30:00+08:00", // RFC 3339
		"2026-03-01T00:30:00Z",
		"2026-03-01 08:30", "2026/3/1 8:30:00", "2026年3月1日 08:30",
	} {
		got, err := ParseTimestamp(text, shanghai)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, text := range []string{"", "yesterday", "5000000", "-3", "1e300", "NaN", "2026-13-01"} {
		if got, err := ParseTimestamp(text, shanghai); err == nil {
			t.Errorf("%q was read as %v", text, got)
		}
	}
}

func TestParseValue(t *testing.T) {
	for text, want := range map[string]float64{"85": 85, " 85 % ": 85, "85%": 85, "1,234.5": 1234.5, "-0.5": -0.5, "1e3": 1000} {
		if got, err := ParseValue(text); err != nil || got != want {
			t.Errorf("%q = %v, %v", text, got, err)
		}
	}
	for _, text := range []string{"", "1.5 TB", "high", "NaN", "Inf", "85%%"} {
		if got, err := ParseValue(text); err == nil {
			t.Errorf("%q was read as %v", text, got)
		}
	}
}

func table(rows ...string) sheet.Table {
	t := sheet.Table{Name: "Sheet1"}
	for _, r := range rows {
		t.Rows = append(t.Rows, strings.Split(r, ","))
	}
	return t
}

// TestReadSamplesBothLayouts: a row per sample (Zabbix) and a column per
// resource (vROps); the extra column named, gaps left as gaps, bad cells
// placed.
func TestReadSamplesBothLayouts(t *testing.T) {
	long := ReadSamples("zabbix.csv", table(
		"itemid,clock,value,ns",
		"san-01 used GB,1772325000,812.5,123",
		"db-cpu,1772325000,45,0",
		",,,",
		"san-01 used GB,1772411400,815,0",
	), shanghai)
	if long.Wide || len(long.Problems) != 0 || len(long.Samples) != 3 || strings.Join(long.Ignored, ";") != "ns" {
		t.Fatalf("row per sample: %+v", long)
	}
	if s := long.Samples[0]; s.Resource != "san-01 used GB" || s.Value != 812.5 || s.Row != 2 {
		t.Errorf("first sample %+v", s)
	}

	wide := ReadSamples("vrops.csv", table(
		"Time,SAN used GB,DB CPU %",
		"2026-03-01 08:00,812,45%",
		"2026-03-02 08:00,,47",
		"2026-03-03 08:00,820,lots",
		"2026-03-04 08:00,822,50,99",
	), shanghai)
	if !wide.Wide || len(wide.Samples) != 6 {
		t.Errorf("a column per resource: %d samples, %+v", len(wide.Samples), wide)
	}
	var places []string
	for _, p := range wide.Problems {
		places = append(places, p.Error())
	}
	got := strings.Join(places, "\n")
	for _, want := range []string{`row 4, column "DB CPU %"`, `row 5, column "D"`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %s:\n%s", want, got)
		}
	}

	none := ReadSamples("x.csv", table("a,b", "1,2"), shanghai)
	if len(none.Problems) != 1 || !strings.Contains(none.Problems[0].Error(), "time") {
		t.Errorf("no time column: %+v", none.Problems)
	}
}

// FuzzParseTimestamp: any text is a time or an error, never a panic, and
// a time read back from its RFC 3339 form is the same instant.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"1772325000", "46082.35", "2026-03-01 08:30", "2026-03-01T08:30:00+08:00", "1e14", "年月日"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := ParseTimestamp(text, shanghai)
		if err != nil {
			return
		}
		if got.Year() < 1899 || got.Year() > 10000 {
			return // far times have no RFC 3339 form to compare
		}
		again, err := ParseTimestamp(got.Format(time.RFC3339Nano), shanghai)
		if err != nil || !again.Equal(got) {
			t.Errorf("%q → %v → %v, %v", text, got, again, err)
		}
	})
}

// FuzzReadSamples: any table gives samples and problems, never a panic,
// and every sample came from a row of the table.
func FuzzReadSamples(f *testing.F) {
	f.Add("clock,itemid,value\n1772325000,cpu,5\n")
	f.Add("Time,A,B\n2026-03-01,1,2\n2026-03-02,,x\n")
	f.Fuzz(func(t *testing.T, text string) {
		var tb sheet.Table
		for _, line := range strings.Split(text, "\n") {
			tb.Rows = append(tb.Rows, strings.Split(line, ","))
		}
		read := ReadSamples("fuzz.csv", tb, shanghai)
		for _, s := range read.Samples {
			if s.Row < 1 || s.Row > len(tb.Rows) || s.Resource == "" {
				t.Errorf("sample %+v from no row of %d", s, len(tb.Rows))
			}
		}
	})
}
