package capacity

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Method is how a forecast is made.
type Method string

const (
	// MethodLinear is a least-squares straight line through the history.
	MethodLinear Method = "linear"
	// MethodHolt is exponential smoothing of level and trend.
	MethodHolt Method = "holt"
	// MethodHoltWinters adds a season (weekly for daily samples, daily for
	// hourly ones).
	MethodHoltWinters Method = "holt-winters"
	// MethodHoltWintersYearly adds a yearly season instead (365 days of
	// daily samples, 52 weeks of weekly ones), when the history holds
	// enough years for it.
	MethodHoltWintersYearly Method = "holt-winters-yearly"
)

// MethodWords are the forecast methods as people read them (English; the
// window and the printed pages translate them), keyed by method and, for
// a seasonal one, the steps per season.
func MethodWords(method Method, season int) string {
	switch {
	case method == MethodHolt:
		return "trend smoothing (Holt)"
	case method == MethodHoltWintersYearly:
		return "trend and yearly season (Holt-Winters)"
	case method == MethodHoltWinters && season == 24:
		return "trend and daily season (Holt-Winters)"
	case method == MethodHoltWinters:
		return "trend and weekly season (Holt-Winters)"
	}
	return "straight line"
}

// AllMethodWords lists every MethodWords text, for the translation check.
var AllMethodWords = []string{"straight line", "trend smoothing (Holt)", "trend and weekly season (Holt-Winters)",
	"trend and daily season (Holt-Winters)", "trend and yearly season (Holt-Winters)"}

// model is a forecasting method fitted to a regular series.
type model interface {
	fit(y []float64) error
	// forecast is the mean 1…h steps ahead and its error's standard
	// deviation, for prediction intervals.
	forecast(h int) (mean, sd []float64)
}

// linear is y = a + b·i by least squares, with R's lm prediction
// intervals (Student's t on n − 2 degrees of freedom).
type linear struct {
	a, b       float64
	n          int
	meanX, sxx float64
	s          float64 // residual standard error
}

func (m *linear) fit(y []float64) error {
	if len(y) < 3 {
		return ErrTooFew
	}
	xs := make([]float64, len(y))
	for i := range xs {
		xs[i] = float64(i)
	}
	m.a, m.b = stat.LinearRegression(xs, y, nil, false)
	m.n = len(y)
	m.meanX = stat.Mean(xs, nil)
	sse := 0.0
	for i, v := range y {
		r := v - (m.a + m.b*xs[i])
		sse += r * r
		m.sxx += (xs[i] - m.meanX) * (xs[i] - m.meanX)
	}
	m.s = math.Sqrt(sse / float64(m.n-2))
	return nil
}

func (m *linear) forecast(h int) (mean, sd []float64) {
	// The t quantile is folded into sd, so that every method's interval is
	// mean ± z·sd with the normal z of the level asked for; t/z scales it.
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m.n - 2)}
	z := distuv.UnitNormal.Quantile(0.975)
	scale := t.Quantile(0.975) / z
	for step := 1; step <= h; step++ {
		x := float64(m.n - 1 + step)
		mean = append(mean, m.a+m.b*x)
		se := m.s * math.Sqrt(1+1/float64(m.n)+(x-m.meanX)*(x-m.meanX)/m.sxx)
		sd = append(sd, se*scale)
	}
	return mean, sd
}

// Forecast is a resource's expected usage, step by step after its last
// sample, with a 95 % prediction interval.
type Forecast struct {
	Method Method
	// Season is the steps per season of a Holt-Winters forecast.
	Season int
	// Alpha, Beta, Gamma are the smoothing parameters fitted (Holt and
	// Holt-Winters).
	Alpha, Beta, Gamma float64
	// Series is the history the forecast was made from (regular).
	Series Series
	// Mean, Lower and Upper are the forecast for the steps after the
	// last: Mean[0] is at Series.At(len(Series.Values)).
	Mean, Lower, Upper []float64
	// RMSE and MAPE are the errors of the method on the held-out end of
	// the history, when it was chosen by comparing methods; MAPE is NaN
	// when a held-out value is zero.
	RMSE, MAPE float64
	// Compared is every method tried and its hold-out RMSE.
	Compared map[Method]float64
}

// At is the time of forecast step i (0-based).
func (f Forecast) At(i int) time.Time { return f.Series.At(len(f.Series.Values) + i) }

// seasonFor is the season a series' step suggests: a week of days, a day
// of hours; none otherwise.
func seasonFor(step time.Duration) int {
	switch step {
	case 24 * time.Hour:
		return 7
	case time.Hour:
		return 24
	}
	return 0
}

// yearFor is the yearly season a series' step suggests: 365 days, 52
// weeks; none otherwise.
func yearFor(step time.Duration) int {
	switch step {
	case 24 * time.Hour:
		return 365
	case 7 * 24 * time.Hour:
		return 52
	}
	return 0
}

// seasons are a series' short season (week, day) and its yearly one.
type seasons struct{ short, year int }

func seasonsOf(s Series) seasons { return seasons{seasonFor(s.Step), yearFor(s.Step)} }

// period is the season a method models.
func (ss seasons) period(method Method) int {
	switch method {
	case MethodHoltWinters:
		return ss.short
	case MethodHoltWintersYearly:
		return ss.year
	}
	return 0
}

func newModel(method Method, ss seasons) model {
	switch method {
	case MethodHolt, MethodHoltWinters, MethodHoltWintersYearly:
		return &holtWinters{period: ss.period(method)}
	}
	return &linear{}
}

// candidates are the methods a series of n steps has history enough for:
// a season needs three of them (two start it, as R does, the rest fit it).
func candidates(n int, ss seasons) []Method {
	methods := []Method{MethodLinear}
	if n >= 6 {
		methods = append(methods, MethodHolt)
	}
	if ss.short > 0 && n >= 3*ss.short {
		methods = append(methods, MethodHoltWinters)
	}
	if ss.year > 0 && n >= 3*ss.year {
		methods = append(methods, MethodHoltWintersYearly)
	}
	return methods
}

// Predict forecasts s for horizon steps. Each method the history allows is
// fitted to all but the last part of the history (a fifth, at most the
// horizon), and the one whose forecast of that part erred least (RMSE) is
// used: a line is fitted again to the whole; smoothing keeps the
// parameters it found (they were searched for on the recent past, which
// the held-out part barely moves) and smooths the whole history with them.
func Predict(s Series, horizon int) (Forecast, error) {
	n := len(s.Values)
	if n < 3 {
		return Forecast{}, ErrTooFew
	}
	if horizon < 1 {
		return Forecast{}, fmt.Errorf("a forecast needs a horizon of at least one step")
	}
	ss := seasonsOf(s)
	hold := max(1, min(n/5, horizon))
	out := Forecast{Series: s, Compared: map[Method]float64{}}
	best := math.Inf(1)
	var chosen model
	for _, method := range candidates(n-hold, ss) {
		m := newModel(method, ss)
		if err := m.fit(s.Values[:n-hold]); err != nil {
			continue
		}
		mean, _ := m.forecast(hold)
		rmse, mape := holdoutErrors(s.Values[n-hold:], mean)
		out.Compared[method] = rmse
		if rmse < best {
			best, out.Method, out.RMSE, out.MAPE, chosen = rmse, method, rmse, mape, m
		}
	}
	if out.Method == "" {
		out.Method = MethodLinear
	}
	if hw, ok := chosen.(*holtWinters); ok {
		if err := hw.smooth(s.Values); err != nil {
			return out, err
		}
		return out, out.fill(hw, horizon)
	}
	return out, out.extend(newModel(out.Method, ss), horizon)
}

// PredictWith forecasts s by one method, without comparing.
func PredictWith(s Series, method Method, horizon int) (Forecast, error) {
	out := Forecast{Series: s, Method: method, RMSE: math.NaN(), MAPE: math.NaN()}
	return out, out.extend(newModel(method, seasonsOf(s)), horizon)
}

// extend fits m (of f.Method) to the whole history and fills the forecast.
func (f *Forecast) extend(m model, horizon int) error {
	if err := m.fit(f.Series.Values); err != nil {
		return err
	}
	return f.fill(m, horizon)
}

// fill makes the forecast from m, fitted.
func (f *Forecast) fill(m model, horizon int) error {
	if hw, ok := m.(*holtWinters); ok {
		f.Alpha, f.Beta, f.Gamma, f.Season = hw.alpha, hw.beta, hw.gamma, hw.period
	}
	mean, sd := m.forecast(horizon)
	z := distuv.UnitNormal.Quantile(0.975)
	f.Mean, f.Lower, f.Upper = mean, make([]float64, len(mean)), make([]float64, len(mean))
	for i := range mean {
		f.Lower[i], f.Upper[i] = mean[i]-z*sd[i], mean[i]+z*sd[i]
	}
	return nil
}

// holdoutErrors are the RMSE and MAPE (%) of forecast against actual.
func holdoutErrors(actual, forecast []float64) (rmse, mape float64) {
	sq, pct := 0.0, 0.0
	for i, a := range actual {
		d := a - forecast[i]
		sq += d * d
		if a == 0 {
			pct = math.NaN()
		} else {
			pct += math.Abs(d / a)
		}
	}
	n := float64(len(actual))
	return math.Sqrt(sq / n), 100 * pct / n
}

// Reach is when a forecast reaches a threshold.
type Reach struct {
	// Already: the last sample is at or over the threshold.
	Already bool
	// Never: the forecast stays under it for the whole horizon.
	Never bool
	// At is the first forecast step at or over it, and In the time from
	// the last sample to then.
	At time.Time
	In time.Duration
}

// TimeTo is when f's mean first reaches threshold.
func (f Forecast) TimeTo(threshold float64) Reach {
	return f.timeToScaled(threshold, capacitySteps{base: 1})
}

// timeToScaled is TimeTo for a threshold that rises with the capacity
// (an upgrade adding a fifth raises an 80 % threshold by a fifth too).
func (f Forecast) timeToScaled(threshold float64, c capacitySteps) Reach {
	values := f.Series.Values
	last := f.Series.At(len(values) - 1)
	if len(values) > 0 && values[len(values)-1] >= threshold {
		return Reach{Already: true, At: last}
	}
	for i, v := range f.Mean {
		if v >= threshold*c.at(f.At(i))/c.base {
			return Reach{At: f.At(i), In: f.At(i).Sub(last)}
		}
	}
	return Reach{Never: true}
}

// PredictMany forecasts every series, one per core at a time: the
// forecasts of all of a CMDB's resources. errs[i] is series i's error.
func PredictMany(series []Series, horizon int) (out []Forecast, errs []error) {
	out, errs = make([]Forecast, len(series)), make([]error, len(series))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = Predict(series[i], horizon)
			}
		}()
	}
	for i := range series {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errs
}
