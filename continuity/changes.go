package continuity

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"servicebook/doccontrol"
)

// Change is one difference between a plan's approved content and its
// content now: what the "changes since the approved version" page lists.
type Change struct {
	Part     string // plan, step, role, ci
	Item     string // the field, "step 3", the role, the CI reference
	Kind     string // added, removed, changed
	Old, New string
}

// SinceApproval compares a revised plan (N.x) with its last approved
// version N.0. It returns that version and the changes; none for a draft
// or an approved plan, which have nothing approved to differ from.
func (s *Store) SinceApproval(ctx context.Context, doc string) (string, []Change, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil || p.Status() != Revised {
		return "", nil, err
	}
	major, _, _ := doccontrol.ParseVersion(p.Version)
	approved := fmt.Sprintf("%d.0", major)
	old, err := s.ApprovedContent(ctx, doc, approved)
	if err != nil {
		return "", nil, err
	}
	now, err := s.content(ctx, s.db, p.ID)
	if err != nil {
		return "", nil, err
	}
	return approved, CompareContent(old, now), nil
}

// CompareContent lists what differs from old to now: plan fields, steps
// (by their identity, so a renumbered step is a change, not a removal),
// call-tree roles and linked CIs.
func CompareContent(old, now Content) []Change {
	var out []Change
	field := func(part, item, a, b string) {
		if a != b {
			out = append(out, Change{Part: part, Item: item, Kind: "changed", Old: a, New: b})
		}
	}
	o, n := old.Plan, now.Plan
	for _, f := range []struct{ name, a, b string }{
		{"title", o.Title, n.Title}, {"owner", o.Owner, n.Owner}, {"approver", o.Approver, n.Approver},
		{"classification", o.Classification, n.Classification},
		{"RTO", FormatDuration(o.RTO), FormatDuration(n.RTO)}, {"RPO", FormatDuration(o.RPO), FormatDuration(n.RPO)},
		{"MTPD", FormatDuration(o.MTPD), FormatDuration(n.MTPD)}, {"minimum service level", o.MinServiceLevel, n.MinServiceLevel},
		{"scope", o.Scope, n.Scope}, {"invocation", o.Invocation, n.Invocation}, {"major loss", o.MajorLoss, n.MajorLoss},
		{"availability while invoked", o.AvailabilityInvoked, n.AvailabilityInvoked}, {"recovery", o.Recovery, n.Recovery},
		{"return to normal", o.ReturnToNormal, n.ReturnToNormal},
	} {
		field("plan", f.name, f.a, f.b)
	}

	stepText := func(st PlanStep, numbers map[int64]int) string {
		var deps []string
		for _, id := range st.DependsOn {
			deps = append(deps, strconv.Itoa(numbers[id]))
		}
		text := fmt.Sprintf("%s · %s · %s · %s · %s", st.Phase, st.Who, st.Action, st.Location, FormatDuration(st.Duration))
		if len(deps) > 0 {
			text += " · after " + strings.Join(deps, ", ")
		}
		return text
	}
	numbers := func(steps []PlanStep) (map[int64]int, map[int64]PlanStep) {
		num, byID := map[int64]int{}, map[int64]PlanStep{}
		for _, st := range steps {
			num[st.ID], byID[st.ID] = st.Number, st
		}
		return num, byID
	}
	oldNum, oldSteps := numbers(old.Steps)
	newNum, newSteps := numbers(now.Steps)
	for _, st := range old.Steps {
		if _, ok := newSteps[st.ID]; !ok {
			out = append(out, Change{Part: "step", Item: "step " + strconv.Itoa(st.Number), Kind: "removed", Old: stepText(st, oldNum)})
		}
	}
	for _, st := range now.Steps {
		before, ok := oldSteps[st.ID]
		item := "step " + strconv.Itoa(st.Number)
		switch {
		case !ok:
			out = append(out, Change{Part: "step", Item: item, Kind: "added", New: stepText(st, newNum)})
		default:
			if before.Number != st.Number {
				item = fmt.Sprintf("step %d (was %d)", st.Number, before.Number)
			}
			field("step", item, stepText(before, oldNum), stepText(st, newNum))
		}
	}

	contact := func(c *Contact) string {
		if c == nil {
			return ""
		}
		return strings.Join(strings.Fields(strings.Join([]string{c.Name, c.Mobile, c.Phone, c.Email}, " ")), " ")
	}
	roleText := func(r Role) string {
		return fmt.Sprintf("%d · %s / %s", r.Escalation, contact(r.Primary), contact(r.Alternate))
	}
	oldRoles := map[string]Role{}
	for _, r := range old.Roles {
		oldRoles[r.Role] = r
	}
	newRoles := map[string]bool{}
	for _, r := range now.Roles {
		newRoles[r.Role] = true
		if before, ok := oldRoles[r.Role]; ok {
			field("role", r.Role, roleText(before), roleText(r))
		} else {
			out = append(out, Change{Part: "role", Item: r.Role, Kind: "added", New: roleText(r)})
		}
	}
	for _, r := range old.Roles {
		if !newRoles[r.Role] {
			out = append(out, Change{Part: "role", Item: r.Role, Kind: "removed", Old: roleText(r)})
		}
	}

	oldCIs, newCIs := map[string]string{}, map[string]bool{}
	for _, c := range old.CIs {
		oldCIs[c.Ref] = c.Name
	}
	for _, c := range now.CIs {
		newCIs[c.Ref] = true
		if _, ok := oldCIs[c.Ref]; !ok {
			out = append(out, Change{Part: "ci", Item: c.Ref, Kind: "added", New: c.Name})
		}
	}
	for _, c := range old.CIs {
		if !newCIs[c.Ref] {
			out = append(out, Change{Part: "ci", Item: c.Ref, Kind: "removed", Old: c.Name})
		}
	}
	return out
}
