package gitlabapi

import "testing"

func TestParseMajorMinor(t *testing.T) {
	cases := map[string]struct {
		major, minor int
		ok           bool
	}{
		"15.9.0-ee":    {15, 9, true},
		"15.11.2":      {15, 11, true},
		"18.6.0-ee":    {18, 6, true},
		"16.0.0-pre":   {16, 0, true},
		"17.4-rc1":     {17, 4, true},
		"17.4.1-ee":    {17, 4, true},
		"16.11.0-pre":  {16, 11, true},
		"15.9":         {15, 9, true},
		"20.0.0":       {20, 0, true},
		"15.10pre.1":   {15, 10, true},
		" 16.11.0-ee ": {16, 11, true},
		"garbage":      {0, 0, false},
		"":             {0, 0, false},
		"x.y.z":        {0, 0, false},
		"seventeen":    {0, 0, false},
		"17":           {0, 0, false},
		"17.x.1":       {0, 0, false},
		"-1.2":         {0, 0, false},
		"+17.4":        {0, 0, false},
		"17.-4":        {0, 0, false},
	}
	for in, want := range cases {
		got, ok := ParseMajorMinor(in)
		if ok != want.ok || got.Major != want.major || got.Minor != want.minor {
			t.Errorf("ParseMajorMinor(%q) = %v, %v; want %d.%d, %v", in, got, ok, want.major, want.minor, want.ok)
		}
	}
}

func TestMajorMinorAtLeast(t *testing.T) {
	v := MajorMinor{Major: 16, Minor: 11}
	for _, c := range []struct {
		major, minor int
		want         bool
	}{{16, 11, true}, {16, 10, true}, {15, 99, true}, {16, 12, false}, {17, 0, false}} {
		if got := v.AtLeast(c.major, c.minor); got != c.want {
			t.Errorf("%s.AtLeast(%d, %d) = %v, want %v", v, c.major, c.minor, got, c.want)
		}
	}
	if v.String() != "16.11" {
		t.Errorf("String() = %q", v)
	}
}

func TestRequirement(t *testing.T) {
	ee1810 := Requirement{Major: 18, Minor: 10, Enterprise: true}
	if got := ee1810.String(); got != "GitLab Enterprise Edition 18.10 or later" {
		t.Errorf("String() = %q", got)
	}
	for _, c := range []struct {
		version    string
		enterprise bool
		met, ok    bool
	}{
		{"18.10.0-ee", true, true, true},
		{"19.0.1-ee", true, true, true},
		{"18.9.4-ee", true, false, true},
		{"18.10.0", false, false, true}, // Community Edition
		{"unknown", true, false, false},
	} {
		met, ok := ee1810.MetBy(&Version{Version: c.version, Enterprise: c.enterprise})
		if met != c.met || ok != c.ok {
			t.Errorf("%s (enterprise %v): met %v ok %v, want %v %v", c.version, c.enterprise, met, ok, c.met, c.ok)
		}
	}
	if met, _ := (Requirement{Major: 15, Minor: 11}).MetBy(&Version{Version: "16.0.0"}); !met {
		t.Error("a CE server meets a requirement without Enterprise")
	}
	if !(Requirement{}).IsZero() || ee1810.IsZero() {
		t.Error("IsZero")
	}
}
