package store

import (
	"errors"
	"slices"
)

// Sharing a project runner with more projects: POST and DELETE
// /projects/:id/runners (lib/api/ci/runners.rb, Ci::Runners::AssignRunnerService
// and UnassignRunnerService). A project runner's first project is its owner
// project; the others are assignments.

// Messages of GitLab's refusals.
const (
	msgGroupRunner          = "Runner is a group runner"
	msgRunnerLocked         = "Runner is locked"
	msgNoAccess             = "No access granted"
	msgAlreadyAssigned      = "Assign to Validation failed: Runner projects runner has already been taken - runner_error"
	msgUnassignOwnerProject = "You cannot unassign a runner from the owner project. Delete the runner instead"
)

// projectRunnersLocked resolves the project of /projects/:id/runners for the
// caller: unknown or invisible projects are NotFound "Project"; reading the
// project's runners (read_runners) needs a Maintainer.
func (c *Caller) projectRunnersLocked(ref NamespaceID) (*projectRecord, error) {
	st := c.st
	p := st.findProjectLocked(ref)
	var role Role
	if p != nil {
		role = st.projectRole(c.user.ID, p.ID)
	}
	if p == nil || (!c.user.Admin && role == 0) {
		return nil, notFound("Project")
	}
	if !c.user.Admin && role < Maintainer {
		return nil, forbidden("")
	}
	return p, nil
}

// AssignRunner assigns a project runner to one more project and returns it.
// GitLab's checks, in its order: the target project (Maintainer; for
// non-administrators "project" must be in valid_runner_registrars, as
// create_runners requires), the runner (NotFound "Runner"), group runners
// (refused even for administrators), then for non-administrators a locked
// runner and the right to assign it (administrators, or a Maintainer of one
// of the runner's projects; instance runners: administrators only), and
// finally the assignment itself (already assigned: Rejected).
func (c *Caller) AssignRunner(projectRef NamespaceID, runnerID int64) (RunnerRecord, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := c.projectRunnersLocked(projectRef)
	if err != nil {
		return RunnerRecord{}, err
	}
	admin := c.user.Admin
	if !admin && !slices.Contains(st.settings.ValidRunnerRegistrars, "project") {
		return RunnerRecord{}, forbidden("")
	}
	r := st.runners[runnerID]
	if r == nil {
		return RunnerRecord{}, notFound("Runner")
	}
	if r.RunnerType == RunnerTypeGroup {
		return RunnerRecord{}, forbidden(msgGroupRunner)
	}
	if !admin {
		if r.Locked {
			return RunnerRecord{}, forbidden(msgRunnerLocked)
		}
		if !st.canManageRunner(c.user, r) {
			return RunnerRecord{}, forbidden(msgNoAccess)
		}
	}
	if r.RunnerType == RunnerTypeInstance {
		// Ci::Runner#assign_to raises ArgumentError outside the service's
		// rescue: GitLab answers 500 (≈, read in the code, no spec pins it).
		return RunnerRecord{}, errors.New("transitioning an instance runner to a project runner is not supported")
	}
	if slices.Contains(r.ProjectIDs, p.ID) {
		return RunnerRecord{}, rejected(msgAlreadyAssigned)
	}
	st.unindexRunner(r)
	r.ProjectIDs = append(r.ProjectIDs, p.ID)
	st.indexRunner(r)
	return r.clone(), nil
}

// UnassignRunner removes a runner from a project it is assigned to. A runner
// not assigned to the project (or unknown) is NotFound "Runner"; for
// non-administrators a locked runner and missing rights are Forbidden; the
// runner's owner project cannot be unassigned (the runner would be left
// without an owner: GitLab tells administrators to delete it instead, and
// from ≈ 18.2 non-administrators get the policy's "No access granted").
func (c *Caller) UnassignRunner(projectRef NamespaceID, runnerID int64) error {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	p, err := c.projectRunnersLocked(projectRef)
	if err != nil {
		return err
	}
	r := st.runners[runnerID]
	if r == nil || !slices.Contains(r.ProjectIDs, p.ID) {
		return notFound("Runner")
	}
	ownerProject := r.ProjectIDs[0] == p.ID
	if !c.user.Admin {
		if r.Locked {
			return forbidden(msgRunnerLocked)
		}
		// Ci::RunnerProjectPolicy prevents unassign_runner from the owner
		// project, checked ahead of the service's message (≈ 18.2).
		if ownerProject && st.version.UnassignPolicyRefusesOwnerProject() {
			return forbidden(msgNoAccess)
		}
		if !st.canManageRunner(c.user, r) {
			return forbidden(msgNoAccess)
		}
	}
	if ownerProject {
		return forbidden(msgUnassignOwnerProject)
	}
	st.unindexRunner(r)
	r.ProjectIDs = slices.DeleteFunc(r.ProjectIDs, func(id int64) bool { return id == p.ID })
	st.indexRunner(r)
	return nil
}
