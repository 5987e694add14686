package capacity

import (
	"math"
	"sort"
)

// nelderMead minimises f from x0 by the Nelder-Mead simplex method
// (Lagarias et al. 1998 coefficients), stopping when the simplex's values
// agree to tol (relative) or after maxEval evaluations.
//
// gonum's optimize.NelderMead does the same, and was used first: its
// harness (a goroutine and channels per evaluation, timing each) cost four
// times the smoothing run it was minimising — a forecast evaluates the
// objective some hundreds of times, for 10,000 resources.
func nelderMead(f func([]float64) float64, x0 []float64, step, tol float64, maxEval int) []float64 {
	n := len(x0)
	type vertex struct {
		x []float64
		v float64
	}
	simplex := make([]vertex, n+1)
	evals := 0
	eval := func(x []float64) float64 { evals++; return f(x) }
	for i := range simplex {
		x := append([]float64(nil), x0...)
		if i > 0 {
			x[i-1] += step
		}
		simplex[i] = vertex{x, eval(x)}
	}
	centroid := make([]float64, n)
	point := func(from []float64, towards []float64, t float64) []float64 {
		// from + t·(towards − from)
		out := make([]float64, n)
		for j := range out {
			out[j] = from[j] + t*(towards[j]-from[j])
		}
		return out
	}
	for evals < maxEval {
		sort.Slice(simplex, func(a, b int) bool { return simplex[a].v < simplex[b].v })
		best, worst := simplex[0].v, simplex[n].v
		if math.Abs(worst-best) <= tol*math.Abs(best)+1e-12 {
			break
		}
		for j := range centroid {
			centroid[j] = 0
			for _, s := range simplex[:n] {
				centroid[j] += s.x[j] / float64(n)
			}
		}
		w := simplex[n]
		r := point(centroid, w.x, -1) // reflection
		rv := eval(r)
		switch {
		case rv < simplex[0].v:
			e := point(centroid, w.x, -2) // expansion
			if ev := eval(e); ev < rv {
				simplex[n] = vertex{e, ev}
			} else {
				simplex[n] = vertex{r, rv}
			}
		case rv < simplex[n-1].v:
			simplex[n] = vertex{r, rv}
		default:
			var c []float64
			if rv < w.v {
				c = point(centroid, r, 0.5) // outside contraction
			} else {
				c = point(centroid, w.x, 0.5) // inside contraction
			}
			if cv := eval(c); cv < math.Min(rv, w.v) {
				simplex[n] = vertex{c, cv}
				continue
			}
			for i := 1; i <= n; i++ { // shrink towards the best
				simplex[i].x = point(simplex[0].x, simplex[i].x, 0.5)
				simplex[i].v = eval(simplex[i].x)
			}
		}
	}
	sort.Slice(simplex, func(a, b int) bool { return simplex[a].v < simplex[b].v })
	return simplex[0].x
}
