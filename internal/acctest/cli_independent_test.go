package acctest

import (
	"strings"
	"testing"
)

func TestSkipCLIIndependent(t *testing.T) {
	for _, tc := range []struct {
		setting, why string
		skip, err    string // substrings; "" = none
	}{
		{"", "mock behaviour", "", ""},
		{"run", "mock behaviour", "", ""},
		{"skip", "mock behaviour", "CLI-independent (mock behaviour): it runs once per suite, on the pinned Terraform run (`make testacc`); this run sets TF_ACC_CLI_INDEPENDENT=skip", ""},
		{"yes", "mock behaviour", "", `TF_ACC_CLI_INDEPENDENT="yes": want "run" (or unset)`},
		{"skip", "", "", "say why"},
	} {
		skip, err := skipCLIIndependent(tc.setting, tc.why)
		if tc.skip == "" && skip != "" || tc.skip != "" && !strings.Contains(skip, tc.skip) {
			t.Errorf("%q %q: skip %q, want %q", tc.setting, tc.why, skip, tc.skip)
		}
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q %q: error %v, want %q", tc.setting, tc.why, err, tc.err)
		}
	}
}

func TestCLIIndependentSkips(t *testing.T) {
	t.Setenv(CLIIndependentEnv, "skip")
	ran := false
	t.Run("declared", func(t *testing.T) {
		CLIIndependent(t, "client behaviour")
		ran = true
	})
	if ran {
		t.Error("a CLI-independent test ran with TF_ACC_CLI_INDEPENDENT=skip")
	}
	t.Setenv(CLIIndependentEnv, "")
	t.Run("declared", func(t *testing.T) {
		CLIIndependent(t, "client behaviour")
		ran = true
	})
	if !ran {
		t.Error("a CLI-independent test did not run with TF_ACC_CLI_INDEPENDENT unset")
	}
}
