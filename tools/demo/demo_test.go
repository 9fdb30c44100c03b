package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/tfcli"
)

// The demo prints token prefixes only: never anything of the secret part.
func TestTokenPrefix(t *testing.T) {
	cases := map[string]string{
		"glrt-t2_AbCdEfGhIjKlMnOpQrSt": "glrt-t2_…",
		"glrt-t1_x":                    "glrt-t1_…",
		"glrt-AbCdEfGhIjKlMnOpQrSt":    "glrt-…", // before GitLab 17.5: no partition
		"glrt-Ab_CdEfGhIjKlMnOpQrSt":   "glrt-…", // an underscore in the secret part is not a partition
		"t1_AbCdEfGhIjKlMnOpQrSt":      "(not glrt-)…",
		"":                             "(none)",
	}
	for tok, want := range cases {
		got := tokenPrefix(tok)
		if got != want {
			t.Errorf("tokenPrefix(%q) = %q, want %q", tok, got, want)
		}
		if secret := strings.TrimPrefix(tok, "glrt-"); len(secret) > 4 && strings.Contains(got, secret[4:]) {
			t.Errorf("tokenPrefix(%q) = %q shows part of the secret", tok, got)
		}
	}
}

func TestOrNone(t *testing.T) {
	ts := "2026-12-24T13:56:07Z"
	if got := orNone(&ts); got != "2026-12-24 13:56 UTC" {
		t.Errorf("orNone(%q) = %q", ts, got)
	}
	if got := orNone(nil); got != "never" {
		t.Errorf("orNone(nil) = %q, want never", got)
	}
}

// TestDemo runs the whole demo (what `make demo` runs) into a temporary
// directory: build, mock, apply, register, rotate, destroy. What it prints
// names the CLI it runs on: `tofu apply` on OpenTofu, never `terraform`.
func TestDemo(t *testing.T) {
	tf := acctest.TerraformBinary(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	d := &demo{root: root, dir: filepath.Join(t.TempDir(), ".demo"), tfPath: tf, out: &out, cli: tfcli.Name(tf)}
	if err := d.run(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	other := map[string]string{"terraform": "tofu", "tofu": "terraform"}[d.cli]
	for _, want := range []string{"==> " + d.cli + " apply", "==> " + d.cli + " destroy", "$(" + d.cli + " output -raw group_runner_token)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo on %s does not say %q:\n%s", tf, want, out.String())
		}
	}
	for _, word := range []string{other + " apply", other + " destroy", other + " output", other + " init"} {
		if strings.Contains(out.String(), word) {
			t.Errorf("the demo on %s says %q:\n%s", tf, word, out.String())
		}
	}
	checkReadmeSample(t, filepath.Join(root, "README.md"), d.cli, out.String())
}

// checkReadmeSample: every step of what the README shows `make demo` print
// (its block "demo-output", a "==> " line each) is a step the demo prints,
// in that order (the CLI's name as the demo runs on).
func checkReadmeSample(t *testing.T, readme, cli, out string) {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, sample, ok := strings.Cut(string(data), "<!-- doc-test: demo-output -->\n```\n")
	if !ok {
		t.Fatal("the README has no block demo-output")
	}
	sample, _, _ = strings.Cut(sample, "\n```")
	rest := out
	for _, line := range strings.Split(sample, "\n") {
		step, ok := strings.CutPrefix(line, "==> ")
		if !ok {
			continue
		}
		step, _, _ = strings.Cut(strings.ReplaceAll(step, "terraform ", cli+" "), " (")
		i := strings.Index(rest, "==> "+step)
		if i < 0 {
			t.Errorf("the README shows the demo's step %q, which the demo does not print (after the steps before it):\n%s", step, out)
			continue
		}
		rest = rest[i:]
	}
}
