package continuity

import (
	"fmt"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/doccontrol"
	"servicebook/store"
)

// Plan is a service continuity plan (服务连续性计划) with its document
// control and the contents ISO/IEC 20000 asks for.
type Plan struct {
	ID             int64
	DocNumber      string // SM-02002
	Title          string
	ServiceID      int64
	ServiceRef     string
	ServiceName    string
	Owner          string
	Approver       string
	Classification string // 内部使用
	Version        string // below 1.0 is a draft
	ApprovedAt     string // YYYY-MM-DD, for the current approved version
	ApprovedBy     string
	ReviewMonths   int
	NextReview     string // YYYY-MM-DD
	NeedsReview    bool
	NeedsReason    string
	RetestRequired bool
	// The contents the standard requires.
	Scope               string // scope and assumptions
	Invocation          string // invocation criteria and who may invoke
	MajorLoss           string // procedures on major loss of service
	AvailabilityInvoked string // availability targets while the plan is invoked
	Recovery            string // recovery requirements
	ReturnToNormal      string // the approach for return to normal working
	// BIA figures.
	RTO, RPO, MTPD  time.Duration
	MinServiceLevel string
	RowVersion      int64
}

// Status is where a plan is in its approval cycle; the rules are the
// document control every controlled plan shares (package doccontrol).
type Status = doccontrol.Status

// Plan statuses.
const (
	Draft    = doccontrol.Draft    // version below 1.0: for reference only
	Approved = doccontrol.Approved // version N.0, approved
	Revised  = doccontrol.Revised  // changed since approval (N.M, M > 0), awaiting approval
)

// Status derives the plan's status from its version.
func (p Plan) Status() Status { return doccontrol.StatusOf(p.Version) }

// IsDraft reports whether the plan is a draft (version below 1.0), which
// must be marked DRAFT wherever it is shown or printed.
func (p Plan) IsDraft() bool { return p.Status() == Draft }

// ref is the plan as its document control needs it.
func (p Plan) ref() doccontrol.Ref {
	return doccontrol.Ref{ID: p.ID, DocNumber: p.DocNumber, Version: p.Version, RowVersion: p.RowVersion}
}

// Validate checks a plan before it is saved.
func (p Plan) Validate() error {
	var problems []store.FieldProblem
	add := func(field string, msg store.Msg) {
		problems = append(problems, store.FieldProblem{Field: field, Message: msg.String(), Msg: msg})
	}
	if strings.TrimSpace(p.DocNumber) == "" {
		add("doc_number", store.M(MsgDocNumberRequired))
	}
	if strings.TrimSpace(p.Title) == "" {
		add("title", store.M(MsgTitleRequired))
	}
	if p.ReviewMonths < 1 || p.ReviewMonths > 60 {
		add("review_months", store.M(MsgReviewMonths, "Value", p.ReviewMonths))
	}
	if _, _, err := doccontrol.ParseVersion(p.Version); err != nil {
		add("version", store.M(MsgBadVersion, "Value", p.Version))
	}
	if p.NextReview != "" {
		if _, err := time.Parse("2006-01-02", p.NextReview); err != nil {
			add("next_review", store.M(cmdb.MsgNotDate, "Value", p.NextReview))
		}
	}
	problems = append(problems, store.CheckTexts(map[string]string{"doc_number": p.DocNumber, "title": p.Title, "owner": p.Owner,
		"approver": p.Approver, "classification": p.Classification, "scope": p.Scope, "invocation": p.Invocation,
		"major_loss": p.MajorLoss, "availability_invoked": p.AvailabilityInvoked, "recovery": p.Recovery,
		"return_to_normal": p.ReturnToNormal, "min_service_level": p.MinServiceLevel},
		"scope", "invocation", "major_loss", "availability_invoked", "recovery", "return_to_normal")...)
	for name, d := range map[string]time.Duration{"rto": p.RTO, "rpo": p.RPO, "mtpd": p.MTPD} {
		if d < 0 {
			add(name, store.M(MsgNegative))
		}
	}
	return store.Invalid(problems)
}

// Messages about plans, as English templates (see store.Msg).
const (
	MsgDocNumberRequired = "a plan needs a document number, e.g. SM-02002"
	MsgTitleRequired     = "a plan needs a title"
	MsgReviewMonths      = "{{.Value}} months is not a review interval; use 1 to 60"
	MsgBadVersion        = `"{{.Value}}" is not a version like 0.1 or 1.0`
	MsgNegative          = "cannot be negative"
	MsgNotService        = "{{.Ref}} {{.Name}} is not a service; a plan covers a business or IT service"
)

// Phase is a stage of recovery.
type Phase string

// Recovery phases, in order.
const (
	Activation     Phase = "activation"
	Recovery       Phase = "recovery"
	Reconstitution Phase = "reconstitution"
)

// PlanStep is one recovery step.
type PlanStep struct {
	ID        int64
	Number    int // its place in the plan, 1, 2, …: how people refer to it
	Phase     Phase
	Order     int
	Who       string // a role of the call tree, or a name
	Action    string
	Location  string
	Duration  time.Duration
	DependsOn []int64
}

// Contact is a person or supplier a plan calls on.
type Contact struct {
	ID                   int64
	Name, Organisation   string
	Phone, Mobile, Email string
	Supplier             bool
}

// Role is one line of the call tree: who is called first, who instead.
type Role struct {
	ID                 int64
	Role               string
	Escalation         int
	Primary, Alternate *Contact
}

// Revision is one line of the document-control table.
type Revision = doccontrol.Revision

// Copy is one line of the distribution list.
type Copy = doccontrol.Copy

// ExerciseKind is how a plan is tested.
type ExerciseKind string

// Kinds of exercise, and a real invocation.
const (
	Walkthrough      ExerciseKind = "walkthrough"
	Tabletop         ExerciseKind = "tabletop"
	CallTree         ExerciseKind = "call_tree"
	Simulation       ExerciseKind = "simulation"
	Partial          ExerciseKind = "partial"
	FullInterruption ExerciseKind = "full_interruption"
	Invocation       ExerciseKind = "invocation"
)

// ExerciseKinds lists them in order of realism.
var ExerciseKinds = []ExerciseKind{Walkthrough, Tabletop, CallTree, Simulation, Partial, FullInterruption, Invocation}

// Outcome is how an exercise went.
type Outcome string

// Exercise outcomes.
const (
	Passed           Outcome = "passed"
	PassedWithIssues Outcome = "passed_with_issues"
	Failed           Outcome = "failed"
)

// Exercise is a test of a plan, or a real invocation; either must be
// followed by a review.
type Exercise struct {
	ID                       int64
	Kind                     ExerciseKind
	Planned, Held            string // YYYY-MM-DD
	Participants, Objectives string
	Outcome                  Outcome
	Findings                 string
	ReviewedAt, ReviewedBy   string
	ReviewNotes              string
}

// Action is something to do that came from an exercise, a review or an
// invocation, tracked to closure.
type Action struct {
	ID           int64
	PlanID       int64
	DocNumber    string
	ExerciseID   int64
	Description  string
	Owner        string
	Due          string
	Status       string // open, closed
	Verification string
	ClosedAt     string
}

// Finding is one result of the executability checks.
type Finding struct {
	Severity string // "error": the plan cannot work as written; "warning": look at it
	Msg      store.Msg
}

// LinkedCI is what the checks need to know of a CI the plan covers.
type LinkedCI struct {
	Ref, Name             string
	Status                cmdb.Status
	BackupIntervalMinutes int // 0 when the CI records none
}

// Executability messages.
const (
	MsgPathOverRTO      = "the recovery steps take {{.Path}} along their critical path, more than the RTO of {{.RTO}}"
	MsgRTOOverMTPD      = "the RTO ({{.RTO}}) is longer than the maximum tolerable period of disruption ({{.MTPD}})"
	MsgRPOBackup        = "{{.Ref}} {{.Name}} is backed up every {{.Interval}}, which does not meet the RPO of {{.RPO}}"
	MsgRetiredCI        = "{{.Ref}} {{.Name}} is retired but the plan still relies on it"
	MsgStepWithoutOwner = "step {{.Order}} ({{.Action}}) has no one assigned"
	MsgRoleNoAlternate  = "role {{.Role}} has no alternate"
	MsgNoBIA            = "the plan has no RTO, RPO or MTPD"
	MsgStepsCycle       = "the recovery steps depend on each other in a circle"
	MsgNoSteps          = "the plan has no recovery steps"
)

// Messages lists the message templates of this package, for the
// translation check.
var Messages = []string{MsgDocNumberRequired, MsgTitleRequired, MsgReviewMonths, MsgBadVersion, MsgNegative, MsgNotService,
	MsgPathOverRTO, MsgRTOOverMTPD, MsgRPOBackup, MsgRetiredCI, MsgStepWithoutOwner, MsgRoleNoAlternate, MsgNoBIA,
	MsgStepsCycle, MsgNoSteps, MsgNotTime, MsgNotYesNo, MsgEndsBeforeStart, MsgNotInvestigation, MsgDuplicateOutage,
	MsgNoOutageHeader}

// Check runs the executability checks of a plan.
func Check(p Plan, steps []PlanStep, roles []Role, cis []LinkedCI) []Finding {
	var out []Finding
	add := func(sev string, m store.Msg) { out = append(out, Finding{Severity: sev, Msg: m}) }
	if p.RTO == 0 && p.RPO == 0 && p.MTPD == 0 {
		add("warning", store.M(MsgNoBIA))
	}
	if p.RTO > 0 && p.MTPD > 0 && p.RTO > p.MTPD {
		add("error", store.M(MsgRTOOverMTPD, "RTO", Minutes(p.RTO), "MTPD", Minutes(p.MTPD)))
	}
	if len(steps) == 0 {
		add("warning", store.M(MsgNoSteps))
	} else {
		cs := make([]Step, len(steps))
		for i, s := range steps {
			cs[i] = Step{ID: s.ID, Duration: s.Duration, DependsOn: s.DependsOn}
		}
		path, _, err := CriticalPath(cs)
		switch {
		case err != nil:
			add("error", store.M(MsgStepsCycle))
		case p.RTO > 0 && path > p.RTO:
			add("error", store.M(MsgPathOverRTO, "Path", Minutes(path), "RTO", Minutes(p.RTO)))
		}
	}
	for _, c := range cis {
		if c.Status == cmdb.StatusRetired {
			add("error", store.M(MsgRetiredCI, "Ref", c.Ref, "Name", c.Name))
		}
		if p.RPO > 0 && c.BackupIntervalMinutes > 0 && time.Duration(c.BackupIntervalMinutes)*time.Minute > p.RPO {
			add("error", store.M(MsgRPOBackup, "Ref", c.Ref, "Name", c.Name,
				"Interval", Minutes(time.Duration(c.BackupIntervalMinutes)*time.Minute), "RPO", Minutes(p.RPO)))
		}
	}
	for _, s := range steps {
		if strings.TrimSpace(s.Who) == "" {
			add("warning", store.M(MsgStepWithoutOwner, "Order", s.Order, "Action", s.Action))
		}
	}
	for _, r := range roles {
		if r.Alternate == nil {
			add("warning", store.M(MsgRoleNoAlternate, "Role", r.Role))
		}
	}
	return out
}

// Minutes writes a duration as people read recovery times: 45 min, 4 h,
// 2 h 30 min, 3 d.
func Minutes(d time.Duration) string {
	m := int(d / time.Minute)
	switch {
	case m == 0:
		return "0 min"
	case m%(24*60) == 0:
		return fmt.Sprintf("%d d", m/(24*60))
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	case m > 60:
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	return fmt.Sprintf("%d min", m)
}
