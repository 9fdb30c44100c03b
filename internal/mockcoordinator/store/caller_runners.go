package store

import (
	"slices"
	"time"
)

// RunnerToken is a runner's authentication token as the API hands it out.
type RunnerToken struct {
	RunnerID  int64
	Token     string
	ExpiresAt *time.Time // nil: no expiry
}

func runnerToken(r *RunnerRecord) RunnerToken {
	return RunnerToken{RunnerID: r.ID, Token: r.Token, ExpiresAt: clonePtr(r.TokenExpiresAt)}
}

// RunnerDetails is a runner with the projects and groups it belongs to.
type RunnerDetails struct {
	RunnerRecord
	Projects []ProjectSummary
	Groups   []GroupSummary
	// CallerMayUpdate: the caller may update the runner, and so see what
	// GitLab shows only to them (RunnerAttribute.UpdatersOnly).
	CallerMayUpdate bool
	// Creator is the user who created the runner, when there is one the
	// caller may read (readableCreatorLocked); nil otherwise.
	Creator *User
}

// readableCreatorLocked is the creator of r as the caller may see it, or nil:
// GitLab shows a runner's creator only when Ability.allowed?(current_user,
// :read_user, creator), and every signed-in user may read every user
// (app/policies/user_policy.rb: `rule { ~anonymous }.enable :read_user`), so
// it is hidden exactly when the runner has no creator (registered with a
// registration token) or the user is gone.
func (st *Store) readableCreatorLocked(r *RunnerRecord) *User {
	u := st.users[r.CreatorID]
	if r.CreatorID == 0 || u == nil {
		return nil
	}
	return &User{ID: u.ID, Username: u.Username, Admin: u.Admin}
}

// RunnerCreators are the creators of runners (a list page) the caller may
// read, by runner id (see readableCreatorLocked).
func (c *Caller) RunnerCreators(runners []RunnerRecord) map[int64]User {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make(map[int64]User, len(runners))
	for i := range runners {
		if u := st.readableCreatorLocked(&runners[i]); u != nil {
			out[runners[i].ID] = *u
		}
	}
	return out
}

func (st *Store) runnerDetailsLocked(r *RunnerRecord) RunnerDetails {
	d := RunnerDetails{RunnerRecord: r.clone(), Projects: []ProjectSummary{}, Groups: []GroupSummary{}}
	for _, pid := range r.ProjectIDs {
		if p := st.projects[pid]; p != nil {
			d.Projects = append(d.Projects, st.projectSummary(p))
		}
	}
	if r.RunnerType == RunnerTypeGroup {
		if g := st.groups[r.GroupID]; g != nil {
			d.Groups = append(d.Groups, st.groupSummary(g))
		}
	}
	return d
}

// RunnerCreation is what POST /user/runners asks for.
type RunnerCreation struct {
	RunnerType string
	GroupID    *int64 // group_type: the runner's group
	ProjectID  *int64 // project_type: the runner's project
	Changes    RunnerChanges
	// TokenExpiresAt is the first token's expiry (EE 18.10+; the API leaves
	// it nil on other versions). Not stored: later resets follow the settings.
	TokenExpiresAt *time.Time
	// TokenRotationDeadline is when GitLab stops accepting the token's
	// rotation (EE 18.10+, with TokenExpiresAt; equal to it disables
	// rotation). Stored until the first rotation; the mock does not refuse
	// rotations after it (GitLab's enforcement is not modelled).
	TokenRotationDeadline *time.Time
}

// Bounds of a requested token expiry (EE CreateRunnerService).
const (
	minTokenExpiry = 5 * time.Minute
	maxTokenExpiry = 15 * 24 * time.Hour
)

// checkTokenExpiry is GitLab's rule for a requested token expiry: at least 5
// minutes from now, at most 15 days and no later than the expiry the
// settings would give the runner.
func (st *Store) checkTokenExpiry(at time.Time, runnerType string, now time.Time) error {
	if at.Before(now.Add(minTokenExpiry)) {
		return badRequest("token_expires_at must be at least 5 minutes in the future")
	}
	limit := now.Add(maxTokenExpiry)
	if settings := st.tokenExpiry(runnerType, now); settings != nil && settings.Before(limit) {
		limit = *settings
	}
	if at.After(limit) {
		return badRequest("token_expires_at is too far in the future (maximum is " + limit.UTC().Format(time.RFC3339) + ")")
	}
	return nil
}

// checkTokenExpiration is EE's validate_token_expiration_params, in its
// order (ee/app/services/ee/ci/runners/create_runner_service.rb): a deadline
// needs an expiry; the expiry's bounds; then the deadline must not be past
// nor after the expiry (equal is allowed: it disables rotation).
func (st *Store) checkTokenExpiration(req RunnerCreation, runnerType string, now time.Time) error {
	deadline := req.TokenRotationDeadline
	if deadline != nil && req.TokenExpiresAt == nil {
		return badRequest("token_expires_at is required when token_rotation_deadline is specified")
	}
	if req.TokenExpiresAt == nil {
		return nil
	}
	if err := st.checkTokenExpiry(*req.TokenExpiresAt, runnerType, now); err != nil {
		return err
	}
	switch {
	case deadline == nil:
		return nil
	case deadline.Before(now):
		return badRequest("token_rotation_deadline cannot be in the past")
	case deadline.After(*req.TokenExpiresAt):
		return badRequest("token_rotation_deadline must be less than or equal to token_expires_at")
	}
	return nil
}

// CreateRunner creates a runner owned by the caller and returns its token
// (Ci::Runners::CreateRunnerService): instance runners need an
// administrator, group runners an Owner of the group, project runners a
// Maintainer of the project, and non-administrators need the runner type in
// valid_runner_registrars.
func (c *Caller) CreateRunner(req RunnerCreation) (RunnerToken, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	u := c.user
	r := newRunnerRecord(req.RunnerType)
	switch req.RunnerType {
	case RunnerTypeInstance:
		if req.GroupID != nil || req.ProjectID != nil {
			return RunnerToken{}, badRequest("Unexpected scope")
		}
		if !u.Admin {
			return RunnerToken{}, forbidden("Insufficient permissions")
		}
	case RunnerTypeGroup:
		var g *groupRecord
		if req.GroupID != nil {
			g = st.groups[*req.GroupID]
		}
		if g == nil {
			return RunnerToken{}, badRequest("Missing/invalid group")
		}
		if !u.Admin && (!slices.Contains(st.settings.ValidRunnerRegistrars, "group") || st.groupRole(u.ID, g.ID) < Owner) {
			return RunnerToken{}, forbidden("Insufficient permissions")
		}
		r.GroupID = g.ID
	case RunnerTypeProject:
		var p *projectRecord
		if req.ProjectID != nil {
			p = st.projects[*req.ProjectID]
		}
		if p == nil {
			return RunnerToken{}, badRequest("Missing/invalid project")
		}
		if !u.Admin && (!slices.Contains(st.settings.ValidRunnerRegistrars, "project") || st.projectRole(u.ID, p.ID) < Maintainer) {
			return RunnerToken{}, forbidden("Insufficient permissions")
		}
		r.ProjectIDs = []int64{p.ID}
	default:
		return RunnerToken{}, badRequest("Invalid runner type")
	}
	now := st.now()
	if err := st.checkTokenExpiration(req, r.RunnerType, now); err != nil {
		return RunnerToken{}, err
	}
	req.Changes.apply(&r.RunnerAttributes)
	if errs := r.validate(); errs != nil {
		return RunnerToken{}, invalid(errs)
	}
	r.CreatorID = u.ID
	r.CreatedAt = now
	r.Token = authenticationToken(st.version, r.RunnerType)
	r.TokenExpiresAt = st.tokenExpiry(r.RunnerType, now)
	if req.TokenExpiresAt != nil {
		r.TokenExpiresAt = clonePtr(req.TokenExpiresAt)
	}
	r.TokenRotationDeadline = clonePtr(req.TokenRotationDeadline)
	st.insertRunnerLocked(r)
	return runnerToken(r), nil
}

// withRunner locks the store (exclusively when write), looks up runner id
// and runs fn with the lock still held. A missing runner is NotFound
// "Runner"; when allowed says no, Forbidden "No access granted". A nil
// allowed leaves the permission checks to fn.
func (c *Caller) withRunner(id int64, write bool, allowed func(*Store, *userRecord, *RunnerRecord) bool, fn func(r *RunnerRecord) error) error {
	st := c.st
	if write {
		st.mu.Lock()
		defer st.mu.Unlock()
	} else {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	r := st.runners[id]
	if r == nil {
		return notFound("Runner")
	}
	if allowed != nil && !allowed(st, c.user, r) {
		return forbidden("No access granted")
	}
	return fn(r)
}

// Runner returns a runner the caller may read.
func (c *Caller) Runner(id int64) (d RunnerDetails, err error) {
	err = c.withRunner(id, false, (*Store).canReadRunner, func(r *RunnerRecord) error {
		d = c.st.runnerDetailsLocked(r)
		d.CallerMayUpdate = c.st.canManageRunner(c.user, r)
		d.Creator = c.st.readableCreatorLocked(r)
		return nil
	})
	return d, err
}

// UpdateRunner changes the attributes of a runner the caller manages and
// returns it; nothing changes when the result is invalid.
func (c *Caller) UpdateRunner(id int64, ch RunnerChanges) (d RunnerDetails, err error) {
	err = c.withRunner(id, true, (*Store).canManageRunner, func(r *RunnerRecord) error {
		updated := r.RunnerAttributes.clone()
		ch.apply(&updated)
		if errs := updated.validate(); errs != nil {
			return invalid(errs)
		}
		r.RunnerAttributes = updated // same id, type, token and projects: indices stay valid
		d = c.st.runnerDetailsLocked(r)
		d.CallerMayUpdate = true
		d.Creator = c.st.readableCreatorLocked(r)
		return nil
	})
	return d, err
}

// DeleteRunner deletes a runner. Administrators may delete any runner;
// others one they manage, but not one shared by several projects (checked
// before their rights, as GitLab does).
func (c *Caller) DeleteRunner(id int64) error {
	return c.withRunner(id, true, nil, func(r *RunnerRecord) error {
		if !c.user.Admin {
			if len(r.ProjectIDs) > 1 {
				return forbidden("Runner associated with more than one project")
			}
			if !c.st.canManageRunner(c.user, r) {
				return forbidden("No access granted")
			}
		}
		c.st.deleteRunnerLocked(id)
		return nil
	})
}

// ResetRunnerToken gives a runner the caller manages a new token; it works
// even when the current token has expired.
func (c *Caller) ResetRunnerToken(id int64) (tok RunnerToken, err error) {
	err = c.withRunner(id, true, (*Store).canManageRunner, func(r *RunnerRecord) error {
		c.st.rotateTokenLocked(r, c.st.now())
		tok = runnerToken(r)
		return nil
	})
	return tok, err
}

// RunnerManagers returns the managers of a runner the caller may read.
func (c *Caller) RunnerManagers(id int64) (ms []ManagerRecord, err error) {
	err = c.withRunner(id, false, (*Store).canReadRunner, func(r *RunnerRecord) error {
		ms = append([]ManagerRecord{}, r.Managers...)
		return nil
	})
	return ms, err
}
