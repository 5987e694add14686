// Package doccontrol is the document control every controlled plan shares
// (ISO/IEC 20000 asks for it of continuity and capacity plans alike): a
// version below 1.0 is a draft, approval makes N.0, a change to approved
// content makes N.1 and keeps the approved content; the document-control
// table of revisions; the distribution list of issued copies. Each kind of
// document keeps these records in its own tables (Tables names them), so
// that its foreign keys stay real, while the rules live here once.
package doccontrol

import (
	"fmt"
	"strconv"
	"strings"
)

// Status is where a document is in its approval cycle.
type Status string

// Document statuses.
const (
	Draft    Status = "draft"    // version below 1.0: for reference only
	Approved Status = "approved" // version N.0, approved
	Revised  Status = "revised"  // changed since approval (N.M, M > 0), awaiting approval
)

// StatusOf derives a document's status from its version.
func StatusOf(version string) Status {
	major, minor, _ := ParseVersion(version)
	switch {
	case major < 1:
		return Draft
	case minor == 0:
		return Approved
	}
	return Revised
}

// ParseVersion reads a version like 0.1 or 2.0; "3" is 3.0.
func ParseVersion(v string) (major, minor int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(v), ".")
	if !ok {
		b = "0"
	}
	if major, err = strconv.Atoi(a); err != nil {
		return 0, 0, fmt.Errorf("%q is not a version like 0.1 or 1.0", v)
	}
	if minor, err = strconv.Atoi(b); err != nil || major < 0 || minor < 0 {
		return 0, 0, fmt.Errorf("%q is not a version like 0.1 or 1.0", v)
	}
	return major, minor, nil
}

// NextMinor is the version a change to a document produces: 0.1 → 0.2,
// 1.0 → 1.1.
func NextMinor(v string) string {
	major, minor, err := ParseVersion(v)
	if err != nil {
		return "0.1"
	}
	return fmt.Sprintf("%d.%d", major, minor+1)
}

// ApprovedVersion is the version approval gives: a draft becomes 1.0, a
// revision of N.0 becomes N+1.0. An unchanged approved document cannot be
// approved again.
func ApprovedVersion(v string) (string, error) {
	major, minor, err := ParseVersion(v)
	switch {
	case err != nil:
		return "", err
	case major < 1:
		return "1.0", nil
	case minor == 0:
		return "", fmt.Errorf("version %s is already approved; change the plan first, then approve the new version", v)
	}
	return fmt.Sprintf("%d.0", major+1), nil
}
