package diagnostics

import (
	"fmt"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// RunnerScope is where a runner lives: the instance, a group or a project.
type RunnerScope struct {
	Type      string // gitlabapi.RunnerType*
	GroupID   int64
	ProjectID int64
}

// String reads "group 12", "project 34" or "the instance".
func (s RunnerScope) String() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return fmt.Sprintf("group %d", s.GroupID)
	case gitlabapi.RunnerTypeProject:
		return fmt.Sprintf("project %d", s.ProjectID)
	default:
		return "the instance"
	}
}

// Kind reads "a group runner", "a project runner", "an instance runner".
func (s RunnerScope) Kind() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return "a group runner"
	case gitlabapi.RunnerTypeProject:
		return "a project runner"
	default:
		return "an instance runner"
	}
}

// CreatePermission says who may create runners in the scope.
func (s RunnerScope) CreatePermission() string {
	switch s.Type {
	case gitlabapi.RunnerTypeGroup:
		return fmt.Sprintf("Creating a group runner needs the Owner role on group %d (Maintainer is not enough) and an access token "+
			"with the `create_runner` or `api` scope.", s.GroupID)
	case gitlabapi.RunnerTypeProject:
		return fmt.Sprintf("Creating a project runner needs the Maintainer or Owner role on project %d and an access token "+
			"with the `create_runner` or `api` scope.", s.ProjectID)
	default:
		return "Creating an instance runner needs an administrator's access token with the `create_runner` or `api` scope."
	}
}
