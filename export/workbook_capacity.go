package export

import (
	"context"
	"math"
	"strings"
	"time"

	"servicebook/capacity"
	"servicebook/doccontrol"
)

// capacityHorizon is how far the workbook's forecasts look: the half-year
// a capacity plan is reviewed over.
const capacityHorizon = 180 * 24 * time.Hour

// capacitySheets writes the resources watched (with their samples' span),
// each one's forecast from its latest sample — method, error, the value at
// the horizon with its 95 % range, when the thresholds are reached — and
// the planned and cancelled upgrades with the budget lines they proposed.
func (b *book) capacitySheets(ctx context.Context, src Sources) error {
	if src.Capacity == nil {
		return nil
	}
	if err := b.capacityPlanSheet(ctx, src.Capacity); err != nil {
		return err
	}
	// A resource with too few samples has an empty forecast: its row says so.
	forecasts, _, err := src.Capacity.Forecasts(ctx, capacityHorizon, capacity.WhatIf{})
	if err != nil {
		return err
	}
	spans, err := src.Capacity.SampleSpans(ctx)
	if err != nil {
		return err
	}
	err = b.sheet("Capacity resources", "容量资源", []column{{"Resource", "资源", 24}, {"CI", "配置项", 11}, {"CI name", "配置项名称", 24},
		{"Metric", "指标", 14}, {"Unit", "单位", 8}, {"Capacity", "容量", 10}, {"Usable", "可用容量", 10}, {"Warning", "警告阈值", 10},
		{"Critical", "严重阈值", 10}, {"Buffer %", "缓冲 %", 8}, {"HA reserve", "高可用预留", 10}, {"Samples", "采样数", 9},
		{"First sample", "首个采样", 16}, {"Latest sample", "最新采样", 16}, {"Latest value", "最新值", 10}},
		func(add func(...any) error) error {
			for _, f := range forecasts {
				r, span := f.Resource, spans[f.ID]
				var first, latest, value any
				if span.Count > 0 {
					first, latest, value = b.when(span.First), b.when(span.Last), span.Latest
				}
				if err := add(r.Name, r.CIRef, text(r.CIName), r.Metric, text(r.Unit), r.Capacity, r.Usable(), r.Warning, r.Critical,
					r.BufferPct, r.HAReserve, span.Count, first, latest, value); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	reach := func(r capacity.Reach) any {
		switch {
		case r.Already:
			return b.word("now")
		case r.Never:
			return b.t("not within 180 days", "180 天内不会达到")
		}
		return b.day(r.At.Format(time.DateOnly))
	}
	err = b.sheet("Capacity forecasts", "容量预测", []column{{"Resource", "资源", 24}, {"Method", "方法", 24}, {"RMSE", "RMSE", 9},
		{"MAPE %", "MAPE %", 8}, {"Forecast to", "预测至", 12}, {"Forecast", "预测值", 10}, {"95 % low", "95% 下限", 10},
		{"95 % high", "95% 上限", 10}, {"Warning reached", "达到警告阈值", 16}, {"Critical reached", "达到严重阈值", 16},
		{"Usable capacity reached", "达到可用容量", 16}},
		func(add func(...any) error) error {
			for _, f := range forecasts {
				if len(f.Mean) == 0 {
					if err := add(f.Name, b.word("too few samples to forecast")); err != nil {
						return err
					}
					continue
				}
				last := len(f.Mean) - 1
				var mape any
				if !math.IsNaN(f.MAPE) {
					mape = f.MAPE
				}
				if err := add(f.Name, b.word(capacity.MethodWords(f.Method, f.Season)), f.RMSE, mape, b.day(f.At(last).Format(time.DateOnly)),
					f.Mean[last], f.Lower[last], f.Upper[last], reach(f.ToWarning), reach(f.ToCritical), reach(f.ToFull)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	ups, err := src.Capacity.Upgrades(ctx, "")
	if err != nil {
		return err
	}
	return b.sheet("Capacity upgrades", "扩容计划", []column{{"Upgrade", "扩容", 8}, {"Resource", "资源", 24}, {"Date", "日期", 12},
		{"Adds", "增加容量", 10}, {"Cost", "费用", 14}, {"Supplier", "供应商", 16}, {"Service", "服务", 11}, {"Status", "状态", 10},
		{"Budget line", "预算行", 10}},
		func(add func(...any) error) error {
			for _, u := range ups {
				var line any
				if u.BudgetLine != 0 {
					line = u.BudgetLine
				}
				cost, err := b.amount(u.Cost, 2)
				if err != nil {
					return err
				}
				status := map[string]string{"planned": "scheduled", "cancelled": "cancelled"}[u.Status]
				if err := add(u.ID, u.Resource, b.day(u.Planned.Format(time.DateOnly)), u.Adds, cost, text(u.Supplier), text(u.ServiceRef),
					b.word(status), line); err != nil {
					return err
				}
			}
			return nil
		})
}

// capacityPlanSheet writes the capacity plans: document control and the
// sections, a plan a row.
func (b *book) capacityPlanSheet(ctx context.Context, caps *capacity.Store) error {
	plans, err := caps.Plans(ctx)
	if err != nil {
		return err
	}
	cols := []column{{"Document", "文件编号", 12}, {"Title", "标题", 30}, {"Services", "服务", 24}, {"Version", "版本", 8},
		{"Status", "状态", 12}, {"Owner", "负责人", 16}, {"Approver", "批准人", 16}, {"Approved", "批准日期", 12},
		{"Approved by", "批准人（实际）", 16}, {"Review every (months)", "评审周期（月）", 10}, {"Next review", "下次评审", 12},
		{"Forecast horizon (days)", "预测期（天）", 10}, {"Classification", "密级", 10}}
	var empty capacity.Plan
	for _, sec := range empty.Sections() {
		cols = append(cols, column{sec.Title, translate("zh", sec.Title), 40})
	}
	return b.sheet("Capacity plans", "容量计划", cols, func(add func(...any) error) error {
		for _, p := range plans {
			var services []string
			for _, s := range p.Services {
				services = append(services, s.Ref+" "+s.Name)
			}
			status := map[doccontrol.Status]string{doccontrol.Draft: "draft", doccontrol.Approved: "approved",
				doccontrol.Revised: "revised, awaiting approval"}[p.Status()]
			var approved any
			if p.ApprovedAt != "" {
				approved = b.day(p.ApprovedAt)
			}
			var next any
			if p.NextReview != "" {
				next = b.day(p.NextReview)
			}
			cells := []any{p.DocNumber, p.Title, strings.Join(services, "; "), p.Version, b.word(status), text(p.Owner), text(p.Approver),
				approved, text(p.ApprovedBy), p.ReviewMonths, next, p.HorizonDays, text(p.Classification)}
			for _, sec := range p.Sections() {
				cells = append(cells, text(*sec.Text))
			}
			if err := add(cells...); err != nil {
				return err
			}
		}
		return nil
	})
}
