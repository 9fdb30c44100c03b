package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// VerifyStatus sends what `gitlab-runner register --token` sends
// (POST /api/v4/runners/verify with a JSON body and the RUNNER-TOKEN header)
// and returns the HTTP status: 200 when the token is valid, 403 when not.
func (m *Mock) VerifyStatus(t testing.TB, runnerToken, systemID string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"token":     runnerToken,
		"system_id": systemID,
		"info": map[string]any{
			"name": "gitlab-runner", "version": "18.6.0", "revision": "acctest0",
			"platform": "linux", "architecture": "amd64", "executor": "shell", "shell": "bash",
			"features": map[string]bool{}, "config": map[string]any{}, "labels": map[string]string{},
		},
	})
	return m.runnerPostStatus(t, "/runners/verify", body, runnerToken)
}

// RegisterStatus sends what the legacy `gitlab-runner register
// --registration-token` sends (POST /api/v4/runners with the registration
// token and the runner's info) and returns the HTTP status: 201 when GitLab
// registers a runner, 410 when registration tokens are off there, 403 for a
// token it does not recognise.
func (m *Mock) RegisterStatus(t testing.TB, registrationToken string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"token": registrationToken, "description": "legacy runner", "run_untagged": true,
		"info": map[string]any{"name": "gitlab-runner", "version": "18.6.0", "revision": "acctest0",
			"platform": "linux", "architecture": "amd64"},
	})
	return m.runnerPostStatus(t, "/runners", body, "")
}

// runnerPostStatus POSTs a JSON body to an API path as gitlab-runner does
// (its User-Agent, and RUNNER-TOKEN when runnerToken is set) and returns the
// HTTP status. Errors never print the body: it holds a token.
func (m *Mock) runnerPostStatus(t testing.TB, path string, body []byte, runnerToken string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, m.APIURL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("acctest: POST %s: %v", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gitlab-runner 18.6.0 (acctest; go; linux/amd64)")
	if runnerToken != "" {
		req.Header.Set("RUNNER-TOKEN", runnerToken)
	}
	resp, err := m.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("acctest: POST %s: %v", path, err) // never print the token
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close() // only the status matters; the body was drained
	return resp.StatusCode
}

// RotateAsRunner rotates a token the way a running gitlab-runner does when
// 75% of its lifetime has passed (POST /api/v4/runners/reset_authentication_token
// with the token in the JSON body, no user token) and returns the HTTP
// status (201 rotated, 403 unknown or expired token) and the new token.
func (m *Mock) RotateAsRunner(t testing.TB, runnerToken string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": runnerToken})
	req, err := http.NewRequest(http.MethodPost, m.APIURL()+"/runners/reset_authentication_token", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("acctest: reset_authentication_token: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gitlab-runner 18.6.0 (acctest; go; linux/amd64)")
	resp, err := m.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("acctest: POST /runners/reset_authentication_token: %v", err) // never print the token
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		Token string `json:"token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out) // a 403 has no token; the status says so
	return resp.StatusCode, out.Token
}

// Runners returns copies of every runner in the mock, in id order.
func (m *Mock) Runners() []store.RunnerRecord {
	st := m.Store()
	var out []store.RunnerRecord
	for _, id := range st.RunnerIDs() {
		if r, ok := st.Runner(id); ok {
			out = append(out, r)
		}
	}
	return out
}

// Runner returns the runner with the given id, if it exists.
func (m *Mock) Runner(id int64) (store.RunnerRecord, bool) { return m.Store().Runner(id) }

// CheckDestroy returns a CheckDestroy function: every resource of
// resourceType in the state (its id attribute is the runner id) must be gone
// from the mock.
func (m *Mock) CheckDestroy(resourceType string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for name, rs := range s.RootModule().Resources {
			if rs.Type != resourceType || rs.Primary == nil {
				continue
			}
			id, err := strconv.ParseInt(rs.Primary.ID, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: id %q is not a runner id", name, rs.Primary.ID)
			}
			if _, ok := m.Store().Runner(id); ok {
				return fmt.Errorf("%s: runner %d still exists in the mock coordinator after destroy", name, id)
			}
		}
		return nil
	}
}
