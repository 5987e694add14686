package clocale

import "testing"

func TestIsC(t *testing.T) {
	for _, l := range []string{"C", "C.UTF-8", "C.utf8", "POSIX", "POSIX.UTF-8"} {
		if !IsC(l) {
			t.Errorf("%q is the C locale", l)
		}
	}
	for _, l := range []string{"", "en_US.UTF-8", "zh_CN.UTF-8", "Ca_ES", "CC", "POSIXLY"} {
		if IsC(l) {
			t.Errorf("%q is not the C locale", l)
		}
	}
}
