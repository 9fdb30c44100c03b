package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

func TestSweepCommand(t *testing.T) {
	m := acctest.StartMock(t)
	g := m.GitLab()
	marked, _ := g.CreateRunner(t, "", map[string]any{"runner_type": "instance_type", "description": testgitlab.LivePrefix + "0badcafe-001-x"})
	kept, _ := g.CreateRunner(t, "", map[string]any{"runner_type": "instance_type", "description": "kept"})
	env := map[string]string{testgitlab.BaseURLEnv: m.URL(), testgitlab.TokenEnv: m.Seed.AdminToken}
	getenv := func(k string) string { return env[k] }
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(args, getenv, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	if code, _, stderr := run("-prefix", "production-"); code != 2 || !strings.Contains(stderr, "does not start with") {
		t.Errorf("a prefix without the live mark: exit %d, %q", code, stderr)
	}
	if code, stdout, _ := run("-dry-run"); code != 0 || !strings.Contains(stdout, "would delete runner") || !strings.Contains(stdout, "1 to delete") {
		t.Errorf("dry run: exit %d:\n%s", code, stdout)
	}
	if _, ok := m.Runner(marked); !ok {
		t.Fatal("the dry run deleted a runner")
	}
	code, stdout, _ := run()
	if code != 0 || !strings.Contains(stdout, "deleted runner") || !strings.Contains(stdout, "1 deleted, 0 failed") {
		t.Errorf("sweep: exit %d:\n%s", code, stdout)
	}
	if _, ok := m.Runner(marked); ok {
		t.Error("the marked runner survived")
	}
	if _, ok := m.Runner(kept); !ok {
		t.Error("the runner without the mark was deleted")
	}
	env = map[string]string{}
	if code, _, stderr := run(); code != 2 || !strings.Contains(stderr, "GITLAB_BASE_URL") {
		t.Errorf("without GITLAB_BASE_URL: exit %d, %q", code, stderr)
	}
}
