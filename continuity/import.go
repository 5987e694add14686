package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/sheet"
	"servicebook/store"
)

// OutageFields are the columns an outage import understands.
var OutageFields = []sheet.Field{
	{Key: "service", Names: []string{"Service", "服务", "业务服务", "服务名称"}, Required: true},
	{Key: "start", Names: []string{"Start", "Started", "开始", "开始时间", "中断开始"}, Required: true},
	{Key: "end", Names: []string{"End", "Ended", "结束", "结束时间", "恢复时间"}},
	{Key: "planned", Names: []string{"Planned", "Type", "计划内", "中断类型", "类型"}},
	{Key: "partial", Names: []string{"Partial", "部分中断"}},
	{Key: "cause", Names: []string{"Cause CI", "Cause", "原因配置项", "故障配置项"}},
	{Key: "description", Names: []string{"Description", "描述", "说明", "事件描述"}},
	{Key: "investigation", Names: []string{"Investigation", "调查状态", "调查"}},
}

// OutageImportResult says what an outage import did or would do.
type OutageImportResult struct {
	File             string
	DryRun           bool
	Created, Updated int
	Unchanged        int // rows that repeat what is recorded
	// IgnoredColumns names the columns no field takes that hold something,
	// with how many cells: nothing is left out without a word.
	IgnoredColumns []string
	Problems       []sheet.CellError
}

// Outage import messages.
const (
	MsgNotTime          = `"{{.Value}}" is not a time; write it as 2026-10-10 03:00`
	MsgNotYesNo         = `"{{.Value}}" is not yes or no (planned/unplanned, 计划内/计划外)`
	MsgEndsBeforeStart  = "the outage ends before it starts"
	MsgNotInvestigation = `"{{.Value}}" is not an investigation status; use open, investigating or closed`
	MsgDuplicateOutage  = "the same outage (service and start) is already on row {{.Row}}"
	MsgNoOutageHeader   = "no sheet has a header row with the columns Service and Start (服务, 开始时间)"
)

// ImportOutages reads outages from a CSV or XLSX file: all or nothing, every
// refused cell named by sheet, row and column. Times without a zone are read
// in zone. Re-importing a file updates the outages it created (matched on
// service and start) instead of adding them again.
func (s *Store) ImportOutages(ctx context.Context, path, zone string, dryRun bool, mapping map[string]string) (OutageImportResult, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return OutageImportResult{}, store.Errorf(store.EInvalid, "%q is not a time zone; use a name such as Asia/Shanghai.", zone)
	}
	book, err := sheet.ReadFile(path, sheet.DefaultLimits)
	if err != nil {
		return OutageImportResult{}, err
	}
	res := OutageImportResult{File: book.File, DryRun: dryRun}
	var table *sheet.Table
	var m sheet.Mapping
	for i := range book.Sheets {
		if mm, ok := sheet.FindHeader(book.Sheets[i], OutageFields, mapping); ok {
			table, m = &book.Sheets[i], mm
			break
		}
	}
	if table == nil {
		res.Problems = append(res.Problems, sheet.CellError{File: book.File, Reason: store.M(MsgNoOutageHeader).String(), Msg: store.M(MsgNoOutageHeader)})
		return res, refused(res)
	}
	all, _, err := s.cmdb.ListCIs(ctx, cmdb.Filter{})
	if err != nil {
		return res, err
	}
	byRef, byName := map[string]cmdb.CI{}, map[string][]cmdb.CI{}
	for _, c := range all {
		byRef[c.Ref] = c
		byName[sheet.Fold(c.Name)] = append(byName[sheet.Fold(c.Name)], c)
	}
	find := func(text string) (cmdb.CI, error) {
		if c, ok := byRef[cmdb.NormalizeRef(text)]; ok {
			return c, nil
		}
		switch found := byName[sheet.Fold(text)]; len(found) {
		case 1:
			return found[0], nil
		case 0:
			return cmdb.CI{}, store.M(cmdb.MsgNoSuchName, "Name", text)
		default:
			return cmdb.CI{}, store.M(cmdb.MsgAmbiguousName, "Count", len(found), "Name", text, "Refs", found[0].Ref+", "+found[1].Ref)
		}
	}
	type pending struct {
		rec       OutageRecord
		row       int
		serviceID int64
	}
	var plan []pending
	first := map[string]int{}
	for _, col := range m.Extra {
		n := 0
		for r := m.HeaderRow; r < len(table.Rows); r++ {
			if col < len(table.Rows[r]) && strings.TrimSpace(table.Rows[r][col]) != "" {
				n++
			}
		}
		if n > 0 {
			res.IgnoredColumns = append(res.IgnoredColumns, fmt.Sprintf("%s (%d cells)", m.Header(col), n))
		}
	}
	for r := m.HeaderRow; r < len(table.Rows); r++ {
		row, rowNum := table.Rows[r], r+1
		if blankRow(row) {
			continue
		}
		bad := false
		problem := func(key string, msg store.Msg) {
			col := ""
			if key != "" {
				col = m.Header(m.Columns[key])
			}
			res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: table.Name, Row: rowNum, Column: col, Reason: msg.String(), Msg: msg})
			bad = true
		}
		cell := func(key string) string { v, _ := m.Cell(row, key); return v }
		var rec OutageRecord
		svc, err := find(cell("service"))
		if err != nil {
			problem("service", asMsg(err))
		} else if !s.isService(ctx, svc) {
			problem("service", store.M(MsgNotService, "Ref", svc.Ref, "Name", svc.Name))
		}
		rec.ServiceRef = svc.Ref
		if rec.Start, err = parseCellTime(cell("start"), loc); err != nil || rec.Start.IsZero() {
			problem("start", store.M(MsgNotTime, "Value", cell("start")))
		}
		if rec.End, err = parseCellTime(cell("end"), loc); err != nil {
			problem("end", store.M(MsgNotTime, "Value", cell("end")))
		}
		if !rec.End.IsZero() && !rec.Start.IsZero() && !rec.End.After(rec.Start) {
			problem("end", store.M(MsgEndsBeforeStart))
		}
		if rec.Planned, err = parsePlanned(cell("planned")); err != nil {
			problem("planned", store.M(MsgNotYesNo, "Value", cell("planned")))
		}
		if rec.Partial, err = parsePlanned(cell("partial")); err != nil {
			problem("partial", store.M(MsgNotYesNo, "Value", cell("partial")))
		}
		if c := cell("cause"); c != "" {
			cause, err := find(c)
			if err != nil {
				problem("cause", asMsg(err))
			}
			rec.CauseRef = cause.Ref
		}
		rec.Description = cell("description")
		switch inv := strings.ToLower(cell("investigation")); inv {
		case "":
		case "open", "未开始", "待调查":
			rec.Investigation = "open"
		case "investigating", "调查中":
			rec.Investigation = "investigating"
		case "closed", "已关闭", "已完成":
			rec.Investigation = "closed"
		default:
			problem("investigation", store.M(MsgNotInvestigation, "Value", cell("investigation")))
		}
		if bad {
			continue
		}
		key := rec.ServiceRef + "|" + rec.Start.UTC().Format(time.RFC3339)
		if row, seen := first[key]; seen {
			problem("", store.M(MsgDuplicateOutage, "Row", row))
			continue
		}
		if err := s.checkOutage(rec); err != nil {
			problem("start", store.Msg{Key: store.ErrorMessage(err)})
			continue
		}
		first[key] = rowNum
		plan = append(plan, pending{rec: rec, row: rowNum, serviceID: svc.ID})
	}
	// Two rows of the file for one service that overlap would be counted
	// twice: the outage count, MTRS and MTBF would all be wrong.
	for i := range plan {
		for j := i + 1; j < len(plan); j++ {
			a, b := plan[i].rec, plan[j].rec
			if a.ServiceRef == b.ServiceRef && overlaps(a, b) {
				res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: table.Name, Row: plan[j].row,
					Column: m.Header(m.Columns["start"]), Reason: fmt.Sprintf("overlaps the outage of %s on row %d; record one outage", a.ServiceRef, plan[i].row)})
			}
		}
	}
	if len(res.Problems) > 0 {
		return res, refused(res)
	}
	// Whether an outage exists is decided in the write transaction, so two
	// imports of one file at once cannot both create it. A dry run does all
	// of it and rolls back.
	err = s.db.LoggedTxOrRehearse(store.WithSource(ctx, book.File), dryRun, func(tx *sql.Tx, log *store.ChangeWriter) error {
		for _, p := range plan {
			o := p.rec
			var cause any
			if o.CauseRef != "" {
				cause = byRef[o.CauseRef].ID
			}
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM outage WHERE service_id = ? AND starts_at = ?", p.serviceID,
				o.Start.UTC().Format(time.RFC3339)).Scan(&id)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if other, start, err := overlapping(ctx, tx, p.serviceID, id, o); err != nil || other != 0 {
				if err != nil {
					return err
				}
				res.Problems = append(res.Problems, sheet.CellError{File: book.File, Sheet: table.Name, Row: p.row,
					Column: m.Header(m.Columns["start"]), Reason: fmt.Sprintf("overlaps outage %d of %s from %s already recorded", other, o.ServiceRef, start)})
				continue
			}
			if id == 0 {
				if o.Investigation == "" {
					o.Investigation = "open"
					if o.Planned {
						o.Investigation = "closed"
					}
				}
				r, err := store.Insert(ctx, tx, `INSERT INTO outage (service_id, cause_ci_id, starts_at, ends_at, planned, partial,
					description, investigation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.serviceID, cause,
					o.Start.UTC().Format(time.RFC3339), endText(o.End), o.Planned, o.Partial, o.Description, o.Investigation)
				if err != nil {
					return err
				}
				id, _ = r.LastInsertId()
				res.Created++
				if err := log.Add(ctx, "outage", id, "created", "", o.describe()); err != nil {
					return err
				}
				continue
			}
			old, _, err := outageOf(ctx, tx, id)
			if err != nil {
				return err
			}
			// An import never undoes a later decision recorded here: an
			// investigation moves forward only (open → investigating →
			// closed), and a blank cell keeps what is recorded.
			if o.Investigation == "" || investigationRank(o.Investigation) < investigationRank(old.Investigation) {
				o.Investigation = old.Investigation
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outage SET ends_at = ?, planned = ?, partial = ?, cause_ci_id = ?,
				description = ?, investigation = ? WHERE id = ?`, endText(o.End), o.Planned, o.Partial, cause, o.Description,
				o.Investigation, id); err != nil {
				return err
			}
			changed := false
			if old.describe() != o.describe() {
				changed = true
				if err := log.Add(ctx, "outage", id, "changed", old.describe(), o.describe()); err != nil {
					return err
				}
			}
			if old.Investigation != o.Investigation {
				changed = true
				if err := log.Add(ctx, "outage", id, "investigation", old.Investigation, o.Investigation); err != nil {
					return err
				}
			}
			if changed {
				res.Updated++
			} else {
				res.Unchanged++
			}
		}
		if len(res.Problems) > 0 {
			return refused(res)
		}
		return nil
	})
	return res, err
}

// overlaps reports whether two outages share any time; an open outage
// (no end) lasts until now.
func overlaps(a, b OutageRecord) bool {
	end := func(o OutageRecord) time.Time {
		if o.End.IsZero() {
			return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return o.End
	}
	return a.Start.Before(end(b)) && b.Start.Before(end(a))
}

func refused(r OutageImportResult) error {
	msg := store.M(cmdb.MsgRefused, "File", r.File, "Count", len(r.Problems))
	return &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
}

func asMsg(err error) store.Msg {
	if m, ok := err.(store.Msg); ok {
		return m
	}
	return store.Msg{Key: store.ErrorMessage(err)}
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseCellTime reads a time as a spreadsheet holds it: text such as
// 2026-10-10 03:00 or 2026/10/10 3:00 in loc, RFC 3339, or an Excel
// date-time serial number.
func parseCellTime(text string, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return time.Time{}, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && f > 1 && f < 2958466 {
		days := math.Floor(f)
		secs := math.Round((f - days) * 86400)
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days))
		return time.Date(base.Year(), base.Month(), base.Day(), 0, 0, int(secs), 0, loc), nil
	}
	t = strings.NewReplacer("/", "-", "年", "-", "月", "-", "日", " ", "T", " ").Replace(t)
	t = strings.Join(strings.Fields(t), " ")
	for _, layout := range []string{"2006-1-2 15:04", "2006-1-2 15:04:05", "2006-1-2"} {
		if v, err := time.ParseInLocation(layout, t, loc); err == nil {
			return v, nil
		}
	}
	if v, err := time.Parse(time.RFC3339, strings.TrimSpace(text)); err == nil {
		return v, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time", text)
}

func parsePlanned(text string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "", "no", "n", "false", "0", "unplanned", "计划外", "否":
		return false, nil
	case "yes", "y", "true", "1", "planned", "计划内", "是", "partial", "部分":
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes or no", text)
}
