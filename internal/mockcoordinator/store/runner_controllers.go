package store

// Runner controllers (GitLab Enterprise Edition 18.9+, Ultimate): services
// that GitLab's job router asks whether to admit a job. A controller has a
// state, scopes (the instance, or some instance runners: never both) and
// tokens (glrct-…) with which it authenticates at the job router. The
// records follow ee/app/models/ci/runner_controller.rb and
// runner_controller_token.rb; the operations (caller_runner_controllers.go)
// follow lib/api/ci/runner_controllers.rb, runner_controller_scopes.rb,
// runner_controller_tokens.rb and app/services/ci/runner_controllers/.

import (
	"sort"
	"time"
	"unicode/utf8"
)

// The states of a runner controller (the model's enum); disabled is the default.
const (
	RunnerControllerDisabled = "disabled"
	RunnerControllerEnabled  = "enabled"
	RunnerControllerDryRun   = "dry_run"
)

// RunnerControllerStates are the states in the enum's order.
var RunnerControllerStates = []string{RunnerControllerDisabled, RunnerControllerEnabled, RunnerControllerDryRun}

// maxControllerDescription is the length limit of a controller's and a
// token's description (validates :description, length: { maximum: 1024 }),
// in characters.
const maxControllerDescription = 1024

// tokenConnectedWithin: a token used this recently makes its controller
// "connected" (Ci::RunnerControllerToken::INACTIVE_AFTER).
const tokenConnectedWithin = time.Hour

// runnerControllerRecord is the stored form of a runner controller.
type runnerControllerRecord struct {
	ID int64 `json:"id"`
	// Description is nil when never given (GitLab shows null).
	Description *string   `json:"description"`
	State       string    `json:"state"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// InstanceScope is the instance-level scoping (at most one).
	InstanceScope *scopingRecord `json:"instance_scope,omitempty"`
	// RunnerScopes are the runner-level scopings, in creation order.
	RunnerScopes []scopingRecord `json:"runner_scopes,omitempty"`
	// Tokens, active and revoked, in creation order.
	Tokens []*controllerTokenRecord `json:"tokens,omitempty"`
}

// scopingRecord is an instance-level scoping (RunnerID 0) or a runner-level one.
type scopingRecord struct {
	RunnerID  int64     `json:"runner_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// controllerTokenRecord is a runner controller token. GitLab stores a digest;
// the mock keeps the token, as it does runners' tokens.
type controllerTokenRecord struct {
	ID          int64      `json:"id"`
	Description *string    `json:"description"`
	Token       string     `json:"token"`
	Revoked     bool       `json:"revoked,omitempty"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// RunnerController is a runner controller as GET /runner_controllers/:id
// shows it (Entities::Ci::RunnerControllerDetail).
type RunnerController struct {
	ID          int64
	Description *string
	State       string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Connected: one of its active tokens was used within the last hour.
	Connected bool
}

// RunnerControllerScoping is one scope of a controller: the instance
// (RunnerID 0) or an instance runner.
type RunnerControllerScoping struct {
	RunnerID  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RunnerControllerScopes are a controller's scopes.
type RunnerControllerScopes struct {
	Instance []RunnerControllerScoping // at most one
	Runners  []RunnerControllerScoping
}

// RunnerControllerToken is a controller token as the API shows it; Token is
// set only in the answers that mint one (create, rotate).
type RunnerControllerToken struct {
	ID                 int64
	RunnerControllerID int64
	Description        *string
	LastUsedAt         *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Token              string
}

func (st *Store) controllerViewLocked(c *runnerControllerRecord) RunnerController {
	v := RunnerController{ID: c.ID, Description: clonePtr(c.Description), State: c.State, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	now := st.now()
	for _, t := range c.Tokens {
		if !t.Revoked && t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < tokenConnectedWithin {
			v.Connected = true
		}
	}
	return v
}

func controllerTokenView(controllerID int64, t *controllerTokenRecord) RunnerControllerToken {
	return RunnerControllerToken{ID: t.ID, RunnerControllerID: controllerID, Description: clonePtr(t.Description),
		LastUsedAt: clonePtr(t.LastUsedAt), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// sortedControllersLocked lists the controllers by id (GitLab's default order).
func (st *Store) sortedControllersLocked() []*runnerControllerRecord {
	out := make([]*runnerControllerRecord, 0, len(st.controllers))
	for _, c := range st.controllers {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// activeToken finds an active token of c by id.
func (c *runnerControllerRecord) activeToken(id int64) *controllerTokenRecord {
	for _, t := range c.Tokens {
		if t.ID == id && !t.Revoked {
			return t
		}
	}
	return nil
}

// mintControllerTokenLocked adds a new active token (glrct-…) to c.
func (st *Store) mintControllerTokenLocked(c *runnerControllerRecord, description *string) *controllerTokenRecord {
	now := st.now()
	t := &controllerTokenRecord{ID: st.nextControllerTokenID, Description: clonePtr(description),
		Token: "glrct-" + randomURLSafe(), CreatedAt: now, UpdatedAt: now}
	st.nextControllerTokenID++
	c.Tokens = append(c.Tokens, t)
	return t
}

// dropRunnerScopesLocked removes the runner-level scopings of a deleted
// runner (their foreign key cascades).
func (st *Store) dropRunnerScopesLocked(runnerID int64) {
	for _, c := range st.controllers {
		kept := c.RunnerScopes[:0]
		for _, s := range c.RunnerScopes {
			if s.RunnerID != runnerID {
				kept = append(kept, s)
			}
		}
		c.RunnerScopes = kept
	}
}

// descriptionTooLong is the model's validation of a description, as
// full_messages reads it; "" when it is valid.
func descriptionTooLong(d *string) string {
	if d != nil && utf8.RuneCountInString(*d) > maxControllerDescription {
		return "Description is too long (maximum is 1024 characters)"
	}
	return ""
}

// RunnerControllersLicensed reports whether the instance's licence includes
// runner controllers (GitLab Ultimate's ci_runner_controllers feature; the
// mock's default).
func (st *Store) RunnerControllersLicensed() bool {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return !st.runnerControllersUnlicensed
}

// SetRunnerControllersLicensed switches the licence's ci_runner_controllers
// feature: without it the runner controller API answers administrators 404.
func (st *Store) SetRunnerControllersLicensed(licensed bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.runnerControllersUnlicensed = !licensed
}

// AuthenticateRunnerControllerToken is what the job router does with the
// token a runner controller presents: only an active token of an existing
// controller works (a revoked or rotated one is Unauthorized), and its use
// is recorded (last_used_at, which makes the controller "connected").
func (st *Store) AuthenticateRunnerControllerToken(token string) (RunnerControllerToken, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if token == "" || st.runnerControllersUnlicensed || !st.version.HasRunnerControllers() {
		return RunnerControllerToken{}, &Error{Reason: Unauthorized}
	}
	for _, c := range st.controllers {
		for _, t := range c.Tokens {
			if t.Token == token && !t.Revoked {
				now := st.now()
				t.LastUsedAt = &now
				return controllerTokenView(c.ID, t), nil
			}
		}
	}
	return RunnerControllerToken{}, &Error{Reason: Unauthorized}
}

// RunnerController returns a controller (out of band, for tests).
func (st *Store) RunnerController(id int64) (RunnerController, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	c := st.controllers[id]
	if c == nil {
		return RunnerController{}, false
	}
	return st.controllerViewLocked(c), true
}

// RunnerControllerScopes returns a controller's scopes (out of band, for tests).
func (st *Store) RunnerControllerScopes(id int64) (RunnerControllerScopes, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	c := st.controllers[id]
	if c == nil {
		return RunnerControllerScopes{}, false
	}
	return scopesView(c), true
}

// RunnerControllerIDs lists the ids of every runner controller (out of band,
// for tests' CheckDestroy).
func (st *Store) RunnerControllerIDs() []int64 {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []int64
	for _, c := range st.sortedControllersLocked() {
		ids = append(ids, c.ID)
	}
	return ids
}

// ActiveRunnerControllerTokenIDs lists the ids of the active tokens of every
// controller (out of band, for tests).
func (st *Store) ActiveRunnerControllerTokenIDs() []int64 {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var ids []int64
	for _, c := range st.sortedControllersLocked() {
		for _, t := range c.Tokens {
			if !t.Revoked {
				ids = append(ids, t.ID)
			}
		}
	}
	return ids
}
