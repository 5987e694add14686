// Package clocale makes the C locale read as English before the window
// toolkit's translation package looks at the environment.
//
// Containers and CI run with LANG=C.UTF-8 (or LC_ALL=C.UTF-8). Fyne's lang
// package reads the locale in its init, takes "C.UTF-8" for a language tag
// "C", fails to parse it and logs three "Fyne error" lines on every run of
// every command, before main starts. Setting LANGUAGE (which gettext and
// Fyne consult after a non-C locale) to English for a C locale avoids that,
// and English is what the C locale means.
//
// This must run before fyne.io/fyne/v2/lang's init. main imports it for
// its side effect; it imports nothing but os. Go (1.21 and later)
// initialises packages in import-path order among those whose imports are
// ready: this package is ready as soon as os is, and Fyne's lang package
// needs text/template, which sorts after "servicebook/…" and does not come
// with os, so this package always goes first. TestCLocaleIsQuiet in main
// checks it on the real binary's init order.
package clocale

import "os"

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	// The first of these that is set is the locale for messages, as
	// gettext and Fyne read it.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if IsC(v) {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}

// IsC reports whether a locale name is the C (POSIX) locale in any
// encoding: C, C.UTF-8, POSIX.
func IsC(locale string) bool {
	for _, c := range []string{"C", "POSIX"} {
		if locale == c || len(locale) > len(c) && locale[:len(c)+1] == c+"." {
			return true
		}
	}
	return false
}
