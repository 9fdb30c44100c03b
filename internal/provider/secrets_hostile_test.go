package provider_test

// A hostile (or broken) server: tokens under keys Go decodes
// case-insensitively ("TOKEN", an escaped "\u0054oken"), tokens without the
// glrt- prefix, and error messages full of terminal control sequences. At
// TF_LOG=trace, no token it sent appears anywhere, and no control character
// it sent reaches Terraform's output.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/.tools/bin/terraform go test ./internal/provider -run TestAccSecrets_hostileAnswers -v

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

func TestAccSecrets_hostileAnswers(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	g := acctest.NewGitLab(t, acctest.WithRealClock())
	proxy := acctest.StartProxy(t, g.URL())

	var (
		mu      sync.Mutex
		minted  []string // every token the hostile server handed out
		idRe    = regexp.MustCompile(`"id":(\d+)`)
		control = "\x1b[2J\x1b]0;owned\x07\x00\u009b31m\u202e"
	)
	mint := func() string {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		tok := "hostile-" + hex.EncodeToString(b) // no glrt- prefix
		mu.Lock()
		minted = append(minted, tok)
		mu.Unlock()
		return tok
	}
	proxy.Rewrite = func(r *http.Request, status int, body []byte) (int, []byte) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v4/user/runners" && status == http.StatusCreated:
			id := idRe.FindSubmatch(body)
			return status, fmt.Appendf(nil, `{"id":%s,"TOKEN":%q,"token_expires_at":null}`, id[1], mint())
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/reset_authentication_token") && status == http.StatusCreated:
			return status, fmt.Appendf(nil, `{"\u0054oken":%q,"token_expires_at":null}`, mint())
		case r.Method == http.MethodDelete:
			// The destroying provider process knows the current token only
			// from the state Terraform hands it. GitLab's JSON escapes would
			// neutralise the controls; this server sends them raw.
			mu.Lock()
			current := minted[len(minted)-1]
			mu.Unlock()
			return http.StatusConflict, []byte(`{"message":"409 Conflict - ` + control + `the token ` + current + ` is still in use` + control + `"}`)
		}
		return status, body
	}

	config := fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = { source = "gitlabrunner/gitlabrunner" }
  }
}
provider "gitlabrunner" {}
variable "generation" { default = "1" }
resource "gitlabrunner_user_runner" "hostile" {
  runner_type       = "group_type"
  group_id          = %d
  description       = %q
  rotation_triggers = { generation = var.generation }
}
output "token" {
  value     = gitlabrunner_user_runner.hostile.token
  sensitive = true
}
`, g.GroupID(t), g.Name("hostile"))
	c := newCLI(t, map[string]string{"main.tf": config},
		map[string]string{"GITLAB_BASE_URL": proxy.URL, "GITLAB_TOKEN": g.OwnerToken(t)})

	created := c.run(false, "apply", "-auto-approve")
	rotated := c.run(false, "apply", "-auto-approve", "-var", "generation=2")
	for what, out := range map[string]string{"create": created, "rotation": rotated} {
		if !strings.Contains(out, "Unexpected Runner Token Format") || !regexp.MustCompile(`token for runner \d+`).MatchString(out) {
			t.Errorf("%s: want a warning naming the runner about the token without glrt-:\n%s", what, tailLines(out, 30))
		}
	}
	c.run(false, "output")
	c.run(false, "show")
	failed := c.run(true, "destroy", "-auto-approve")
	if !acctest.Words("GitLab answered 409 Conflict").MatchString(failed) || !acctest.Words("the token *** is still in use").MatchString(failed) {
		t.Errorf("the refused delete should show GitLab's answer:\n%s", tailLines(failed, 30))
	}

	mu.Lock()
	secrets := map[string]string{"group owner token": g.OwnerToken(t)}
	for i, tok := range minted {
		secrets[fmt.Sprintf("hostile token #%d", i+1)] = tok
	}
	mu.Unlock()
	if len(minted) != 2 {
		t.Fatalf("the hostile server minted %d tokens, want 2 (create and rotation)", len(minted))
	}
	everything := c.all()
	for _, want := range []string{"GitLab API response details", "reset_authentication_token"} {
		if !strings.Contains(everything, want) {
			t.Errorf("the trace logs do not contain %q: the scan would prove nothing", want)
		}
	}
	var leaks []string
	for _, l := range c.scan(secrets) {
		leaks = append(leaks, l.what+" in "+l.where)
	}
	if len(leaks) > 0 {
		t.Errorf("%d secrets leaked:\n  %s\n(logs in %s)", len(leaks), strings.Join(leaks, "\n  "), c.logDir)
	}
	for where, text := range c.outputs {
		if !strings.HasSuffix(where, "(output)") {
			continue // Terraform's own trace log escapes what it logs
		}
		for _, r := range text {
			if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || (r >= 0x7f && r < 0xa0) || r == 0x202e {
				t.Errorf("control character %U from the server reached %s", r, where)
				break
			}
		}
	}
	t.Logf("scanned %d outputs and trace logs (%d bytes) for %d secret values: %d leaks", len(c.outputs), len(everything), len(secrets), len(leaks))
}
