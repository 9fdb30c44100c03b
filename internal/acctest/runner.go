package acctest

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// The mock's own versions of GitLab's checks (checks.go), for tests that
// use a Mock rather than a GitLab.

// VerifyStatus is GitLab.VerifyStatus against this mock.
func (m *Mock) VerifyStatus(t testing.TB, runnerToken, systemID string) int {
	t.Helper()
	return m.gitlab().VerifyStatus(t, runnerToken, systemID)
}

// RegisterStatus is GitLab.RegisterStatus against this mock.
func (m *Mock) RegisterStatus(t testing.TB, registrationToken string) int {
	t.Helper()
	return m.gitlab().RegisterStatus(t, registrationToken)
}

// RotateAsRunner is GitLab.RotateAsRunner against this mock.
func (m *Mock) RotateAsRunner(t testing.TB, runnerToken string) (int, string) {
	t.Helper()
	return m.gitlab().RotateAsRunner(t, runnerToken)
}

// Runners returns copies of every runner in the mock's store, in id order.
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

// Runner returns the runner with the given id from the mock's store, if it
// exists.
func (m *Mock) Runner(id int64) (store.RunnerRecord, bool) { return m.Store().Runner(id) }

// CheckDestroy is GitLab.CheckDestroy against this mock.
func (m *Mock) CheckDestroy(resourceType string) func(*terraform.State) error {
	return m.gitlab().CheckDestroy(resourceType)
}

// CheckNoRunnersLeft is GitLab.CheckNoRunnersLeft against this mock: it
// wants the mock empty.
func (m *Mock) CheckNoRunnersLeft() func(*terraform.State) error {
	return m.gitlab().CheckNoRunnersLeft()
}
