package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
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
	_, err = caps.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "MPLS WAN Mbit/s", Planned: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
		Adds: 1000, Cost: 18_000_000, Supplier: "中国电信 China Telecom", ServiceRef: banking})
	return err
}
