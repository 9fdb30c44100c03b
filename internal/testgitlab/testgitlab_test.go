package testgitlab

import (
	"fmt"
	"strings"
	"testing"
)

func TestReadLive(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if s, err := ReadLive(env(BaseURLEnv, "https://gitlab.example.com", TokenEnv, "glpat-x")); s != nil || err != nil {
		t.Errorf("without %s: %+v, %v; want live mode off", LiveEnv, s, err)
	}
	s, err := ReadLive(env(LiveEnv, "1", BaseURLEnv, "https://gitlab.example.com/api/v4/", TokenEnv, "glpat-x",
		GroupIDEnv, "12", ProjectIDsEnv, "34, 35", NonAdminTokenEnv, "glpat-y"))
	if err != nil || s.BaseURL != "https://gitlab.example.com" || s.GroupID != 12 || fmt.Sprint(s.ProjectIDs) != "[34 35]" || s.NonAdminToken != "glpat-y" {
		t.Errorf("settings %+v, %v", s, err)
	}
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{LiveEnv, "yes"}, LiveEnv + `="yes"`},
		{[]string{LiveEnv, "1", TokenEnv, "x"}, "set GITLAB_BASE_URL"},
		{[]string{LiveEnv, "1", BaseURLEnv, "gitlab.example.com", TokenEnv, "x"}, "want an http:// or https:// URL"},
		{[]string{LiveEnv, "1", BaseURLEnv, "https://g", TokenEnv, "x", GroupIDEnv, "demo"}, GroupIDEnv + `="demo"`},
		{[]string{LiveEnv, "1", BaseURLEnv, "https://g", TokenEnv, "x", GroupIDEnv, "1", ProjectIDsEnv, "34"}, "two or more"},
		{[]string{LiveEnv, "1", BaseURLEnv, "https://g", TokenEnv, "x", GroupIDEnv, "1", ProjectIDsEnv, "34,web"}, `"web" is not a project id`},
		{[]string{LiveEnv, "1", BaseURLEnv, "https://g", TokenEnv, "x", ProjectIDsEnv, "34,35"}, "without " + GroupIDEnv},
	} {
		if _, err := ReadLive(env(tc.kv...)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.kv, err, tc.want)
		}
	}
}

// TestMarked: the one rule of what a sweep may delete.
func TestMarked(t *testing.T) {
	run := LivePrefix + "1a2b3c4d-"
	for _, tc := range []struct {
		description, prefix string
		want                bool
	}{
		{run + "007-first", LivePrefix, true},
		{run, LivePrefix, true},
		{run + "007-first", run + "007-", true},
		{run + "008-first", run + "007-", false},
		{"first", LivePrefix, false},
		{"my " + run + "007-first", LivePrefix, false}, // the mark in the middle
		{LivePrefix + "first", LivePrefix, false},      // no run id
		{LivePrefix + "1A2B3C4D-x", LivePrefix, false}, // not a run id
		{" " + run, LivePrefix, false},
		{"", LivePrefix, false},
	} {
		if got := Marked(tc.description, tc.prefix); got != tc.want {
			t.Errorf("Marked(%q, %q) = %v, want %v", tc.description, tc.prefix, got, tc.want)
		}
	}
}
