package store

import (
	"strconv"
	"time"
)

// User is a GitLab user.
type User struct {
	ID       int64
	Username string
	Admin    bool
}

// Caller is a user authenticated by a personal access token. Its methods are
// the operations GitLab's REST API offers users, with GitLab's permission
// checks; they fail with an *Error.
type Caller struct {
	st    *Store
	user  *userRecord
	token *tokenRecord
}

// Authenticate finds the user of a personal access token that has one of
// scopes; no scopes means any scope will do (GET /personal_access_tokens/self).
// It fails with Unauthorized (no such token), InvalidToken (expired or
// revoked) or InsufficientScope.
func (st *Store) Authenticate(token string, scopes ...string) (*Caller, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.tokens[token]
	var u *userRecord
	if t != nil {
		u = st.users[t.UserID]
	}
	if token == "" || t == nil || u == nil {
		return nil, &Error{Reason: Unauthorized}
	}
	if err := t.invalid(st.now()); err != nil {
		return nil, err
	}
	if len(scopes) > 0 && !t.hasAny(scopes...) {
		return nil, &Error{Reason: InsufficientScope}
	}
	return &Caller{st: st, user: u, token: t}, nil
}

// User returns the caller.
func (c *Caller) User() User {
	return User{ID: c.user.ID, Username: c.user.Username, Admin: c.user.Admin}
}

// ---- application settings ----

// Settings returns the instance settings (administrators only).
func (c *Caller) Settings() (Settings, error) {
	if !c.user.Admin {
		return Settings{}, forbidden("")
	}
	return c.st.Settings(), nil
}

// Optional is a value a request may leave out.
type Optional[T any] struct {
	Set   bool
	Value T
}

// SettingsChanges are the settings PUT /application/settings gives.
type SettingsChanges struct {
	AllowRunnerRegistrationToken Optional[bool]
	ValidRunnerRegistrars        Optional[[]string]
	// Token lifetimes in seconds; a nil Value clears one.
	RunnerTokenExpirationInterval        Optional[*int64]
	GroupRunnerTokenExpirationInterval   Optional[*int64]
	ProjectRunnerTokenExpirationInterval Optional[*int64]
}

// minTokenExpirationInterval is GitLab's lower bound for token lifetimes.
const minTokenExpirationInterval = 7200

// UpdateSettings changes the instance settings (administrators only) and
// returns them. allow_runner_registration_token is ignored before 16.11,
// where the switch does not exist.
func (c *Caller) UpdateSettings(ch SettingsChanges) (Settings, error) {
	if !c.user.Admin {
		return Settings{}, forbidden("")
	}
	var errs []FieldError
	for _, r := range ch.ValidRunnerRegistrars.Value {
		if r != "group" && r != "project" {
			errs = append(errs, FieldError{Attribute: "valid_runner_registrars", Message: "is invalid"})
			break
		}
	}
	intervals := []struct {
		key    string
		change Optional[*int64]
	}{
		{"runner_token_expiration_interval", ch.RunnerTokenExpirationInterval},
		{"group_runner_token_expiration_interval", ch.GroupRunnerTokenExpirationInterval},
		{"project_runner_token_expiration_interval", ch.ProjectRunnerTokenExpirationInterval},
	}
	for _, iv := range intervals {
		if iv.change.Set && iv.change.Value != nil && *iv.change.Value < minTokenExpirationInterval {
			errs = append(errs, FieldError{Attribute: iv.key, Message: "must be greater than or equal to " + strconv.Itoa(minTokenExpirationInterval)})
		}
	}
	if errs != nil {
		return Settings{}, invalid(errs)
	}
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if ch.AllowRunnerRegistrationToken.Set && st.version.HasRegistrationSwitch() {
		st.settings.AllowRunnerRegistrationToken = ch.AllowRunnerRegistrationToken.Value
		st.instanceSwitchSet = true
	}
	if ch.ValidRunnerRegistrars.Set {
		st.settings.ValidRunnerRegistrars = append([]string{}, ch.ValidRunnerRegistrars.Value...)
	}
	for _, x := range []struct {
		change Optional[*int64]
		dst    **int64
	}{
		{ch.RunnerTokenExpirationInterval, &st.settings.RunnerTokenExpirationInterval},
		{ch.GroupRunnerTokenExpirationInterval, &st.settings.GroupRunnerTokenExpirationInterval},
		{ch.ProjectRunnerTokenExpirationInterval, &st.settings.ProjectRunnerTokenExpirationInterval},
	} {
		if x.change.Set {
			*x.dst = clonePtr(x.change.Value)
		}
	}
	return st.settings.clone(), nil
}

// ---- groups and projects ----

// GroupSummary describes a group.
type GroupSummary struct {
	ID       int64
	ParentID int64 // 0 for a top-level group
	Name     string
	Path     string
	FullPath string // "demo/platform"
}

// ProjectSummary describes a project.
type ProjectSummary struct {
	ID       int64
	Name     string
	Path     string
	FullName string // "demo / platform / app"
	FullPath string // "demo/platform/app"
}

// GroupDetails is a group as GET /groups/:id shows it to the caller.
type GroupDetails struct {
	GroupSummary
	FullName  string // "demo / platform"
	CreatedAt time.Time
	// ShowRunnersToken: the caller may see the registration token (Owners
	// and administrators). RunnersToken is nil when registration tokens are
	// disallowed for the group.
	ShowRunnersToken bool
	RunnersToken     *string
}

// ProjectDetails is a project as GET /projects/:id shows it to the caller.
type ProjectDetails struct {
	ProjectSummary
	Namespace *GroupSummary // the project's group
	CreatedAt time.Time
	// ShowRunnersToken: the caller may see the registration token
	// (Maintainers and administrators). RunnersToken is nil when
	// registration tokens are disallowed for the project.
	ShowRunnersToken bool
	RunnersToken     *string
}

// Group returns a group if the caller is a member (of it or an ancestor) or
// an administrator.
func (c *Caller) Group(ref NamespaceID) (GroupDetails, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	g := st.findGroupLocked(ref)
	var role Role
	if g != nil {
		role = st.groupRole(c.user.ID, g.ID)
	}
	if g == nil || (!c.user.Admin && role == 0) {
		return GroupDetails{}, notFound("Group")
	}
	d := GroupDetails{GroupSummary: st.groupSummary(g), FullName: st.groupFullName(g), CreatedAt: g.CreatedAt}
	if c.user.Admin || role >= Owner {
		d.ShowRunnersToken = true
		if st.registrationAllowedForGroup(g.ID) {
			tok := g.RegistrationToken
			d.RunnersToken = &tok
		}
	}
	return d, nil
}

// Project returns a project if the caller is a member (directly or through
// its groups) or an administrator.
func (c *Caller) Project(ref NamespaceID) (ProjectDetails, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	p := st.findProjectLocked(ref)
	var role Role
	if p != nil {
		role = st.projectRole(c.user.ID, p.ID)
	}
	if p == nil || (!c.user.Admin && role == 0) {
		return ProjectDetails{}, notFound("Project")
	}
	d := ProjectDetails{ProjectSummary: st.projectSummary(p), CreatedAt: p.CreatedAt}
	if g := st.groups[p.GroupID]; g != nil {
		ref := st.groupSummary(g)
		d.Namespace = &ref
	}
	if c.user.Admin || role >= Maintainer {
		d.ShowRunnersToken = true
		if st.registrationAllowedForGroup(p.GroupID) {
			tok := p.RegistrationToken
			d.RunnersToken = &tok
		}
	}
	return d, nil
}
