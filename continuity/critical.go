package continuity

import (
	"fmt"
	"time"
)

// Step is one recovery step for the critical-path calculation.
type Step struct {
	ID        int64
	Duration  time.Duration
	DependsOn []int64
}

// CriticalPath returns the longest chain of steps through their
// dependencies — the least time the recovery can take — and the steps on
// it, first to last. A dependency on a missing step or a cycle is an error
// naming the steps.
func CriticalPath(steps []Step) (time.Duration, []int64, error) {
	byID := make(map[int64]Step, len(steps))
	for _, s := range steps {
		byID[s.ID] = s
	}
	finish := map[int64]time.Duration{}
	prev := map[int64]int64{}
	state := map[int64]int{} // 1 visiting, 2 done
	var visit func(id int64, path []int64) error
	visit = func(id int64, path []int64) error {
		switch state[id] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("steps %v depend on each other in a circle", append(path, id))
		}
		s, ok := byID[id]
		if !ok {
			return fmt.Errorf("step %d depends on step %d, which does not exist", path[len(path)-1], id)
		}
		state[id] = 1
		var start time.Duration
		for _, d := range s.DependsOn {
			if err := visit(d, append(path, id)); err != nil {
				return err
			}
			if finish[d] > start || (finish[d] == start && prev[id] == 0) {
				start = finish[d]
				prev[id] = d
			}
		}
		finish[id] = start + s.Duration
		state[id] = 2
		return nil
	}
	var last int64
	var longest time.Duration = -1
	for _, s := range steps {
		if err := visit(s.ID, nil); err != nil {
			return 0, nil, err
		}
		if finish[s.ID] > longest {
			longest, last = finish[s.ID], s.ID
		}
	}
	if len(steps) == 0 {
		return 0, nil, nil
	}
	var path []int64
	for id := last; id != 0; id = prev[id] {
		path = append([]int64{id}, path...)
		if len(path) > len(steps) {
			break
		}
	}
	return longest, path, nil
}
