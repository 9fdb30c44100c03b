// Package runnerselect is which runners a listing means: a scope (the
// runners the caller can manage, every runner of the instance, or those of a
// group or a project) and GitLab's list filters. The data source
// gitlabrunner_runners, the list resource of gitlabrunner_user_runner and the
// action gitlabrunner_delete_stale_runners read their configuration into a
// Selection, so that the scopes, their endpoints and the advice when a
// listing fails have one home.
package runnerselect

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// The scopes, as the scope attribute names them (group and project are
// chosen with group_id and project_id, and reported).
const (
	ScopeOwned    = "owned"    // GET /runners: runners the caller can manage (default)
	ScopeInstance = "instance" // GET /runners/all: every runner (administrators only)
	ScopeGroup    = "group"    // GET /groups/:id/runners
	ScopeProject  = "project"  // GET /projects/:id/runners
)

// Selection is a scope and the filters GitLab applies.
type Selection struct {
	// Scope is ScopeOwned ("" means the same) or ScopeInstance; a GroupID
	// or ProjectID > 0 chooses that scope instead.
	Scope              string
	GroupID, ProjectID int64

	Type          string // a gitlabapi.RunnerType*, "" for any
	Status        string // online, offline, stale, never_contacted, "" for any
	Paused        *bool
	Tags          []string // the runner must have all of them
	VersionPrefix string
}

// Kind is the scope listed: ScopeOwned, ScopeInstance, ScopeGroup or
// ScopeProject.
func (s Selection) Kind() string {
	switch {
	case s.GroupID > 0:
		return ScopeGroup
	case s.ProjectID > 0:
		return ScopeProject
	case s.Scope == ScopeInstance:
		return ScopeInstance
	default:
		return ScopeOwned
	}
}

// ID names the listing: "owned", "instance", "group:12" or "project:34".
func (s Selection) ID() string {
	switch s.Kind() {
	case ScopeGroup:
		return fmt.Sprintf("group:%d", s.GroupID)
	case ScopeProject:
		return fmt.Sprintf("project:%d", s.ProjectID)
	default:
		return s.Kind()
	}
}

// String names the scope in messages.
func (s Selection) String() string {
	switch s.Kind() {
	case ScopeGroup:
		return fmt.Sprintf("group %d", s.GroupID)
	case ScopeProject:
		return fmt.Sprintf("project %d", s.ProjectID)
	case ScopeInstance:
		return "the whole instance"
	default:
		return "the runners the token's user can manage"
	}
}

// Endpoint is the list request, e.g. "GET /groups/12/runners".
func (s Selection) Endpoint() string {
	switch s.Kind() {
	case ScopeGroup:
		return fmt.Sprintf("GET /groups/%d/runners", s.GroupID)
	case ScopeProject:
		return fmt.Sprintf("GET /projects/%d/runners", s.ProjectID)
	case ScopeInstance:
		return "GET /runners/all"
	default:
		return "GET /runners"
	}
}

// Options are the client's list options for the selection.
func (s Selection) Options() gitlabapi.ListRunnersOptions {
	opts := gitlabapi.ListRunnersOptions{
		Type: s.Type, Status: s.Status, Paused: s.Paused, TagList: s.Tags, VersionPrefix: s.VersionPrefix,
	}
	switch s.Kind() {
	case ScopeGroup:
		opts.Scope, opts.ScopeID = gitlabapi.RunnerScopeGroup, s.GroupID
	case ScopeProject:
		opts.Scope, opts.ScopeID = gitlabapi.RunnerScopeProject, s.ProjectID
	case ScopeInstance:
		opts.Scope = gitlabapi.RunnerScopeAll
	default:
		opts.Scope = gitlabapi.RunnerScopeOwned
	}
	return opts
}

// List lists the selection's runners (every page). A failure is explained
// in diags (what was attempted, GitLab's answer, the advice by scope), and
// ok is false.
func (s Selection) List(ctx context.Context, client *gitlabapi.Client, diags *diag.Diagnostics) (runners []gitlabapi.Runner, ok bool) {
	runners, err := client.ListRunners(ctx, s.Options())
	if err != nil {
		summary, advice := s.ListFailure(diagnostics.Status(err))
		diags.AddError(summary, diagnostics.APIError(s.Attempted(), err, advice))
		return nil, false
	}
	return runners, true
}

// Attempted says what a failed listing tried, for diagnostics.APIError.
func (s Selection) Attempted() string {
	return fmt.Sprintf("Listing runners of %s (%s)", s, s.Endpoint())
}

// ListFailure picks the summary and the advice for a failed listing, by
// scope and GitLab's status, so that the user learns which permission is
// missing.
func (s Selection) ListFailure(status int) (summary, advice string) {
	switch kind := s.Kind(); {
	case status == http.StatusForbidden && kind == ScopeInstance:
		return "Unable to List All Runners",
			"Listing every runner of the instance needs an administrator token; use group_id/project_id or omit the scope " +
				"(the default lists the runners the token's user can manage)."
	case status == http.StatusForbidden && kind == ScopeGroup:
		return "Unable to List Group Runners",
			fmt.Sprintf("Listing the runners of group %d needs a token of a user with at least the Maintainer role in that group (or an administrator); "+
				"omit group_id to list the runners the token's user can manage.", s.GroupID)
	case status == http.StatusForbidden && kind == ScopeProject:
		return "Unable to List Project Runners",
			fmt.Sprintf("Listing the runners of project %d needs a token of a user with at least the Maintainer role in that project (or an administrator); "+
				"omit project_id to list the runners the token's user can manage.", s.ProjectID)
	case status == http.StatusNotFound && kind == ScopeGroup:
		return "Group Not Found",
			diagnostics.NotVisible("Group", s.GroupID, "group_id")
	case status == http.StatusNotFound && kind == ScopeProject:
		return "Project Not Found",
			diagnostics.NotVisible("Project", s.ProjectID, "project_id")
	}
	return "Unable to List Runners", ""
}

// OwnOnly is the selection narrowed, for a group or a project, to the
// runner type of the scope's own runners (group_type, project_type), for
// callers that keep only the runners it Owns: GitLab then leaves out the
// instance runners (and a project's group runners) at once.
func (s Selection) OwnOnly() Selection {
	switch s.Kind() {
	case ScopeGroup:
		s.Type = gitlabapi.RunnerTypeGroup
	case ScopeProject:
		s.Type = gitlabapi.RunnerTypeProject
	}
	return s
}

// Owns reports whether the runner belongs to the scope itself. GitLab lists
// for a group also its parent groups' runners and the instance runners, and
// for a project also its groups' runners, the instance runners and project
// runners only assigned to it: those are another scope's. The caller's
// runners and the instance's are all theirs.
func (s Selection) Owns(d *gitlabapi.RunnerDetails) bool {
	switch s.Kind() {
	case ScopeGroup:
		return d.RunnerType == gitlabapi.RunnerTypeGroup && len(d.Groups) > 0 && d.Groups[0].ID == s.GroupID
	case ScopeProject:
		// GitLab lists a project runner's owner project first.
		return d.RunnerType == gitlabapi.RunnerTypeProject && len(d.Projects) > 0 && d.Projects[0].ID == s.ProjectID
	default:
		return true
	}
}
