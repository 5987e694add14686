package capacity

import (
	"math"

	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
)

// holtWinters is exponential smoothing with a trend (Holt's linear method)
// and, when period > 0, an additive season (Holt-Winters). It follows R's
// stats::HoltWinters — its starting values, the one-step errors it
// minimises and its prediction intervals — so that its figures can be
// checked against R's, the reference people compare with.
type holtWinters struct {
	period             int // steps per season; 0 for none
	alpha, beta, gamma float64

	level, trend float64
	season       []float64 // the next period's seasonal components, in order
	residuals    []float64 // one-step errors over the fitted span
	fitted       []float64 // one-step forecasts, aligned with the series (NaN before the first)
}

// hwStart is where R starts: Holt from the third value (level = x2,
// trend = x2 − x1); Holt-Winters after the first season, from a classical
// decomposition of the first two seasons.
func (m *holtWinters) start(y []float64) (level, trend float64, season []float64, first int, ok bool) {
	if m.period == 0 {
		if len(y) < 3 {
			return 0, 0, nil, 0, false
		}
		return y[1], y[1] - y[0], nil, 2, true
	}
	f := m.period
	if len(y) < 2*f+1 {
		return 0, 0, nil, 0, false
	}
	trendMA, figure := decompose(y[:2*f], f)
	// The start level and trend are the intercept and slope of a line
	// through the moving average (R: .lm.fit on seq_along).
	var xs, ys []float64
	for i, v := range trendMA {
		if !math.IsNaN(v) {
			xs = append(xs, float64(len(xs)+1))
			ys = append(ys, v)
			_ = i
		}
	}
	intercept, slope := stat.LinearRegression(xs, ys, nil, false)
	return intercept, slope, figure, f, true
}

// decompose is R's decompose(type = "additive") on y (whole seasons): the
// centred moving average of one season, and the seasonal figure — the
// mean of (y − moving average) at each position of the season, centred to
// sum to zero.
func decompose(y []float64, f int) (trend []float64, figure []float64) {
	n := len(y)
	trend = make([]float64, n)
	for i := range trend {
		trend[i] = math.NaN()
	}
	// filter: 1/f each for odd f; for even f the two ends weigh 1/(2f).
	weights := make([]float64, 0, f+1)
	if f%2 == 1 {
		for range f {
			weights = append(weights, 1/float64(f))
		}
	} else {
		weights = append(weights, 0.5/float64(f))
		for range f - 1 {
			weights = append(weights, 1/float64(f))
		}
		weights = append(weights, 0.5/float64(f))
	}
	half := len(weights) / 2
	for i := half; i+len(weights)-half-1 < n; i++ {
		s := 0.0
		for k, w := range weights {
			s += w * y[i-half+k]
		}
		trend[i] = s
	}
	sums := make([]float64, f)
	counts := make([]int, f)
	for i := range y {
		if !math.IsNaN(trend[i]) {
			sums[i%f] += y[i] - trend[i]
			counts[i%f]++
		}
	}
	figure = make([]float64, f)
	mean := 0.0
	for i := range figure {
		if counts[i] > 0 {
			figure[i] = sums[i] / float64(counts[i])
		}
		mean += figure[i] / float64(f)
	}
	for i := range figure {
		figure[i] -= mean
	}
	return trend, figure
}

// run smooths y with the given parameters from the start values and
// returns the sum of squared one-step errors; keep records the state.
func (m *holtWinters) run(y []float64, alpha, beta, gamma float64, keep bool) float64 {
	level, trend, season, first, ok := m.start(y)
	if !ok {
		return math.Inf(1)
	}
	season = append([]float64(nil), season...)
	f := m.period
	var residuals, fitted []float64
	if keep {
		fitted = make([]float64, len(y))
		for i := range fitted {
			fitted[i] = math.NaN()
		}
	}
	sse := 0.0
	for i := first; i < len(y); i++ {
		s := 0.0
		if f > 0 {
			s = season[(i-first)%f]
		}
		xhat := level + trend + s
		res := y[i] - xhat
		sse += res * res
		newLevel := alpha*(y[i]-s) + (1-alpha)*(level+trend)
		trend = beta*(newLevel-level) + (1-beta)*trend
		level = newLevel
		if f > 0 {
			season[(i-first)%f] = gamma*(y[i]-level) + (1-gamma)*s
		}
		if keep {
			residuals = append(residuals, res)
			fitted[i] = xhat
		}
	}
	if keep {
		m.alpha, m.beta, m.gamma = alpha, beta, gamma
		m.level, m.trend = level, trend
		m.residuals, m.fitted = residuals, fitted
		if f > 0 {
			// In the order of the periods to come.
			next := (len(y) - first) % f
			m.season = append(append([]float64(nil), season[next:]...), season[:next]...)
		}
	}
	return sse
}

// fit chooses α, β (and γ) in [0, 1] that minimise the one-step errors,
// from R's starting point (0.3, 0.1, 0.1), and smooths y with them.
func (m *holtWinters) fit(y []float64) error {
	if _, _, _, _, ok := m.start(y); !ok {
		return ErrTooFew
	}
	clamp := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
	dims := 2
	if m.period > 0 {
		dims = 3
	}
	objective := func(p []float64) float64 {
		g := 0.0
		if dims == 3 {
			g = clamp(p[2])
		}
		// Outside [0, 1] the error grows with the distance, so that the
		// search comes back to the box.
		out := 0.0
		for _, v := range p {
			out += math.Max(0, v-1) + math.Max(0, -v)
		}
		return m.run(y, clamp(p[0]), clamp(p[1]), g, false) * (1 + out)
	}
	start := []float64{0.3, 0.1, 0.1}[:dims]
	res, err := optimize.Minimize(optimize.Problem{Func: objective}, start,
		&optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-10, Relative: 1e-10, Iterations: 200}}, &optimize.NelderMead{})
	best := start
	if err == nil || res != nil {
		best = res.X
	}
	g := 0.0
	if dims == 3 {
		g = clamp(best[2])
	}
	m.run(y, clamp(best[0]), clamp(best[1]), g, true)
	return nil
}

// forecast is R's predict.HoltWinters: the mean h steps ahead and the
// standard deviation of its error, from the residuals' variance.
func (m *holtWinters) forecast(h int) (mean, sd []float64) {
	variance := stat.Variance(m.residuals, nil)
	psi := func(j int) float64 {
		p := m.alpha * (1 + float64(j)*m.beta)
		if m.period > 0 && j%m.period == 0 {
			p += m.gamma * (1 - m.alpha)
		}
		return p
	}
	sum := 1.0
	for step := 1; step <= h; step++ {
		v := m.level + float64(step)*m.trend
		if m.period > 0 {
			v += m.season[(step-1)%m.period]
		}
		if step > 1 {
			p := psi(step - 1)
			sum += p * p
		}
		mean = append(mean, v)
		sd = append(sd, math.Sqrt(variance*sum))
	}
	return mean, sd
}
