package examplestest

// TestAccGuideRecipe follows the guide "Testing modules with the mock
// coordinator" (templates/guides/) step by step, as a module author's Go test
// would in their own repository: the mock-coordinator command started with
// --print-json, the provider served by dev_overrides, the module called with a
// real `module` block, and plain `terraform` commands. Differences from the
// guide: the mock and the provider are built from this repository instead of
// `go install …@latest` and a registry release. Keep both in sync.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

// mockInfo is the part of the JSON line `mock-coordinator --print-json`
// prints that the test uses.
type mockInfo struct {
	BaseURL    string `json:"base_url"`
	AdminToken string `json:"admin_token"`
	Group      struct {
		ID         int64  `json:"id"`
		OwnerToken string `json:"owner_token"`
	} `json:"group"`
	Project struct {
		ID int64 `json:"id"`
	} `json:"project"`
}

func TestAccGuideRecipe(t *testing.T) {
	acctest.PreCheck(t)
	tfBin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfBin == "" {
		var err error
		if tfBin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform binary: set TF_ACC_TERRAFORM_PATH")
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	goBuild(t, root, filepath.Join(bin, "mock-coordinator"), "./cmd/mock-coordinator")
	goBuild(t, root, filepath.Join(bin, "terraform-provider-gitlabrunner"), ".")

	// 1. Start the mock coordinator; its first line on stdout is the JSON.
	mock := startMockCommand(t, filepath.Join(bin, "mock-coordinator"))

	// 2. A private CLI configuration: dev_overrides serve the local build.
	work := t.TempDir()
	cliConfig := filepath.Join(work, "dev.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "gitlabrunner/gitlabrunner" = %q
  }
  direct {}
}
`, bin))

	// 3. The module under test, called as its users call it.
	writeFile(t, filepath.Join(work, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}

variable "gitlab_url" {
  type = string
}

variable "gitlab_token" {
  type      = string
  sensitive = true
}

variable "group_id" {
  type = number
}

provider "gitlabrunner" {
  base_url = var.gitlab_url
  token    = var.gitlab_token
}

module "fleet" {
  source = %q

  runners = {
    k8s = {
      runner_type  = "group_type"
      group_id     = var.group_id
      tags         = ["k8s"]
      run_untagged = false
    }
  }
}

output "ids" {
  value = module.fleet.ids
}

output "tokens" {
  value     = module.fleet.tokens
  sensitive = true
}
`, filepath.Join(root, "examples", "modules", "runner-fleet")))

	tf := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tfBin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
			"TF_VAR_gitlab_url="+mock.BaseURL,
			"TF_VAR_gitlab_token="+mock.Group.OwnerToken,
			fmt.Sprintf("TF_VAR_group_id=%d", mock.Group.ID))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("terraform %s: %v\n%s%s", args[0], err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}

	// 4. `get` installs the module; `init` is not needed with dev_overrides.
	tf("get")
	tf("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { tf("destroy", "-auto-approve", "-no-color") })

	var out struct {
		IDs    struct{ Value map[string]string } `json:"ids"`
		Tokens struct{ Value map[string]string } `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(tf("output", "-json")), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.IDs.Value) != 1 || out.IDs.Value["k8s"] == "" {
		t.Fatalf("ids = %v, want one runner k8s", out.IDs.Value)
	}
	// 5. The token works as `gitlab-runner register --token` uses it.
	if code := verify(t, mock.BaseURL, out.Tokens.Value["k8s"]); code != http.StatusOK {
		t.Fatalf("POST /runners/verify with the k8s token: %d, want 200", code)
	}
	if !strings.HasPrefix(out.Tokens.Value["k8s"], "glrt-t2_") {
		t.Fatalf("the k8s token is not a group runner token (glrt-t2_…)")
	}

	// 6. After destroy the mock has no runner left.
	tf("destroy", "-auto-approve", "-no-color")
	if n := countRunners(t, mock); n != 0 {
		t.Fatalf("after destroy the mock has %d runners", n)
	}
}

func goBuild(t *testing.T, dir, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// startMockCommand runs the mock on a free port and reads the JSON line it
// prints; the test's cleanup stops it (SIGTERM, then SIGKILL).
func startMockCommand(t *testing.T, path string) mockInfo {
	t.Helper()
	cmd := exec.Command(path, "--listen", "127.0.0.1:0", "--print-json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard // one line per request
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the mock's JSON line: %v", err)
	}
	var info mockInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil || info.BaseURL == "" {
		t.Fatalf("the mock's JSON line does not parse (%v)", err)
	}
	return info
}

// verify sends what `gitlab-runner register --token` sends and returns the status.
func verify(t *testing.T, baseURL, token string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "system_id": "s_0123456789ab"})
	resp, err := http.Post(baseURL+"/api/v4/runners/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func countRunners(t *testing.T, mock mockInfo) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, mock.BaseURL+"/api/v4/runners/all", nil)
	req.Header.Set("PRIVATE-TOKEN", mock.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var runners []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&runners); err != nil {
		t.Fatalf("GET /runners/all: %v", err)
	}
	return len(runners)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
