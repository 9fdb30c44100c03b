package store

// The runner controller API's operations, with GitLab's checks in GitLab's
// order. Every route starts with the API's before block
// (authenticated_as_admin!, then the licence: controllerGate); the services
// (app/services/ci/runner_controllers/…) answer with their reasons
// (render_api_error!(result.message, result.reason)).

import (
	"slices"
	"time"
)

// controllerGate is the before block of the runner controller APIs: a
// non-administrator gets 403 "403 Forbidden", an administrator of an
// instance whose licence lacks ci_runner_controllers 404 "404 Not Found".
func (c *Caller) controllerGate() error {
	if !c.user.Admin {
		return forbidden("")
	}
	if c.st.runnerControllersUnlicensed {
		return notFound("")
	}
	return nil
}

// RunnerControllerAccess is the APIs' before block alone: Grape runs it
// before it validates the parameters.
func (c *Caller) RunnerControllerAccess() error {
	c.st.mu.RLock()
	defer c.st.mu.RUnlock()
	return c.controllerGate()
}

// withController runs fn with the store locked (exclusively when write)
// once the gate passed; a missing controller is missing (the error of the
// route: not_found! or ActiveRecord's RecordNotFound).
func (c *Caller) withController(id int64, write bool, missing func() error, fn func(*runnerControllerRecord) error) error {
	st := c.st
	if write {
		st.mu.Lock()
		defer st.mu.Unlock()
	} else {
		st.mu.RLock()
		defer st.mu.RUnlock()
	}
	if err := c.controllerGate(); err != nil {
		return err
	}
	ctl := st.controllers[id]
	if ctl == nil {
		return missing()
	}
	return fn(ctl)
}

func notFoundPlain() error { return notFound("") }

// ---- controllers (lib/api/ci/runner_controllers.rb) ----

// RunnerControllers lists every runner controller by id (GET /runner_controllers).
func (c *Caller) RunnerControllers() ([]RunnerController, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	if err := c.controllerGate(); err != nil {
		return nil, err
	}
	out := []RunnerController{}
	for _, ctl := range st.sortedControllersLocked() {
		out = append(out, st.controllerViewLocked(ctl))
	}
	return out, nil
}

// RunnerController returns one controller (404 "404 Not Found" when missing).
func (c *Caller) RunnerController(id int64) (v RunnerController, err error) {
	err = c.withController(id, false, notFoundPlain, func(ctl *runnerControllerRecord) error {
		v = c.st.controllerViewLocked(ctl)
		return nil
	})
	return v, err
}

// RunnerControllerChanges are the parameters of POST and PUT
// /runner_controllers; a Description set to nil clears it (Grape passes an
// explicit null on).
type RunnerControllerChanges struct {
	Description Optional[*string]
	State       Optional[string]
}

// validate is the model's validation (the state's values are Grape's).
func (ch RunnerControllerChanges) validate() error {
	if ch.State.Set && !slices.Contains(RunnerControllerStates, ch.State.Value) {
		return rejected("'" + ch.State.Value + "' is not a valid state") // ArgumentError of the enum
	}
	if msg := descriptionTooLong(ch.Description.Value); msg != "" {
		return rejected(msg) // render_api_error!(…, :bad_request)
	}
	return nil
}

// CreateRunnerController creates a controller (CreateService); the state
// defaults to disabled.
func (c *Caller) CreateRunnerController(ch RunnerControllerChanges) (RunnerController, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := c.controllerGate(); err != nil {
		return RunnerController{}, err
	}
	if err := ch.validate(); err != nil {
		return RunnerController{}, err
	}
	now := st.now()
	ctl := &runnerControllerRecord{ID: st.nextControllerID, State: RunnerControllerDisabled, CreatedAt: now, UpdatedAt: now}
	st.nextControllerID++
	ctl.Description = clonePtr(ch.Description.Value)
	if ch.State.Set {
		ctl.State = ch.State.Value
	}
	st.controllers[ctl.ID] = ctl
	return st.controllerViewLocked(ctl), nil
}

// UpdateRunnerController changes a controller (UpdateService); updated_at
// moves only when something changed, as Rails saves only changes.
func (c *Caller) UpdateRunnerController(id int64, ch RunnerControllerChanges) (v RunnerController, err error) {
	err = c.withController(id, true, notFoundPlain, func(ctl *runnerControllerRecord) error {
		if err := ch.validate(); err != nil {
			return err
		}
		changed := false
		if ch.Description.Set && !equalPtr(ch.Description.Value, ctl.Description) {
			ctl.Description, changed = clonePtr(ch.Description.Value), true
		}
		if ch.State.Set && ch.State.Value != ctl.State {
			ctl.State, changed = ch.State.Value, true
		}
		if changed {
			ctl.UpdatedAt = c.st.now()
		}
		v = c.st.controllerViewLocked(ctl)
		return nil
	})
	return v, err
}

// DeleteRunnerController deletes a controller with its scopes and tokens
// (their foreign keys cascade). unmodifiedSince is the request's
// If-Unmodified-Since (destroy_conditionally!): a controller updated after
// it is kept (412).
func (c *Caller) DeleteRunnerController(id int64, unmodifiedSince *time.Time) error {
	return c.withController(id, true, notFoundPlain, func(ctl *runnerControllerRecord) error {
		if unmodifiedSince != nil && ctl.UpdatedAt.After(*unmodifiedSince) {
			return &Error{Reason: PreconditionFailed}
		}
		delete(c.st.controllers, id)
		return nil
	})
}

// ---- scopes (lib/api/ci/runner_controller_scopes.rb) ----

// The scope routes find the controller and the runner with find (not
// find_by_id): a missing one raises RecordNotFound.

// RunnerControllerScopes lists a controller's scopes.
func (c *Caller) RunnerControllerScopes(id int64) (s RunnerControllerScopes, err error) {
	err = c.withController(id, false, recordNotFound, func(ctl *runnerControllerRecord) error {
		s = scopesView(ctl)
		return nil
	})
	return s, err
}

func scopesView(ctl *runnerControllerRecord) RunnerControllerScopes {
	s := RunnerControllerScopes{Instance: []RunnerControllerScoping{}, Runners: []RunnerControllerScoping{}}
	if i := ctl.InstanceScope; i != nil {
		s.Instance = append(s.Instance, RunnerControllerScoping{CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt})
	}
	for _, r := range ctl.RunnerScopes {
		s.Runners = append(s.Runners, RunnerControllerScoping(r))
	}
	return s
}

// AddRunnerControllerInstanceScope gives a controller the instance scope
// (Scopes::AddInstanceService).
func (c *Caller) AddRunnerControllerInstanceScope(id int64) (s RunnerControllerScoping, err error) {
	err = c.withController(id, true, recordNotFound, func(ctl *runnerControllerRecord) error {
		if ctl.InstanceScope != nil {
			return conflict("Instance-level scope already exists for this runner controller")
		}
		if len(ctl.RunnerScopes) > 0 {
			return conflict("Runner controller already has runner-level scopes. Remove them before adding instance-level scope.")
		}
		now := c.st.now()
		ctl.InstanceScope = &scopingRecord{CreatedAt: now, UpdatedAt: now}
		s = RunnerControllerScoping{CreatedAt: now, UpdatedAt: now}
		return nil
	})
	return s, err
}

// RemoveRunnerControllerInstanceScope removes the instance scope; without
// one it succeeds all the same (Scopes::RemoveInstanceService).
func (c *Caller) RemoveRunnerControllerInstanceScope(id int64) error {
	return c.withController(id, true, recordNotFound, func(ctl *runnerControllerRecord) error {
		ctl.InstanceScope = nil
		return nil
	})
}

// AddRunnerControllerRunnerScope scopes a controller to an instance runner
// (Scopes::AddRunnerService): the runner must exist (RecordNotFound) and be
// an instance runner (422), the controller must not have the instance scope
// (409) nor this runner already (409).
func (c *Caller) AddRunnerControllerRunnerScope(id, runnerID int64) (s RunnerControllerScoping, err error) {
	err = c.withController(id, true, recordNotFound, func(ctl *runnerControllerRecord) error {
		r := c.st.runners[runnerID]
		switch {
		case r == nil:
			return recordNotFound()
		case r.RunnerType != RunnerTypeInstance:
			return unprocessable("Only instance-type runners can be scoped")
		case ctl.InstanceScope != nil:
			return conflict("Runner controller already has instance-level scope. Remove it before adding runner scopes.")
		case slices.ContainsFunc(ctl.RunnerScopes, func(s scopingRecord) bool { return s.RunnerID == runnerID }):
			return conflict("Runner scope already exists for this runner controller")
		}
		now := c.st.now()
		rec := scopingRecord{RunnerID: runnerID, CreatedAt: now, UpdatedAt: now}
		ctl.RunnerScopes = append(ctl.RunnerScopes, rec)
		s = RunnerControllerScoping(rec)
		return nil
	})
	return s, err
}

// RemoveRunnerControllerRunnerScope removes a runner scope; the runner must
// exist, the scope need not (Scopes::RemoveRunnerService).
func (c *Caller) RemoveRunnerControllerRunnerScope(id, runnerID int64) error {
	return c.withController(id, true, recordNotFound, func(ctl *runnerControllerRecord) error {
		if c.st.runners[runnerID] == nil {
			return recordNotFound()
		}
		ctl.RunnerScopes = slices.DeleteFunc(ctl.RunnerScopes, func(s scopingRecord) bool { return s.RunnerID == runnerID })
		return nil
	})
}

// ---- tokens (lib/api/ci/runner_controller_tokens.rb) ----

// RunnerControllerTokens lists a controller's active tokens by id.
func (c *Caller) RunnerControllerTokens(id int64) (out []RunnerControllerToken, err error) {
	err = c.withController(id, false, notFoundPlain, func(ctl *runnerControllerRecord) error {
		out = []RunnerControllerToken{}
		for _, t := range ctl.Tokens {
			if !t.Revoked {
				out = append(out, controllerTokenView(ctl.ID, t))
			}
		}
		return nil
	})
	return out, err
}

// RunnerControllerToken returns an active token; a revoked one is 404.
func (c *Caller) RunnerControllerToken(id, tokenID int64) (v RunnerControllerToken, err error) {
	err = c.withController(id, false, notFoundPlain, func(ctl *runnerControllerRecord) error {
		t := ctl.activeToken(tokenID)
		if t == nil {
			return notFound("")
		}
		v = controllerTokenView(ctl.ID, t)
		return nil
	})
	return v, err
}

// CreateRunnerControllerToken mints a token (CreateTokenService); the answer
// carries it, the only time GitLab shows it.
func (c *Caller) CreateRunnerControllerToken(id int64, description *string) (v RunnerControllerToken, err error) {
	err = c.withController(id, true, notFoundPlain, func(ctl *runnerControllerRecord) error {
		if msg := descriptionTooLong(description); msg != "" {
			return rejected(msg)
		}
		t := c.st.mintControllerTokenLocked(ctl, description)
		v = controllerTokenView(ctl.ID, t)
		v.Token = t.Token
		return nil
	})
	return v, err
}

// RevokeRunnerControllerToken revokes an active token (RevokeTokenService);
// a revoked or unknown one is 404.
func (c *Caller) RevokeRunnerControllerToken(id, tokenID int64) error {
	return c.withController(id, true, notFoundPlain, func(ctl *runnerControllerRecord) error {
		t := ctl.activeToken(tokenID)
		if t == nil {
			return notFound("")
		}
		t.Revoked, t.UpdatedAt = true, c.st.now()
		return nil
	})
}

// RotateRunnerControllerToken revokes an active token and mints its
// successor, a new record (a new id) with the same description, in one
// transaction (RotateTokenService); the old token stops working at once.
func (c *Caller) RotateRunnerControllerToken(id, tokenID int64) (v RunnerControllerToken, err error) {
	err = c.withController(id, true, notFoundPlain, func(ctl *runnerControllerRecord) error {
		old := ctl.activeToken(tokenID)
		if old == nil {
			return notFound("")
		}
		old.Revoked, old.UpdatedAt = true, c.st.now()
		t := c.st.mintControllerTokenLocked(ctl, old.Description)
		v = controllerTokenView(ctl.ID, t)
		v.Token = t.Token
		return nil
	})
	return v, err
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
