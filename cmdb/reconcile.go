package cmdb

import (
	"sort"
	"strconv"
	"strings"

	"servicebook/sheet"
	"servicebook/store"
)

// Reconciliation is what comparing the recorded lines with the found items
// gave: how many lines were matched and equal, and every finding. Problems
// are found items that cannot be reconciled without a guess; any problem
// means nothing is recorded.
type Reconciliation struct {
	File     string
	Keys     []string
	Lines    int
	Matched  int
	Equal    int
	Findings []AuditFinding
	Ignored  []string
	Problems []sheet.CellError
}

// Count returns how many findings are of kind.
func (r Reconciliation) Count(kind FindingKind) int {
	n := 0
	for _, f := range r.Findings {
		if f.Kind == kind {
			n++
		}
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

// Reconcile compares the recorded lines with what was found, matching by
// keys in priority order: an item is matched to the CI its first key with a
// value points at. A key value that points at several recorded CIs, a key
// value given twice in the found file, and two items matching one CI are
// refused by name, never guessed. types resolve found type names.
func Reconcile(lines []AuditLine, found FoundRead, keys []string, types []Type) Reconciliation {
	rec := Reconciliation{File: found.File, Keys: keys, Lines: len(lines), Ignored: found.Ignored}
	rec.Problems = append(rec.Problems, found.Problems...)
	problem := func(item FoundItem, col string, m store.Msg) {
		rec.Problems = append(rec.Problems, sheet.CellError{File: found.File, Sheet: item.Sheet, Row: item.Row, Column: col, Reason: m.String(), Msg: m})
	}
	// index[key][value] lists the lines with that value.
	index := map[string]map[string][]int{}
	for _, k := range keys {
		index[k] = map[string][]int{}
		for i, l := range lines {
			if v := keyValue(k, l.Value(k)); v != "" {
				index[k][v] = append(index[k][v], i)
			}
		}
	}
	// Duplicate key values in the found file: the same serial twice is
	// either a scanner's double or a mistake; neither may be guessed away.
	firstRow := map[string]map[string]int{}
	for _, k := range keys {
		firstRow[k] = map[string]int{}
	}
	matchedBy := map[int]FoundItem{} // line index -> item
	itemLine := make([]int, len(found.Items))
	for n, item := range found.Items {
		itemLine[n] = -1
		for _, k := range keys {
			v := keyValue(k, item.Values[k])
			if v == "" {
				continue
			}
			if row, dup := firstRow[k][v]; dup {
				problem(item, item.Columns[k], store.M(MsgAuditDuplicate, "Key", k, "Value", item.Values[k], "Row", row))
				continue
			}
			firstRow[k][v] = item.Row
		}
		for _, k := range keys {
			v := keyValue(k, item.Values[k])
			if v == "" {
				continue
			}
			hits := index[k][v]
			if len(hits) > 1 {
				refs := make([]string, len(hits))
				for i, h := range hits {
					refs[i] = lines[h].Ref
				}
				problem(item, item.Columns[k], store.M(MsgAuditAmbiguous, "Key", k, "Value", item.Values[k], "Count", len(hits), "Refs", strings.Join(refs, ", ")))
				break
			}
			if len(hits) == 1 {
				if other, taken := matchedBy[hits[0]]; taken {
					problem(item, item.Columns[k], store.M(MsgAuditTwice, "Ref", lines[hits[0]].Ref, "Row", other.Row))
					break
				}
				matchedBy[hits[0]] = item
				itemLine[n] = hits[0]
				break
			}
		}
	}
	for n, item := range found.Items {
		li := itemLine[n]
		if li < 0 {
			if !item.Seen {
				problem(item, item.Columns["seen"], store.M(MsgAuditNotSeenNoCI))
				continue
			}
			if item.Printed != nil {
				// A printed line whose reference matches no line in scope:
				// the checklist was changed, or is another audit's.
				problem(item, item.Columns["ref"], store.M(MsgRefNotHere, "Ref", item.Printed["ref"]))
				continue
			}
			rec.Findings = append(rec.Findings, notRecorded(item, types))
			continue
		}
		line := lines[li]
		for f, printed := range item.Printed {
			if !sameValue(f, printedValue(f, line.Value(f), types), printedValue(f, printed, types)) {
				col := item.Columns["found_"+f]
				if col == "" {
					col = foundOf(f).Names[0]
				}
				problem(item, item.Columns[f], store.M(MsgAuditPrinted, "Value", line.Value(f), "Column", col))
			}
		}
	}
	if len(rec.Problems) > 0 {
		rec.Findings = nil
		return rec
	}
	for li, line := range lines {
		item, ok := matchedBy[li]
		if !ok {
			rec.Findings = append(rec.Findings, AuditFinding{Kind: FindingNotFound, CIID: line.CIID, Ref: line.Ref,
				Recorded: line.Name})
			continue
		}
		if !item.Seen {
			rec.Findings = append(rec.Findings, AuditFinding{Kind: FindingNotFound, CIID: line.CIID, Ref: line.Ref,
				Recorded: line.Name, FoundAt: item.Place(), Note: item.Note})
			rec.Matched++
			continue
		}
		rec.Matched++
		equal := true
		for _, f := range AuditFields {
			v := item.Values[f]
			if v == "" {
				continue
			}
			if f == "type" {
				if t, err := ResolveType(types, v); err == nil {
					v = t.Key
				}
			}
			if !sameValue(f, line.Value(f), v) {
				equal = false
				rec.Findings = append(rec.Findings, AuditFinding{Kind: FindingDifferent, CIID: line.CIID, Ref: line.Ref,
					Field: f, Recorded: line.Value(f), Found: v, FoundAt: item.Place()})
			}
		}
		if item.Note != "" {
			rec.Findings = append(rec.Findings, AuditFinding{Kind: FindingRemark, CIID: line.CIID, Ref: line.Ref,
				Found: item.Note, FoundAt: item.Place()})
		}
		if equal {
			rec.Equal++
		}
	}
	// Items found but not recorded come after the recorded lines, in the
	// order of the file.
	sort.SliceStable(rec.Findings, func(i, j int) bool {
		return rec.Findings[i].Kind != FindingNotRecorded && rec.Findings[j].Kind == FindingNotRecorded
	})
	return rec
}

// printedValue is a value of field as a checklist prints it and reads it
// back: type by key, status in any of its spellings.
func printedValue(field, v string, types []Type) string {
	switch field {
	case "type":
		if t, err := ResolveType(types, v); err == nil {
			return t.Key
		}
	case "status":
		if st, err := ParseStatus(v); err == nil {
			return string(st)
		}
	}
	return v
}

// notRecorded is the finding of an item found but not recorded; it keeps
// the item's values so that it can become a CI.
func notRecorded(item FoundItem, types []Type) AuditFinding {
	data := map[string]string{}
	for f, v := range item.Values {
		if f == "type" {
			if t, err := ResolveType(types, v); err == nil {
				v = t.Key
			}
		}
		data[f] = v
	}
	label := data["name"]
	if label == "" {
		label = data["serial"]
	}
	if label == "" {
		label = data["ip"]
	}
	return AuditFinding{Kind: FindingNotRecorded, Found: label, FoundAt: item.Place(), FoundData: data, Note: item.Note}
}
