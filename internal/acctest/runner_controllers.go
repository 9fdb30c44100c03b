package acctest

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// CheckNoRunnerControllersLeft is a CheckDestroy that wants no runner
// controller (and so no scope or token) left in the mock, also those the
// state never knew.
func (m *Mock) CheckNoRunnerControllersLeft() func(*terraform.State) error {
	return func(*terraform.State) error {
		if ids := m.Store().RunnerControllerIDs(); len(ids) != 0 {
			return fmt.Errorf("runner controllers left in the mock coordinator after destroy: %v", ids)
		}
		return nil
	}
}

// CheckNoActiveRunnerControllerTokens is a CheckDestroy that wants every
// runner controller token revoked, for tests whose controllers outlive the
// configuration.
func (m *Mock) CheckNoActiveRunnerControllerTokens() func(*terraform.State) error {
	return func(*terraform.State) error {
		if ids := m.Store().ActiveRunnerControllerTokenIDs(); len(ids) != 0 {
			return fmt.Errorf("active runner controller tokens left in the mock coordinator after destroy: %v", ids)
		}
		return nil
	}
}

// RunnerControllerTokenWorks reports whether GitLab's job router would
// accept token from a runner controller now.
func (m *Mock) RunnerControllerTokenWorks(token string) bool {
	_, err := m.Store().AuthenticateRunnerControllerToken(token)
	return err == nil
}
