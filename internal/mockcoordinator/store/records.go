package store

import "time"

// Runner types and access levels as GitLab spells them.
const (
	RunnerTypeInstance = "instance_type"
	RunnerTypeGroup    = "group_type"
	RunnerTypeProject  = "project_type"

	AccessLevelNotProtected = "not_protected"
	AccessLevelRefProtected = "ref_protected"
)

// Role is a GitLab membership role; the values are GitLab's access levels.
type Role int

// Roles the mock distinguishes.
const (
	Developer  Role = 30
	Maintainer Role = 40
	Owner      Role = 50
)

// Scopes of personal access tokens the mock knows about.
const (
	ScopeAPI          = "api"
	ScopeReadAPI      = "read_api"
	ScopeCreateRunner = "create_runner"
	ScopeManageRunner = "manage_runner"
)

// Settings are the instance (application) settings the runner workflow uses.
type Settings struct {
	// AllowRunnerRegistrationToken is the instance switch (≈15.8+); legacy
	// registration ignores it before ≈16.0.
	AllowRunnerRegistrationToken bool `json:"allow_runner_registration_token"`
	// ValidRunnerRegistrars lists "group" and/or "project": which non-admins may create runners.
	ValidRunnerRegistrars []string `json:"valid_runner_registrars"`
	// Token expiration intervals in seconds; nil means no expiry.
	RunnerTokenExpirationInterval        *int64 `json:"runner_token_expiration_interval"`
	GroupRunnerTokenExpirationInterval   *int64 `json:"group_runner_token_expiration_interval"`
	ProjectRunnerTokenExpirationInterval *int64 `json:"project_runner_token_expiration_interval"`
	// RegistrationToken is the instance registration token (no prefix).
	RegistrationToken string `json:"registration_token"`
}

func (s Settings) clone() Settings {
	s.ValidRunnerRegistrars = append([]string(nil), s.ValidRunnerRegistrars...)
	s.RunnerTokenExpirationInterval = clonePtr(s.RunnerTokenExpirationInterval)
	s.GroupRunnerTokenExpirationInterval = clonePtr(s.GroupRunnerTokenExpirationInterval)
	s.ProjectRunnerTokenExpirationInterval = clonePtr(s.ProjectRunnerTokenExpirationInterval)
	return s
}

// ManagerRecord is one runner manager: a host (system_id) using the runner's token.
type ManagerRecord struct {
	ID           int64     `json:"id"`
	SystemID     string    `json:"system_id"`
	Name         string    `json:"name,omitempty"`
	Version      string    `json:"version"`
	Revision     string    `json:"revision"`
	Platform     string    `json:"platform"`
	Architecture string    `json:"architecture"`
	IPAddress    string    `json:"ip_address"`
	CreatedAt    time.Time `json:"created_at"`
	ContactedAt  time.Time `json:"contacted_at"`
}

// RunnerRecord is the stored form of a runner. Store methods hand out copies.
type RunnerRecord struct {
	ID         int64   `json:"id"`
	RunnerType string  `json:"runner_type"`
	GroupID    int64   `json:"group_id,omitempty"`    // group_type only
	ProjectIDs []int64 `json:"project_ids,omitempty"` // project_type: owner project first
	RunnerAttributes
	Token          string     `json:"token"`
	TokenExpiresAt *time.Time `json:"token_expires_at"`
	CreatedAt      time.Time  `json:"created_at"`
	ContactedAt    *time.Time `json:"contacted_at"`
	CreatorID      int64      `json:"creator_id,omitempty"`
	Legacy         bool       `json:"legacy,omitempty"` // registered with a registration token
	Name           string     `json:"name,omitempty"`   // from the runner's info
	IPAddress      string     `json:"ip_address,omitempty"`
	// Info of a legacy registration (version etc.) before any manager exists.
	Version      string          `json:"version,omitempty"`
	Revision     string          `json:"revision,omitempty"`
	Platform     string          `json:"platform,omitempty"`
	Architecture string          `json:"architecture,omitempty"`
	Managers     []ManagerRecord `json:"managers,omitempty"`

	// TokenRotationDeadline: after it GitLab refuses to rotate the token (EE
	// 18.10+, set at creation only); a rotation clears it.
	TokenRotationDeadline *time.Time `json:"token_rotation_deadline,omitempty"`
}

func (r *RunnerRecord) clone() RunnerRecord {
	c := *r
	c.ProjectIDs = append([]int64(nil), r.ProjectIDs...)
	c.RunnerAttributes = r.RunnerAttributes.clone()
	c.TokenExpiresAt = clonePtr(r.TokenExpiresAt)
	c.TokenRotationDeadline = clonePtr(r.TokenRotationDeadline)
	c.ContactedAt = clonePtr(r.ContactedAt)
	c.Managers = append([]ManagerRecord(nil), r.Managers...)
	return c
}

// LatestManager returns the most recently contacted manager, or nil.
func (r *RunnerRecord) LatestManager() *ManagerRecord {
	var best *ManagerRecord
	for i := range r.Managers {
		m := &r.Managers[i]
		if best == nil || m.ContactedAt.After(best.ContactedAt) {
			best = m
		}
	}
	return best
}

// Status rules: stale if created more than 7 days ago and not contacted for
// 7 days; else never_contacted; else online within 2 hours; else offline.
const (
	staleAfter   = 7 * 24 * time.Hour
	onlineWithin = 2 * time.Hour
)

func runnerStatus(createdAt time.Time, contactedAt *time.Time, now time.Time) string {
	if now.Sub(createdAt) > staleAfter && (contactedAt == nil || now.Sub(*contactedAt) > staleAfter) {
		return "stale"
	}
	if contactedAt == nil {
		return "never_contacted"
	}
	if now.Sub(*contactedAt) <= onlineWithin {
		return "online"
	}
	return "offline"
}

// Status is the runner's status at now: online, offline, stale or never_contacted.
func (r *RunnerRecord) Status(now time.Time) string {
	return runnerStatus(r.CreatedAt, r.ContactedAt, now)
}

// Status is the manager's status at now, by the runner's rules.
func (m *ManagerRecord) Status(now time.Time) string {
	contacted := &m.ContactedAt
	if m.ContactedAt.IsZero() {
		contacted = nil
	}
	return runnerStatus(m.CreatedAt, contacted, now)
}

func (r *RunnerRecord) tokenExpired(now time.Time) bool {
	return r.TokenExpiresAt != nil && !now.Before(*r.TokenExpiresAt)
}

type userRecord struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Admin    bool   `json:"admin"`
}

// tokenRecord is a personal access token (project and group access tokens
// are personal access tokens of bot users in GitLab too).
type tokenRecord struct {
	ID        int64     `json:"id,omitempty"`
	Name      string    `json:"name,omitempty"`
	Token     string    `json:"token"`
	UserID    int64     `json:"user_id"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is the day the token stops working (GitLab stores a date:
	// from 00:00 UTC that day); nil for a token without expiry.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked,omitempty"`
}

func (t *tokenRecord) hasAny(scopes ...string) bool {
	for _, have := range t.Scopes {
		for _, want := range scopes {
			if have == want {
				return true
			}
		}
	}
	return false
}

type groupRecord struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Path              string `json:"path"`
	ParentID          int64  `json:"parent_id,omitempty"`
	RegistrationToken string `json:"registration_token"`
	AllowRegistration bool   `json:"allow_runner_registration_token"` // top-level groups only
	// AllowRegistrationSet: the switch was set explicitly, so SetVersion keeps it.
	AllowRegistrationSet bool `json:"allow_runner_registration_token_set,omitempty"`
	// SharedRunnersSetting is one of SharedRunnersSettings; "" (a state
	// file from before the setting) reads as SharedRunnersEnabled.
	SharedRunnersSetting string `json:"shared_runners_setting,omitempty"`
	// AllowStaleRunnerPruning: GitLab deletes the group's runners that have
	// not contacted it for 3 months (a CI/CD setting of the namespace).
	AllowStaleRunnerPruning bool           `json:"allow_stale_runner_pruning,omitempty"`
	Members                 map[int64]Role `json:"members,omitempty"`
	CreatedAt               time.Time      `json:"created_at"`
}

func (g *groupRecord) sharedRunnersSetting() string {
	if g.SharedRunnersSetting == "" {
		return SharedRunnersEnabled
	}
	return g.SharedRunnersSetting
}

type projectRecord struct {
	ID                int64          `json:"id"`
	Name              string         `json:"name"`
	Path              string         `json:"path"`
	GroupID           int64          `json:"group_id"`
	RegistrationToken string         `json:"registration_token"`
	Members           map[int64]Role `json:"members,omitempty"`
	CreatedAt         time.Time      `json:"created_at"`
	// The project's runner settings, negated so that GitLab's default
	// (both on) is the zero value, also for state files from before them.
	SharedRunnersDisabled bool `json:"shared_runners_disabled,omitempty"`
	GroupRunnersDisabled  bool `json:"group_runners_disabled,omitempty"`
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
