package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/doccontrol"
)

// capacityEnd is the last day of the sample bank's usage history, so that
// the forecasts read the same on every machine and every day.
var capacityEnd = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// Capacity gives the sample bank's main resources two years of daily
// samples with growth, a weekly pattern and noise: the SAN's storage (it
// reaches its warning threshold within 60 days, with no upgrade planned),
// the core database's CPU, Internet banking's concurrent users and the WAN
// link's bandwidth, whose doubling is planned for December 2026 and
// proposed in that year's budget (when the budget has that year: run
// Budget first).
func Capacity(ctx context.Context, cm *cmdb.Store, caps *capacity.Store, bs *budget.Store) error {
	ref := func(name string) (string, error) {
		found, err := cm.Search(ctx, name, 1)
		if err != nil || len(found) == 0 {
			return "", err
		}
		return found[0].Ref, nil
	}
	type resource struct {
		ci       string
		r        capacity.Resource
		base     float64 // use two years ago
		growth   float64 // a day
		week     [7]float64
		noise    float64
		seasonal float64 // amplitude of a slow swell (month-end, quarter-end)
	}
	busy := [7]float64{0, 1, 1.1, 1, 0.9, -0.8, -1.2} // Monday … Sunday, from Thursday 2024-11-21
	resources := []resource{
		{"bj-san-01", capacity.Resource{Metric: "used TB", Unit: "TB", Name: "bj-san-01 used TB", Capacity: 200, Warning: 160, Critical: 180, BufferPct: 5},
			118, 0.055, [7]float64{}, 0.6, 0},
		{"核心数据库 Core banking DB", capacity.Resource{Metric: "CPU %", Unit: "%", Name: "core DB CPU %", Capacity: 100, Warning: 75, Critical: 90, HAReserve: 10},
			38, 0.012, busy, 2.5, 3},
		{"网上银行 Internet banking", capacity.Resource{Metric: "concurrent users", Unit: "users", Name: "网上银行 concurrent users", Capacity: 60000, Warning: 48000, Critical: 54000},
			21000, 14, busy, 900, 1500},
		{"中国电信 MPLS", capacity.Resource{Metric: "WAN Mbit/s", Unit: "Mbit/s", Name: "MPLS WAN Mbit/s", Capacity: 1000, Warning: 700, Critical: 850},
			310, 0.16, busy, 18, 25},
		// The core DB's two RAC nodes: each can carry the other's load,
		// but not for long (the what-if of losing one shows it).
		{"bj-db-01", capacity.Resource{Metric: "CPU %", Unit: "%", Name: "bj-db-01 CPU %", Capacity: 100, Warning: 70, Critical: 85},
			30, 0.01, busy, 1.5, 2},
		{"bj-db-02", capacity.Resource{Metric: "CPU %", Unit: "%", Name: "bj-db-02 CPU %", Capacity: 100, Warning: 70, Critical: 85},
			27, 0.01, busy, 1.5, 2},
	}
	rnd := rand.New(rand.NewPCG(20261120, 7))
	days := 730
	first := capacityEnd.AddDate(0, 0, -(days - 1))
	for _, res := range resources {
		ciRef, err := ref(res.ci)
		if err != nil || ciRef == "" {
			return err
		}
		res.r.CIRef = ciRef
		if _, err := caps.AddResource(ctx, res.r); err != nil {
			return err
		}
		samples := make([]capacity.Sample, days)
		for i := range samples {
			at := first.AddDate(0, 0, i)
			scale := res.noise * 4
			v := res.base + res.growth*float64(i) + res.week[int(at.Weekday()+6)%7]*scale +
				res.seasonal*math.Sin(2*math.Pi*float64(i)/30.4) + rnd.NormFloat64()*res.noise
			samples[i] = capacity.Sample{At: at, Value: math.Round(v*10) / 10}
		}
		if _, err := caps.AddSamples(ctx, res.r.Name, samples); err != nil {
			return err
		}
	}
	banking, err := ref("网上银行 Internet banking")
	if err != nil {
		return err
	}
	if _, err = caps.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "MPLS WAN Mbit/s", Planned: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
		Adds: 1000, Cost: 18_000_000, Supplier: "中国电信 China Telecom", ServiceRef: banking}); err != nil {
		return err
	}
	// The capacity plan is a draft for the IT manager to finish and have
	// approved: the SAN's breach is still to be answered by an upgrade.
	p, err := caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-03001", Title: "网上银行容量计划 Internet banking capacity plan",
		Owner: "王伟 Wang Wei (IT ops)", Approver: "李明 Li Ming (CIO)", Services: []capacity.PlanService{{Ref: banking}},
		Requirements: "与零售银行部约定：峰值 50,000 并发用户，95% 交易 2 秒内完成；月末、季末峰值按平日 1.3 倍预留。\n" +
			"Agreed with Retail banking: 50,000 concurrent users at peak, 95 % of transactions within 2 s; month- and quarter-end peaks at 1.3× a normal day.",
		Demand: "网银并发用户两年增长约 50%，每周一至周四为高峰；核心数据库 CPU、SAN 存储与 WAN 带宽随交易量增长。预测见下表与各资源图表。\n" +
			"Concurrent users grew about 50 % in two years, busiest Monday to Thursday; core DB CPU, SAN storage and WAN bandwidth grow with transactions. Forecasts in the table and charts below.",
		ServiceLevels: "可用性目标 99.95%/月，RTO 4 小时：核心数据库保留 10% CPU 作为集群切换预留（HA reserve）。\n" +
			"Availability target 99.95 % a month, RTO 4 h: the core DB keeps 10 % CPU as HA reserve for cluster failover.",
		UpgradePlan: "WAN 带宽 2026-12-15 由中国电信扩容 1,000 Mbit/s（¥180,000，已列入 2026 预算）。SAN 存储扩容待定。\n" +
			"WAN bandwidth +1,000 Mbit/s from China Telecom on 2026-12-15 (¥180,000, in the 2026 budget). SAN storage expansion to be decided.",
		ChangeImpact: "人民银行数据留存要求（交易数据保留 5 年）使存储增长高于交易增长。\n" +
			"The PBoC's retention rule (transactions kept 5 years) makes storage grow faster than transactions.",
		Technologies: "评估分布式数据库与对象存储归档，以降低核心存储增长。\n" +
			"Evaluating a distributed database and object-storage archiving to slow core storage growth.",
		Procedure: "每日从 Zabbix 导出使用量，每月导入 servicebook；按保留样本误差选择线性、Holt 或 Holt-Winters 预测；预计 90 天内触及告警阈值的资源须提出扩容或说明。\n" +
			"Usage exported daily from Zabbix and imported monthly; the forecast method is chosen by hold-out error among linear, Holt and Holt-Winters; any resource forecast to reach its warning threshold within 90 days gets an upgrade or a written reason."})
	if err != nil {
		return err
	}
	_, err = caps.AddCopy(ctx, p.DocNumber, doccontrol.Copy{Holder: "IT 总监办公室 IT director's office", Location: "北京 Beijing", Issued: "2026-11-20"})
	return err
}
