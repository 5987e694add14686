package cmdb

import (
	"slices"
	"strings"

	"servicebook/sheet"
	"servicebook/store"
)

// FoundItem is one row of what was found: a line of the ticked checklist
// or an item of a discovery tool's inventory.
type FoundItem struct {
	Sheet string
	Row   int
	// Seen is true for an inventory's items and for checklist lines ticked
	// yes; false for checklist lines ticked no.
	Seen bool
	// Values holds what was found, by field (ref and AuditFields); an
	// absent or empty field was not observed or is as recorded.
	Values map[string]string
	// Printed holds, for a checklist line, the recorded values the
	// checklist printed: they must come back unchanged.
	Printed map[string]string
	Note    string
	// Columns names each field's column, for messages.
	Columns map[string]string
}

// Place says where the item is in its file, for a finding.
func (f FoundItem) Place() string {
	if f.Sheet == "" {
		return "row " + itoa(f.Row)
	}
	return f.Sheet + " row " + itoa(f.Row)
}

// FoundRead is what a found file held.
type FoundRead struct {
	File      string
	Checklist bool // the file is the audit's own checklist, ticked
	Items     []FoundItem
	Ignored   []string          // columns with values left out as asked
	IgnoredAt []sheet.CellError // columns with values no field takes: refused unless ignored
	Problems  []sheet.CellError
}

func names(ns ...string) []string { return ns }

var (
	foundRef      = sheet.Field{Key: "ref", Names: names("reference", "ref", "CI", "CI reference", "asset tag", "编号", "配置项编号", "参考号")}
	foundName     = sheet.Field{Key: "name", Names: names("name", "hostname", "host name", "device name", "名称", "主机名", "设备名称")}
	foundType     = sheet.Field{Key: "type", Names: names("type", "CI type", "asset type", "类型", "配置项类型", "资产类型")}
	foundLocation = sheet.Field{Key: "location", Names: names("location", "site", "room", "位置", "地点", "机房")}
	foundSerial   = sheet.Field{Key: "serial", Names: names("serial number", "serial", "SN", "S/N", "序列号", "SN号")}
	foundIP       = sheet.Field{Key: "ip", Names: names("IP address", "IP", "management IP", "IP地址", "管理IP")}
	foundOwner    = sheet.Field{Key: "owner", Names: names("owner", "负责人", "所有者")}
	foundStatus   = sheet.Field{Key: "status", Names: names("status", "状态")}
	foundNote     = sheet.Field{Key: "note", Names: names("notes", "note", "remarks", "remark", "comment", "备注", "说明")}
	foundSeen     = sheet.Field{Key: "seen", Names: names("seen", "seen?", "seen yes/no", "found?", "是否找到 是/否", "已找到", "是否找到", "核实")}
)

// foundOf is the checklist column that holds what was found for field.
func foundOf(field string) sheet.Field {
	words := map[string][]string{
		"name": {"found name", "实际名称"}, "type": {"found type", "实际类型"}, "location": {"found location", "实际位置"},
		"serial": {"found serial number", "found serial", "实际序列号"}, "ip": {"found IP address", "found IP", "实际IP地址"},
		"owner": {"found owner", "实际负责人"}, "status": {"found status", "实际状态"},
	}
	return sheet.Field{Key: "found_" + field, Names: words[field]}
}

// FoundFields are the columns a found file can have: an inventory's, and
// those the checklist adds.
var FoundFields = func() []sheet.Field {
	fs := []sheet.Field{foundRef, foundName, foundType, foundLocation, foundSerial, foundIP, foundOwner, foundStatus, foundNote, foundSeen}
	for _, f := range AuditFields {
		fs = append(fs, foundOf(f))
	}
	return fs
}()

// InventoryFields are the columns a discovery inventory's mapping can name.
var InventoryFields = FoundFields[:9]

// ReadFound reads what was found from a table: the audit's checklist with
// its Seen and Found columns filled in, or a discovery tool's inventory.
// mapping (field key → header) names columns whose headers are not
// recognised; ignore names, by header, columns left out on purpose. Every
// non-empty cell is used or named in a problem.
func ReadFound(file string, t sheet.Table, mapping map[string]string, ignore []string) FoundRead {
	out := FoundRead{File: file}
	problem := func(row int, col string, m store.Msg) {
		out.Problems = append(out.Problems, sheet.CellError{File: file, Sheet: t.Name, Row: row, Column: col, Reason: m.String(), Msg: m})
	}
	m, _ := sheet.FindHeader(t, FoundFields, mapping)
	hasKey := false
	for _, k := range MatchKeys {
		if _, ok := m.Columns[k]; ok {
			hasKey = true
		}
	}
	if !hasKey {
		problem(0, "", store.M(MsgAuditNoKeyColumn))
		return out
	}
	_, out.Checklist = m.Columns["seen"]
	for _, f := range AuditFields {
		if _, ok := m.Columns["found_"+f]; ok {
			out.Checklist = true
		}
	}
	columns := map[string]string{}
	for key, i := range m.Columns {
		columns[key] = m.Header(i)
	}
	for r := m.HeaderRow; r < len(t.Rows); r++ {
		row, rowNum := t.Rows[r], r+1
		if blank(row) {
			continue
		}
		item := FoundItem{Sheet: t.Name, Row: rowNum, Seen: true, Values: map[string]string{}, Columns: columns}
		item.Note, _ = m.Cell(row, "note")
		ok := true
		if out.Checklist {
			item.Printed = map[string]string{}
			for _, f := range append([]string{"ref"}, AuditFields...) {
				if v, _ := m.Cell(row, f); v != "" {
					item.Printed[f] = v
				}
			}
			if v := item.Printed["ref"]; v != "" {
				item.Values["ref"] = v
			}
			anyFound := false
			for _, f := range AuditFields {
				if v, _ := m.Cell(row, "found_"+f); v != "" {
					item.Values[f], anyFound = v, true
				}
			}
			seenText, hasSeen := m.Cell(row, "seen")
			switch seen, known := parseSeen(seenText); {
			case seenText != "" && !known:
				problem(rowNum, columns["seen"], store.M(MsgAuditSeen, "Value", seenText))
				ok = false
			case seenText != "":
				item.Seen = seen
				if !seen && anyFound {
					problem(rowNum, columns["seen"], store.M(MsgAuditNotSeenFound))
					ok = false
				}
			case hasSeen && !anyFound:
				// A line the auditor has not ticked: guessing either way would
				// put a wrong finding on record.
				problem(rowNum, columns["seen"], store.M(MsgAuditSeenBlank))
				ok = false
			}
			// A line the auditor added below the printed ones has no printed
			// values: what it says is what was found.
			if item.Printed["ref"] == "" {
				for f, v := range item.Printed {
					if _, given := item.Values[f]; !given {
						item.Values[f] = v
					}
				}
				item.Printed = nil
			}
		} else {
			for _, f := range append([]string{"ref"}, AuditFields...) {
				if v, _ := m.Cell(row, f); v != "" {
					item.Values[f] = v
				}
			}
		}
		if v := item.Values["status"]; v != "" {
			st, err := ParseStatus(v)
			if err != nil {
				col := columns["status"]
				if out.Checklist && item.Printed != nil {
					col = columns["found_status"]
				}
				problem(rowNum, col, asMsg(err))
				ok = false
			} else {
				item.Values["status"] = string(st)
			}
		}
		hasKeyValue := false
		for _, k := range MatchKeys {
			if item.Values[k] != "" {
				hasKeyValue = true
			}
		}
		if !hasKeyValue && item.Note == "" {
			problem(rowNum, "", store.M(MsgAuditNoKeyValue))
			ok = false
		}
		// The rest of the row: a column no field takes, with a value, is
		// refused unless left out by name.
		for _, i := range m.Extra {
			if i >= len(row) || strings.TrimSpace(row[i]) == "" {
				continue
			}
			name := m.Header(i)
			if slices.ContainsFunc(ignore, func(n string) bool { return sheet.Fold(n) == sheet.Fold(name) }) {
				if !slices.Contains(out.Ignored, name) {
					out.Ignored = append(out.Ignored, name)
				}
				continue
			}
			if !slices.ContainsFunc(out.IgnoredAt, func(c sheet.CellError) bool { return c.Column == name }) {
				msg := store.M(MsgAuditColumn)
				out.IgnoredAt = append(out.IgnoredAt, sheet.CellError{File: file, Sheet: t.Name, Row: rowNum, Column: name, Reason: msg.String(), Msg: msg})
			}
		}
		if ok {
			out.Items = append(out.Items, item)
		}
	}
	out.Problems = append(out.Problems, out.IgnoredAt...)
	return out
}

// parseSeen reads a tick: yes, ✓, 是 … or no, ✗, 否 …; known is false for
// anything else.
func parseSeen(text string) (seen, known bool) {
	switch sheet.Fold(text) {
	case "yes", "y", "true", "1", "✓", "✔", "√", "ok", "seen", "found", "是", "有", "在", "找到", "已找到", "已核实":
		return true, true
	case "no", "n", "false", "0", "✗", "✘", "×", "missing", "notfound", "否", "无", "不在", "未找到", "缺失":
		return false, true
	}
	return false, false
}

// ReadFoundBook reads what was found from a workbook or CSV: the first
// sheet with a column to match by. Other sheets with content (the
// checklist's own About sheet) are named in NotRead, as the CI import
// names them, so that the person sees what was not looked at.
func ReadFoundBook(book *sheet.Book, mapping map[string]string, ignore []string) (read FoundRead, notRead []string) {
	read = FoundRead{File: book.File}
	picked := false
	for _, t := range book.Sheets {
		if picked {
			if !tableBlank(t) {
				notRead = append(notRead, t.Name)
			}
			continue
		}
		got := ReadFound(book.File, t, mapping, ignore)
		if len(got.Problems) == 1 && got.Problems[0].Msg.Key == MsgAuditNoKeyColumn {
			if !tableBlank(t) {
				notRead = append(notRead, t.Name)
			}
			read.Problems = got.Problems
			continue
		}
		read, picked = got, true
	}
	if !picked && len(read.Problems) == 0 {
		m := store.M(MsgAuditNoKeyColumn)
		read.Problems = []sheet.CellError{{File: book.File, Reason: m.String(), Msg: m}}
	}
	if !picked {
		notRead = nil
	}
	return read, notRead
}

func tableBlank(t sheet.Table) bool {
	for _, r := range t.Rows {
		if !blank(r) {
			return false
		}
	}
	return true
}
