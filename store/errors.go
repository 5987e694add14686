package store

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes shared by every domain package. The window and the command
// line show Message to the person; Code decides the exit status and how the
// message is presented.
const (
	EInvalid  = "invalid"   // the person gave something we cannot accept
	ENotFound = "not_found" // the thing named does not exist
	EConflict = "conflict"  // someone else changed it first, or it already exists
	EInternal = "internal"  // our fault or the machine's, not the person's
)

// Error is an error meant to be read by a person. Code classifies it;
// Message says in plain words what went wrong and, where possible, what to do.
type Error struct {
	Code    string
	Message string
	Msg     Msg // Message, for translation; Key is empty where there is none
	// Fields, for validation errors, holds one problem per field so that a
	// form can show each message beside its field.
	Fields []FieldProblem
}

// FieldProblem is what is wrong with one field of a form or record.
type FieldProblem struct {
	Field   string
	Message string // in English
	Msg     Msg    // the same, for translation; Key is empty where there is none
}

// Invalid returns an EInvalid error listing problems, or nil if there are none.
func Invalid(problems []FieldProblem) error {
	if len(problems) == 0 {
		return nil
	}
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return &Error{Code: EInvalid, Message: strings.Join(parts, "; "), Fields: problems}
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var m Msg
	if errors.As(err, &m) {
		return EInvalid // a Msg is always about what the person gave
	}
	return EInternal
}

// ErrorMessage returns the person-facing message of err: the message of the
// first *Error in its chain, or a generic sentence for internal errors whose
// detail belongs in the log, not in front of the user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var m Msg
	if errors.As(err, &m) {
		return m.String()
	}
	if isBusy(err) {
		return mapConstraint(err).(*Error).Message // no raw SQLite lock error reaches a person
	}
	if isDiskFull(err) {
		return "The disk is full: nothing was changed. Free some space and try again."
	}
	if isCorrupt(err) {
		return "The database file is damaged (" + sqliteReason(err) + "). Run servicebook check to see what is wrong, and restore the newest backup (servicebook restore BACKUP --yes)."
	}
	return "Internal error: " + err.Error()
}

// constraintErrors are the constraint failures a person can act on, as
// SQLite words them and as PostgreSQL numbers them (SQLSTATE), with what
// the person reads; detail is the constraint or column the failure names.
var constraintErrors = []struct {
	sqlite, sqlstate string
	code             string
	message          func(detail string) string
}{
	{"UNIQUE constraint failed", "SQLSTATE 23505", EConflict, func(d string) string { return "That record already exists (" + d + ")." }},
	{"FOREIGN KEY constraint failed", "SQLSTATE 23503", EConflict, func(string) string {
		return "The record is still referenced by another record, or refers to one that does not exist."
	}},
	{"CHECK constraint failed", "SQLSTATE 23514", EInvalid, func(d string) string { return "A value is out of range (" + d + ")." }},
	{"NOT NULL constraint failed", "SQLSTATE 23502", EInvalid, func(d string) string { return "A required value is missing (" + d + ")." }},
}

// mapConstraint turns constraint failures into person-readable errors.
// This is the one place that knows the drivers' wording, so domain code
// can stay portable and never parse driver messages itself.
func mapConstraint(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if isBusy(err) {
		return &Error{Code: EConflict, Message: "The database is busy: another servicebook has been writing to it (an import, perhaps) for more than " +
			strings.TrimSuffix(busyTimeoutMS, "000") + " s. Nothing was changed; try again when it has finished."}
	}
	for _, c := range constraintErrors {
		switch {
		case strings.Contains(msg, c.sqlite):
			return &Error{Code: c.code, Message: c.message(afterColon(msg))}
		case strings.Contains(msg, c.sqlstate):
			return &Error{Code: c.code, Message: c.message(pgConstraint(msg))}
		}
	}
	// What only a server says (team mode).
	switch {
	case strings.Contains(msg, "SQLSTATE 42501"):
		return &Error{Code: EInvalid, Message: "The server refused: your sign-in may not do this (" + pgMessage(msg) + ")."}
	case strings.Contains(msg, "SQLSTATE 40001"), strings.Contains(msg, "SQLSTATE 40P01"):
		return &Error{Code: EConflict, Message: "Someone else changed the same records at the same moment; nothing was changed. Try again."}
	}
	return err
}

// pgConstraint is the constraint a PostgreSQL error names, or its message.
func pgConstraint(msg string) string {
	if _, rest, ok := strings.Cut(msg, `constraint "`); ok {
		if name, _, ok := strings.Cut(rest, `"`); ok {
			return name
		}
	}
	return pgMessage(msg)
}

// pgMessage is a PostgreSQL error's own words, without "ERROR:" and the
// SQLSTATE.
func pgMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "ERROR: ")
	if i := strings.LastIndex(msg, " (SQLSTATE"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// MapError is mapConstraint for domain stores: wrap the error returned by an
// Exec or Commit so a constraint failure reaches the user as an *Error.
func MapError(err error) error { return mapConstraint(err) }

func afterColon(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return strings.TrimSpace(msg[i+2:])
	}
	return msg
}
