package capacity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// twoYears is 730 days of a resource's usage: growth, a weekly pattern
// and noise, as monitoring exports show it.
func twoYears(seed uint64) Series {
	rnd := rand.New(rand.NewPCG(seed, 2))
	values := make([]float64, 730)
	for i := range values {
		week := []float64{0, 8, 10, 9, 8, -15, -20}[i%7]
		values[i] = 400 + 0.3*float64(i) + week + rnd.NormFloat64()*3 + 5*math.Sin(float64(i)/58)
	}
	return daily(values)
}

// BenchmarkPredict: one resource, two years of daily samples, method
// chosen by hold-out, 180 days ahead. The goal is 10,000 such forecasts in
// 2 s on 2 cores, so ≤ 0.4 ms each.
func BenchmarkPredict(b *testing.B) {
	s := twoYears(1)
	for b.Loop() {
		if _, err := Predict(s, 180); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredict10kResources: the goal as the issue states it — 10,000
// resources with two years of daily samples each, forecast with method
// selection, in ≤ 2 s on 2 cores.
func BenchmarkPredict10kResources(b *testing.B) {
	series := make([]Series, 10_000)
	for i := range series {
		series[i] = twoYears(uint64(i))
	}
	for b.Loop() {
		_, errs := PredictMany(series, 180)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
