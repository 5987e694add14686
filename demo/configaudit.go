package demo

import (
	"context"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/sheet"
)

// ConfigAudit gives the sample bank a configuration audit of the Beijing
// data centre's servers under way: the scanner's inventory has been
// reconciled (one server moved rack, one not found, one found that the
// CMDB does not know); the move is corrected, the missing server has an
// action, and the unknown server waits for a decision. No audit has been
// closed yet, which the readiness checks report.
func ConfigAudit(ctx context.Context, cm *cmdb.Store) error {
	a, err := cm.StartAudit(ctx, "北京主数据中心服务器年度盘点 Beijing DC servers 2026", cmdb.AuditScope{TypeKey: "server", Location: "北京主数据中心"}, "赵敏 Zhao Min (internal audit)")
	if err != nil {
		return err
	}
	lines, err := cm.AuditLines(ctx, a.ID)
	if err != nil {
		return err
	}
	inventory := sheet.Table{Name: "scan", Rows: [][]string{{"Hostname", "SN", "Location"}}}
	for _, l := range lines {
		location := l.Location
		switch l.Name {
		case "bj-esx-04":
			continue // not found on the floor
		case "bj-esx-03":
			location = "北京主数据中心 Beijing DC R07"
		}
		inventory.Rows = append(inventory.Rows, []string{l.Name, l.Serial, location})
	}
	inventory.Rows = append(inventory.Rows, []string{"bj-esx-09", "SNbj-esx-09", "北京主数据中心 Beijing DC R09"})
	rec, err := cm.ReconcileAudit(ctx, a.ID, cmdb.ReadFound("discovery-scan.csv", inventory, nil, nil), []string{"serial", "name"}, false)
	if err != nil {
		return err
	}
	for _, f := range rec.Findings {
		switch f.Kind {
		case cmdb.FindingDifferent:
			_, err = cm.ResolveFindings(ctx, a.ID, []int64{f.ID}, cmdb.FindingResolution{How: cmdb.Corrected, Note: "机柜已迁移 moved to rack R07"})
		case cmdb.FindingNotFound:
			due := cm.DB().Now().AddDate(0, 0, 30).Format(time.DateOnly)
			_, err = cm.ResolveFindings(ctx, a.ID, []int64{f.ID}, cmdb.FindingResolution{How: cmdb.Actioned,
				Owner: "基础架构组 Infrastructure", Due: due, Note: "查明去向 find out where it went"})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// SampleBank fills an empty database with the whole sample organisation:
// its CMDB, continuity plans, budget, capacity and a configuration audit
// under way, each step building on the one before.
func SampleBank(ctx context.Context, cm *cmdb.Store, cs *continuity.Store, bs *budget.Store, caps *capacity.Store) error {
	if err := Organisation(ctx, cm); err != nil {
		return err
	}
	if err := Continuity(ctx, cm, cs); err != nil {
		return err
	}
	if err := Budget(ctx, cm, bs); err != nil {
		return err
	}
	if err := Capacity(ctx, cm, caps, bs); err != nil {
		return err
	}
	return ConfigAudit(ctx, cm)
}
