package capacity

import (
	"math"

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

	// The starting values for the series being fitted, made once per fit
	// rather than at each of the search's hundreds of smoothing runs.
	init struct {
		level, trend float64
		season       []float64
		first        int
		ok           bool
	}
	work []float64 // the seasonal components while smoothing
}

// start is where R starts: Holt from the third value (level = x2,
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
	for _, v := range trendMA {
		if !math.IsNaN(v) {
			xs = append(xs, float64(len(xs)+1))
			ys = append(ys, v)
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

// prepare makes the starting values for y.
func (m *holtWinters) prepare(y []float64) bool {
	i := &m.init
	i.level, i.trend, i.season, i.first, i.ok = m.start(y)
	return i.ok
}

// run smooths y (prepared) with the given parameters from the start
// values and returns the sum of squared one-step errors; keep records the
// state.
func (m *holtWinters) run(y []float64, alpha, beta, gamma float64, keep bool) float64 {
	if !m.init.ok {
		return math.Inf(1)
	}
	level, trend, first := m.init.level, m.init.trend, m.init.first
	m.work = append(m.work[:0], m.init.season...)
	season := m.work
	f := m.period
	var residuals, fitted []float64
	if keep {
		fitted = make([]float64, len(y))
		for i := range fitted {
			fitted[i] = math.NaN()
		}
	}
	sse := 0.0
	k := 0 // the season position of step i
	for i := first; i < len(y); i++ {
		s := 0.0
		if f > 0 {
			s = season[k]
		}
		xhat := level + trend + s
		res := y[i] - xhat
		sse += res * res
		newLevel := alpha*(y[i]-s) + (1-alpha)*(level+trend)
		trend = beta*(newLevel-level) + (1-beta)*trend
		level = newLevel
		if f > 0 {
			season[k] = gamma*(y[i]-level) + (1-gamma)*s
			if k++; k == f {
				k = 0
			}
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
			// In the order of the periods to come (a copy: work is reused).
			next := (len(y) - first) % f
			m.season = append(append([]float64(nil), season[next:]...), season[:next]...)
		}
	}
	return sse
}

// fit chooses α, β (and γ) in [0, 1] that minimise the one-step errors,
// from R's starting point (0.3, 0.1, 0.1), and smooths y with them.
func (m *holtWinters) fit(y []float64) error {
	// The parameters are searched for on the recent past (the last 200
	// steps, or 8 seasons): that is what the coming steps resemble, and a
	// search smooths the series hundreds of times. The state is then
	// smoothed over the whole history with them.
	recent := y[max(0, len(y)-max(fitWindow, 8*m.period)):]
	if !m.prepare(recent) {
		return ErrTooFew
	}
	// The search runs on logits, so that every point it tries is a valid
	// α, β, γ in (0, 1); R's starting point is where it starts.
	dims := 2
	if m.period > 0 {
		dims = 3
	}
	params := func(p []float64) (a, b, g float64) {
		a, b = logistic(p[0]), logistic(p[1])
		if dims == 3 {
			g = logistic(p[2])
		}
		return a, b, g
	}
	objective := func(p []float64) float64 {
		a, b, g := params(p)
		return m.run(recent, a, b, g, false)
	}
	start := []float64{logit(0.3), logit(0.1), logit(0.1)}[:dims]
	best := nelderMead(objective, start, 0.5, 1e-9, 400*dims)
	a, b, g := params(best)
	m.prepare(y)
	m.run(y, a, b, g, true)
	return nil
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// smooth smooths the whole of y with parameters already fitted (to most
// of it), leaving the state a forecast starts from.
func (m *holtWinters) smooth(y []float64) error {
	if !m.prepare(y) {
		return ErrTooFew
	}
	m.run(y, m.alpha, m.beta, m.gamma, true)
	return nil
}

// fitWindow is how many recent steps the parameter search looks at.
const fitWindow = 200

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
