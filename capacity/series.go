// Package capacity is capacity management (ISO/IEC 20000-1:2011 §6.5,
// 2018 §8.4.3): usage samples of resources, forecasts of their demand and
// the time left before a threshold is reached. The maths here is pure and
// tested without a database.
package capacity

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Sample is one measurement of a resource's usage.
type Sample struct {
	At    time.Time
	Value float64
}

// Series is a regular series: Values[i] is the usage at Start + i·Step.
type Series struct {
	Start  time.Time
	Step   time.Duration
	Values []float64
}

// At is the time of the i-th value (i may be past the end: a forecast).
func (s Series) At(i int) time.Time { return s.Start.Add(time.Duration(i) * s.Step) }

// steps a series can have: the spacing of monitoring exports.
var steps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour,
	6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// maxSteps bounds a series: two years of five-minute samples.
const maxSteps = 2 * 366 * 24 * 12

// ErrTooFew is returned for fewer samples than a forecast needs.
var ErrTooFew = errors.New("too few samples to forecast")

// Regular makes a regular series of samples taken at any spacing (daily,
// hourly, or whenever someone looked). The step is the shortest usual
// monitoring interval not shorter than the samples' typical (median) gap;
// each step holds the mean of its samples, and a step without a sample
// takes the straight line between its neighbours.
func Regular(samples []Sample) (Series, error) {
	if len(samples) < 2 {
		return Series{}, ErrTooFew
	}
	sorted := slices.Clone(samples)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	for _, s := range sorted {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			return Series{}, fmt.Errorf("sample at %s is not a number", s.At.Format(time.RFC3339))
		}
	}
	var gaps []time.Duration
	for i := 1; i < len(sorted); i++ {
		if g := sorted[i].At.Sub(sorted[i-1].At); g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return Series{}, ErrTooFew // every sample at the same moment
	}
	slices.Sort(gaps)
	typical := gaps[len(gaps)/2]
	step := steps[len(steps)-1]
	for _, s := range steps {
		if float64(s) >= 0.9*float64(typical) {
			step = s
			break
		}
	}
	start := sorted[0].At.Truncate(step)
	n := int(sorted[len(sorted)-1].At.Sub(start)/step) + 1
	if n > maxSteps {
		return Series{}, fmt.Errorf("samples span %d steps of %s; at most %d can be forecast", n, step, maxSteps)
	}
	sum := make([]float64, n)
	count := make([]int, n)
	for _, s := range sorted {
		i := int(s.At.Sub(start) / step)
		sum[i] += s.Value
		count[i]++
	}
	values := make([]float64, n)
	last := -1
	for i := range values {
		if count[i] == 0 {
			continue
		}
		values[i] = sum[i] / float64(count[i])
		// Fill the gap since the last step with samples on a straight line.
		for j := last + 1; j < i && last >= 0; j++ {
			frac := float64(j-last) / float64(i-last)
			values[j] = values[last] + frac*(values[i]-values[last])
		}
		last = i
	}
	if n < 2 {
		return Series{}, ErrTooFew
	}
	return Series{Start: start, Step: step, Values: values}, nil
}
