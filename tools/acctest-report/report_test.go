package main

import (
	"bytes"
	"strings"
	"testing"
)

// ev is one line of go test -json.
func ev(action, test, output string) string {
	return `{"Action":"` + action + `","Package":"example.com/p/internal/resources/x","Test":"` + test + `","Output":` +
		strings.ReplaceAll(strings.ReplaceAll(`"`+output+`"`, "\n", `\n`), "\t", `\t`) + "}\n"
}

func TestReport(t *testing.T) {
	stream := ev("run", "TestAccRan", "") + ev("output", "TestAccRan", "    x_test.go:1: live mode: step skipped: needs the mock's clock\n") +
		ev("pass", "TestAccRan", "") +
		ev("run", "TestAccSkipped", "") + ev("output", "TestAccSkipped", "    x_test.go:2: live mode: needs an emulated GitLab version\n") +
		ev("output", "TestAccSkipped", "    cleanup.go:9: live mode: restored x of /application/settings\n") + ev("skip", "TestAccSkipped", "") +
		ev("run", "TestAccSubs", "") + ev("run", "TestAccSubs/a", "") + ev("output", "TestAccSubs/a", "    x_test.go:3: live mode: needs seeded users\n") +
		ev("skip", "TestAccSubs/a", "") + ev("pass", "TestAccSubs", "") +
		ev("run", "TestAccFailed", "") + ev("run", "TestAccFailed/b", "") + ev("output", "TestAccFailed/b", "    x_test.go:4: the step failed\n") +
		ev("fail", "TestAccFailed/b", "") + ev("fail", "TestAccFailed", "") +
		ev("run", "TestAccOldCLI", "") + ev("output", "TestAccOldCLI", "    x_test.go:5: `moved` needs Terraform 1.8.0 or later\n") + ev("skip", "TestAccOldCLI", "") +
		ev("run", "TestAccessTokens", "") + ev("pass", "TestAccessTokens", "") +
		`{"Action":"fail","Package":"example.com/p/internal/resources/x"}` + "\n"
	rep, err := read(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.print(&out)
	got := out.String()
	for _, want := range []string{
		"Acceptance tests: 5 in all; 2 ran (1 passed, 1 failed), 3 skipped; 40% ran",
		"Of the 4 that would run here against the mock (1 skip whatever the GitLab: the CLI's version…), 2 ran (50%); 2 skipped in live mode",
		"TestAccSkipped (internal/resources/x): live mode: needs an emulated GitLab version",
		"TestAccSubs (internal/resources/x): every subtest skipped: live mode: needs seeded users",
		"TestAccRan (internal/resources/x): live mode: step skipped: needs the mock's clock",
		"the step failed",
		"Failed: TestAccFailed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "TestAccessTokens") {
		t.Errorf("a unit test named TestAccess… counted as an acceptance test:\n%s", got)
	}
	if !rep.failed() {
		t.Error("a failed test does not fail the report")
	}
}
