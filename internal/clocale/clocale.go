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
	if IsC(localeVariable()) {
		os.Setenv("LANGUAGE", "en")
	}
}

// localeVariable is the first of LC_ALL, LC_MESSAGES and LANG that is set:
// the locale for messages, as gettext and Fyne read it.
func localeVariable() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// Messages is the language messages are read in: LANGUAGE's first choice
// when set (gettext puts it first, and init sets it for the C locale),
// else the locale variable's, e.g. "zh_CN.UTF-8".
func Messages() string {
	if v := os.Getenv("LANGUAGE"); v != "" {
		for i := 0; i < len(v); i++ {
			if v[i] == ':' {
				return v[:i]
			}
		}
		return v
	}
	return localeVariable()
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
