package store

import (
	"errors"
	"slices"
	"strconv"
	"strings"
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

// int4 bounds of the interval columns: a larger value makes Rails raise
// ActiveModel::RangeError, which GitLab answers with a 500 (≈).
const maxInt4, minInt4 = 1<<31 - 1, -1 << 31

// UpdateSettings changes the instance settings (administrators only) and
// returns them, with ApplicationSetting's validations: valid_runner_registrars
// must be a subset of ["project","group"] without repetition (any order);
// the intervals have no lower bound (GitLab documents 7200 seconds, but only
// its UI enforces that). Settings the emulated version does not have are
// ignored, as Grape drops undeclared parameters.
func (c *Caller) UpdateSettings(ch SettingsChanges) (Settings, error) {
	if !c.user.Admin {
		return Settings{}, forbidden("")
	}
	var errs []FieldError
	if ch.ValidRunnerRegistrars.Set && !validRegistrars(ch.ValidRunnerRegistrars.Value) {
		errs = append(errs, FieldError{Attribute: "valid_runner_registrars",
			Message: rubyInspect(ch.ValidRunnerRegistrars.Value) + " is not included in the list"})
	}
	for _, iv := range []Optional[*int64]{ch.RunnerTokenExpirationInterval, ch.GroupRunnerTokenExpirationInterval, ch.ProjectRunnerTokenExpirationInterval} {
		if iv.Set && iv.Value != nil && (*iv.Value > maxInt4 || *iv.Value < minInt4) {
			return Settings{}, errors.New("ActiveModel::RangeError: an interval does not fit GitLab's integer column")
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
		if x.change.Set && st.version.HasTokenExpirationIntervals() {
			*x.dst = clonePtr(x.change.Value)
		}
	}
	return st.settings.clone(), nil
}

// validRegistrars: one of GitLab's valid_runner_registrar_combinations ([],
// ["project"], ["group"], and both in either order). nil is not one.
func validRegistrars(l []string) bool {
	if l == nil || len(l) > 2 {
		return false
	}
	for i, r := range l {
		if (r != "project" && r != "group") || slices.Contains(l[:i], r) {
			return false
		}
	}
	return true
}

// rubyInspect renders a list as Ruby's Array#to_s does (["a", "b"]), which
// GitLab puts in its validation message; nil renders as "" (nil.to_s).
func rubyInspect(l []string) string {
	if l == nil {
		return ""
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
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
	// SharedRunnersSetting: whether the group's projects may use instance
	// runners (one of SharedRunnersSettings).
	SharedRunnersSetting string
	// AllowStaleRunnerPruning: GitLab prunes the group's stale runners.
	AllowStaleRunnerPruning bool
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
	// SharedRunnersEnabled: the project accepts instance runners.
	SharedRunnersEnabled bool
	// GroupRunnersEnabled: the project accepts its groups' runners; nil
	// for a caller who may not change the project (GitLab shows it to
	// admin_project only).
	GroupRunnersEnabled *bool
}

// Group returns a group if the caller is a member (of it or an ancestor) or
// an administrator.
func (c *Caller) Group(ref NamespaceID) (GroupDetails, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	g, role, err := c.visibleGroupLocked(ref)
	if err != nil {
		return GroupDetails{}, err
	}
	return st.groupDetailsLocked(g, c.user.Admin || role >= Owner), nil
}

// visibleGroupLocked resolves a group the caller may see (a member of it or
// an ancestor, or an administrator) and the caller's role there; others get
// NotFound "Group", as GitLab hides private groups.
func (c *Caller) visibleGroupLocked(ref NamespaceID) (*groupRecord, Role, error) {
	g := c.st.findGroupLocked(ref)
	var role Role
	if g != nil {
		role = c.st.groupRole(c.user.ID, g.ID)
	}
	if g == nil || (!c.user.Admin && role == 0) {
		return nil, 0, notFound("Group")
	}
	return g, role, nil
}

// ownedGroupLocked resolves a group for a change by its Owners and
// administrators: NotFound for those who may not see it, Forbidden for its
// other members.
func (c *Caller) ownedGroupLocked(ref NamespaceID) (*groupRecord, error) {
	g, role, err := c.visibleGroupLocked(ref)
	if err != nil {
		return nil, err
	}
	if !c.user.Admin && role < Owner {
		return nil, forbidden("")
	}
	return g, nil
}

// groupDetailsLocked is g as GET /groups/:id shows it; owner: the caller is
// an Owner or an administrator.
func (st *Store) groupDetailsLocked(g *groupRecord, owner bool) GroupDetails {
	d := GroupDetails{GroupSummary: st.groupSummary(g), FullName: st.groupFullName(g), CreatedAt: g.CreatedAt,
		SharedRunnersSetting: g.sharedRunnersSetting(), AllowStaleRunnerPruning: g.AllowStaleRunnerPruning}
	if owner {
		d.ShowRunnersToken = true
		if st.registrationAllowedForGroup(g.ID) {
			tok := g.RegistrationToken
			d.RunnersToken = &tok
		}
	}
	return d
}

// Project returns a project if the caller is a member (directly or through
// its groups) or an administrator.
func (c *Caller) Project(ref NamespaceID) (ProjectDetails, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	p, role, err := c.visibleProjectLocked(ref)
	if err != nil {
		return ProjectDetails{}, err
	}
	return st.projectDetailsLocked(p, c.user.Admin || role >= Maintainer), nil
}

// visibleProjectLocked resolves a project the caller may see (a member,
// directly or through its groups, or an administrator) and the caller's
// role there; others get NotFound "Project", as GitLab hides private
// projects.
func (c *Caller) visibleProjectLocked(ref NamespaceID) (*projectRecord, Role, error) {
	p := c.st.findProjectLocked(ref)
	var role Role
	if p != nil {
		role = c.st.projectRole(c.user.ID, p.ID)
	}
	if p == nil || (!c.user.Admin && role == 0) {
		return nil, 0, notFound("Project")
	}
	return p, role, nil
}

// projectDetailsLocked is p as GET /projects/:id shows it; admin: the
// caller may administer the project (Maintainers and administrators).
func (st *Store) projectDetailsLocked(p *projectRecord, admin bool) ProjectDetails {
	d := ProjectDetails{ProjectSummary: st.projectSummary(p), CreatedAt: p.CreatedAt, SharedRunnersEnabled: !p.SharedRunnersDisabled}
	if g := st.groups[p.GroupID]; g != nil {
		ref := st.groupSummary(g)
		d.Namespace = &ref
	}
	if admin {
		d.ShowRunnersToken = true
		if st.registrationAllowedForGroup(p.GroupID) {
			tok := p.RegistrationToken
			d.RunnersToken = &tok
		}
		d.GroupRunnersEnabled = new(!p.GroupRunnersDisabled)
	}
	return d
}
