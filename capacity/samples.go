package capacity

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"servicebook/sheet"
)

// Timestamps as monitoring tools export them: Unix seconds (Zabbix'
// clock, Prometheus), Unix milliseconds (vROps), Excel date serials (a
// spreadsheet), or text (ISO 8601, with or without a zone).
const (
	excelMax    = 2958466 // 9999-12-31 as an Excel serial
	unixSecMin  = 1e8     // 1973: below, a number is not Unix seconds
	unixSecMax  = 1e11    // 5138
	unixMilliLo = 1e11
	unixMilliHi = 1e14
)

// ParseTimestamp reads a sample's time: Unix seconds or milliseconds, an
// Excel date-time serial, RFC 3339, or "2026-03-01 08:00[:05]" (also with
// / or 年月日) in loc. A number that could be more than one of these is
// refused rather than guessed.
func ParseTimestamp(text string, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return time.Time{}, fmt.Errorf("no time")
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		switch {
		case f > 0 && f < excelMax:
			days := math.Floor(f)
			secs := math.Round((f - days) * 86400)
			base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days))
			return time.Date(base.Year(), base.Month(), base.Day(), 0, 0, int(secs), 0, loc), nil
		case f >= unixSecMin && f < unixSecMax:
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(math.Round(frac*1e9))).In(loc), nil
		case f >= unixMilliLo && f < unixMilliHi:
			return time.UnixMilli(int64(math.Round(f))).In(loc), nil
		}
		return time.Time{}, fmt.Errorf("%q is a number but not a time (Unix seconds or milliseconds, or an Excel date)", text)
	}
	if v, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return v, nil
	}
	norm := strings.NewReplacer("/", "-", "年", "-", "月", "-", "日", " ", "T", " ").Replace(t)
	norm = strings.Join(strings.Fields(norm), " ")
	for _, layout := range []string{"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2 15:04:05.999999999", "2006-1-2"} {
		if v, err := time.ParseInLocation(layout, norm, loc); err == nil {
			return v, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", text)
}

// ParseValue reads a usage value: a number, with thousands separators or a
// percent sign ("1,234.5", "85 %", "85%"). Any other unit is refused: a
// value's unit is the resource's, and converting "1.5 TB" to GB would be a
// guess.
func ParseValue(text string) (float64, error) {
	t := strings.TrimSpace(text)
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	t = strings.ReplaceAll(t, ",", "")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	return f, nil
}

// The columns of a samples file with a row per sample.
var (
	fieldTime     = sheet.Field{Key: "time", Names: []string{"time", "timestamp", "clock", "date", "datetime", "date time", "时间", "采集时间", "时间戳", "日期"}, Required: true}
	fieldResource = sheet.Field{Key: "resource", Names: []string{"resource", "metric", "item", "itemid", "key", "series", "资源", "指标", "监控项"}, Required: true}
	fieldValue    = sheet.Field{Key: "value", Names: []string{"value", "usage", "值", "数值", "使用量"}, Required: true}
)

// ResourceSample is one sample of a named resource, from a row of a file.
type ResourceSample struct {
	Resource string
	Sample
	Row int
}

// SamplesRead is what a samples table held.
type SamplesRead struct {
	// Wide: a column per resource (the header names them); otherwise a
	// row per sample (time, resource, value).
	Wide    bool
	Samples []ResourceSample
	// Ignored names the columns with content that the file's layout has
	// no place for (Zabbix' ns, say), and IgnoredAt says where each is
	// (sheet, header row, column): an import refuses them unless the
	// person leaves them out by name.
	Ignored   []string
	IgnoredAt []sheet.CellError
	Problems  []sheet.CellError
}

// ReadSamples reads the samples in a table, in either layout monitoring
// tools export: a row per sample (time, resource, value — Zabbix, a
// Prometheus range query flattened) or a column per resource (time, then
// one column for each resource — vROps, a spreadsheet). Times without a
// zone are in loc. Every cell is used or named in a problem.
func ReadSamples(file string, t sheet.Table, loc *time.Location) SamplesRead {
	return ReadSamplesMapped(file, t, loc, nil)
}

// SampleFields are the columns of a samples file a mapping can name:
// time, and for a row per sample, resource and value.
var SampleFields = []sheet.Field{fieldTime, fieldResource, fieldValue}

// ReadSamplesMapped is ReadSamples with columns named by the person
// (field key → header) where the headers are not recognised: mapping
// resource and value reads a row per sample; mapping only time, a column
// per resource.
func ReadSamplesMapped(file string, t sheet.Table, loc *time.Location, mapping map[string]string) SamplesRead {
	var out SamplesRead
	problem := func(row int, col, reason string) {
		out.Problems = append(out.Problems, sheet.CellError{File: file, Sheet: t.Name, Row: row, Column: col, Reason: reason})
	}
	m, long := sheet.FindHeader(t, SampleFields, mapping)
	if !long {
		var ok bool
		if m, ok = sheet.FindHeader(t, []sheet.Field{fieldTime}, mapping); !ok {
			problem(0, "", "no header naming a time column (time, timestamp, clock, 时间 …)")
			return out
		}
		out.Wide = true
	}
	var resources []int // wide: the columns that name a resource, in order
	if out.Wide {
		for _, i := range m.Extra {
			if strings.TrimSpace(m.Headers[i]) != "" {
				resources = append(resources, i)
			}
		}
		if len(resources) == 0 {
			problem(m.HeaderRow, "", "the header names a time column but no resource columns")
			return out
		}
	}
	timeCol := m.Columns["time"]
	used := map[int]bool{timeCol: true}
	if out.Wide {
		for _, i := range resources {
			used[i] = true
		}
	} else {
		used[m.Columns["resource"]], used[m.Columns["value"]] = true, true
	}
	ignored := map[int]bool{}
	for r := m.HeaderRow; r < len(t.Rows); r++ {
		row, rowNum := t.Rows[r], r+1
		empty := true
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		text, _ := m.Cell(row, "time")
		at, err := ParseTimestamp(text, loc)
		if err != nil {
			problem(rowNum, m.Header(timeCol), err.Error())
			continue
		}
		if !out.Wide {
			name, _ := m.Cell(row, "resource")
			v, _ := m.Cell(row, "value")
			switch value, err := ParseValue(v); {
			case name == "":
				problem(rowNum, m.Header(m.Columns["resource"]), "no resource named")
			case err != nil:
				problem(rowNum, m.Header(m.Columns["value"]), err.Error())
			default:
				out.Samples = append(out.Samples, ResourceSample{Resource: name, Sample: Sample{At: at, Value: value}, Row: rowNum})
			}
		}
		for _, i := range resources {
			if i >= len(row) || strings.TrimSpace(row[i]) == "" {
				continue // no sample of this resource at this time
			}
			name := strings.TrimSpace(m.Headers[i])
			value, err := ParseValue(row[i])
			if err != nil {
				problem(rowNum, m.Header(i), err.Error())
				continue
			}
			out.Samples = append(out.Samples, ResourceSample{Resource: name, Sample: Sample{At: at, Value: value}, Row: rowNum})
		}
		// The rest of the row: a named column the layout has no place
		// for is reported as ignored, a value under no header is a problem.
		for i, c := range row {
			if used[i] || strings.TrimSpace(c) == "" {
				continue
			}
			if i < len(m.Headers) && strings.TrimSpace(m.Headers[i]) != "" {
				ignored[i] = true
			} else {
				problem(rowNum, sheet.ColumnLetter(i), "a value in a column without a header")
			}
		}
	}
	for _, i := range m.Extra {
		if ignored[i] {
			out.Ignored = append(out.Ignored, m.Header(i))
			out.IgnoredAt = append(out.IgnoredAt, sheet.CellError{File: file, Sheet: t.Name, Row: m.HeaderRow, Column: m.Header(i),
				Reason: "values in a column a samples file has no place for"})
		}
	}
	return out
}
