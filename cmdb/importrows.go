package cmdb

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"servicebook/sheet"
	"servicebook/store"
)

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

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
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
