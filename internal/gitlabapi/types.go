package gitlabapi

import "time"

// Runner types as GitLab names them (runner_type).
const (
	RunnerTypeInstance = "instance_type"
	RunnerTypeGroup    = "group_type"
	RunnerTypeProject  = "project_type"
)

// Access levels of a runner (access_level).
const (
	AccessLevelNotProtected = "not_protected"
	AccessLevelRefProtected = "ref_protected"
)

// RunnerToken is what GitLab returns when it mints or verifies a runner
// authentication token. Token is a secret.
type RunnerToken struct {
	ID             int64      `json:"id"`
	Token          string     `json:"token"`
	TokenExpiresAt *time.Time `json:"token_expires_at"`
}

// RunnerAttributes are the settings of a runner that its owner chooses. The
// one type is sent by POST /user/runners (CreateUserRunnerOptions) and
// PUT /runners/:id (UpdateRunnerOptions) and read back from GET and
// PUT /runners/:id (RunnerDetails): adding a runner attribute is one field
// here.
//
// A nil field is not sent (create: GitLab's default; update: left as it is)
// and, read back, means GitLab did not say (absent or null). The fields are
// in the order the create request has always sent them.
type RunnerAttributes struct {
	Description     *string   `json:"description,omitempty"`
	MaintenanceNote *string   `json:"maintenance_note,omitempty"`
	Paused          *bool     `json:"paused,omitempty"`
	Locked          *bool     `json:"locked,omitempty"`
	RunUntagged     *bool     `json:"run_untagged,omitempty"`
	TagList         *[]string `json:"tag_list,omitempty"`
	AccessLevel     *string   `json:"access_level,omitempty"`
	MaximumTimeout  *int64    `json:"maximum_timeout,omitempty"`
}

// RunnerInfo is what GitLab reports about a runner, in lists and details
// alike, besides the attributes its owner chooses. A nil pointer is GitLab's
// null (or a key it does not send): the data sources show it as null, never
// as "".
type RunnerInfo struct {
	ID int64 `json:"id"`
	// IPAddress is always null from GitLab 17.0 (the managers have it).
	IPAddress  *string `json:"ip_address"`
	Active     bool    `json:"active"`
	IsShared   bool    `json:"is_shared"`
	RunnerType string  `json:"runner_type"`
	// Name is what the runner reported when it last contacted GitLab.
	Name   *string `json:"name"`
	Online bool    `json:"online"`
	Status string  `json:"status"`
	// CreatedBy is the user who created the runner (GitLab's UserBasic), sent
	// from GitLab 18.0 (≈) in lists and details when the runner has a creator
	// the caller may read: nil for runners registered with a registration
	// token, and on older GitLab.
	CreatedBy *UserBasic `json:"created_by"`
	// CreatedAt is sent from GitLab 18.0 (≈) in lists and details.
	CreatedAt *time.Time `json:"created_at"`
	// JobExecutionStatus is "active" while the runner runs a job, else
	// "idle"; nil before GitLab ≈ 18.5, which does not send it.
	JobExecutionStatus *string `json:"job_execution_status"`
}

// UserBasic is the part of GitLab's UserBasic entity the provider uses.
type UserBasic struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// Runner is an item of the runner list endpoints, which show only two of
// the runner's attributes.
type Runner struct {
	RunnerInfo
	Description *string `json:"description"`
	Paused      bool    `json:"paused"`
}

// RunnerDetails is the answer of GET/PUT /runners/:id. Version, Revision,
// Platform and Architecture are the most recently seen manager's.
type RunnerDetails struct {
	RunnerInfo
	RunnerAttributes
	// TokenExpiresAt is the expiry of the runner's current token. No
	// released GitLab shows it here (GitLab MR !253821 proposes it), so it
	// is usually not Known; the client takes it when a server sends it.
	TokenExpiresAt TokenExpiry     `json:"token_expires_at"`
	ContactedAt    *time.Time      `json:"contacted_at"`
	Version        *string         `json:"version"`
	Revision       *string         `json:"revision"`
	Platform       *string         `json:"platform"`
	Architecture   *string         `json:"architecture"`
	Projects       []RunnerProject `json:"projects"`
	Groups         []RunnerGroup   `json:"groups"`
	// Malformed lists the fields the client ignored because the answer was
	// ambiguous or malformed there (see strict_decode.go): those fields
	// read as absent, so the caller keeps what it knew.
	Malformed []MalformedField `json:"-"`
}

// TokenExpiry is what an answer says about when a runner's current token
// expires. Known is false when the answer did not say (the field was absent,
// or held something that is not a full time: Malformed); At is nil for a token that never
// expires. Rotating a token changes its expiry whenever an expiration
// interval applies, which is how a rotation outside Terraform shows.
type TokenExpiry struct {
	Known bool
	At    *time.Time
	// Malformed says why the answer's value is not an expiry (it is not
	// null and not a full RFC 3339 time with an offset); "" otherwise.
	Malformed string
}

// RunnerProject is a project a runner is assigned to.
type RunnerProject struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	NameWithNamespace string `json:"name_with_namespace"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
}

// RunnerGroup is a group a runner belongs to.
type RunnerGroup struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	WebURL string `json:"web_url"`
}

// RunnerManager is one host (system_id) using a runner's token.
type RunnerManager struct {
	ID           int64      `json:"id"`
	SystemID     string     `json:"system_id"`
	Version      *string    `json:"version"`
	Revision     *string    `json:"revision"`
	Platform     *string    `json:"platform"`
	Architecture *string    `json:"architecture"`
	IPAddress    *string    `json:"ip_address"`
	Status       string     `json:"status"`
	CreatedAt    *time.Time `json:"created_at"`
	ContactedAt  *time.Time `json:"contacted_at"`
	// JobExecutionStatus is the manager's, as the runner's (RunnerInfo).
	JobExecutionStatus *string `json:"job_execution_status"`
}

// ApplicationSettings are the instance settings that matter for runners, as
// GET /application/settings shows them and as PUT /application/settings
// takes them (UpdateApplicationSettingsOptions: a nil field is not sent). A
// server too old for a setting leaves it out of its answer: Has tells an
// absent key from null (for the intervals, null means no expiry).
type ApplicationSettings struct {
	AllowRunnerRegistrationToken         *bool     `json:"allow_runner_registration_token,omitempty"`
	ValidRunnerRegistrars                *[]string `json:"valid_runner_registrars,omitempty"`
	RunnerTokenExpirationInterval        *int64    `json:"runner_token_expiration_interval,omitempty"`
	GroupRunnerTokenExpirationInterval   *int64    `json:"group_runner_token_expiration_interval,omitempty"`
	ProjectRunnerTokenExpirationInterval *int64    `json:"project_runner_token_expiration_interval,omitempty"`

	keys map[string]bool // the keys of the answer
}

// Has reports whether GitLab's answer had the setting key at all: a server
// too old for a setting leaves it out.
func (s *ApplicationSettings) Has(key string) bool { return s.keys[key] }

// Group is the part of GET /groups/:id the provider uses.
// RunnersTokenVisible tells whether the runners_token key was in the answer
// at all (it is only shown to Owners/Maintainers); RunnersToken is nil when
// the key was absent or null (null: registration tokens disallowed).
type Group struct {
	ID                  int64   `json:"id"`
	Name                string  `json:"name"`
	Path                string  `json:"path"`
	FullPath            string  `json:"full_path"`
	ParentID            *int64  `json:"parent_id"`
	RunnersToken        *string `json:"runners_token"`
	RunnersTokenVisible bool    `json:"-"`
	GroupRunnerSettings

	keys map[string]bool // the keys of the answer, and the GraphQL settings GitLab has
}

// Has reports whether GitLab showed the setting key: in GET /groups/:id, or
// as a field of GraphQL's Group (GetGroupRunnerSettings).
func (g *Group) Has(key string) bool { return g.keys[key] }

// GroupRunnerSettings are the runner settings of a group. A field with a
// JSON name is REST: GET /groups/:id shows it, PUT /groups/:id takes it. A
// field with a graphql name (and JSON "-") has no REST API: it is a field of
// GraphQL's Group and an argument of the namespaceCiCdSettingsUpdate
// mutation. A nil field is not sent. The client picks the API from the tags
// (UpdateGroupRunnerSettings, GetGroupRunnerSettings).
type GroupRunnerSettings struct {
	// SharedRunnersSetting: enabled, disabled_and_overridable or
	// disabled_and_unoverridable.
	SharedRunnersSetting *string `json:"shared_runners_setting,omitempty"`
	// AllowStaleRunnerPruning: GitLab deletes the group's runners that have
	// not contacted it for 3 months (EE 15.1+, effective with Ultimate).
	AllowStaleRunnerPruning *bool `json:"-" graphql:"allowStaleRunnerPruning"`
}

// Project is the part of GET /projects/:id the provider uses; see Group for
// RunnersToken and RunnersTokenVisible.
type Project struct {
	ID                  int64            `json:"id"`
	Name                string           `json:"name"`
	Path                string           `json:"path"`
	PathWithNamespace   string           `json:"path_with_namespace"`
	Namespace           ProjectNamespace `json:"namespace"`
	RunnersToken        *string          `json:"runners_token"`
	RunnersTokenVisible bool             `json:"-"`
	ProjectRunnerSettings

	keys map[string]bool // the keys of the answer
}

// Has reports whether GET /projects/:id showed key: GitLab shows some
// settings only to the project's Maintainers (and administrators), and a
// server too old for a setting leaves it out.
func (p *Project) Has(key string) bool { return p.keys[key] }

// ProjectRunnerSettings are the runner settings of a project, as GET
// /projects/:id shows them and PUT /projects/:id takes them (a nil field is
// not sent). GitLab shows group_runners_enabled only to those who may change
// it (admin_project: Maintainers and above).
type ProjectRunnerSettings struct {
	SharedRunnersEnabled *bool `json:"shared_runners_enabled,omitempty"`
	GroupRunnersEnabled  *bool `json:"group_runners_enabled,omitempty"`
}

// ProjectNamespace is the namespace block of a project.
type ProjectNamespace struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	FullPath string `json:"full_path"`
	ParentID *int64 `json:"parent_id"`
}

// Version is the answer of GET /version.
type Version struct {
	Version    string `json:"version"`
	Revision   string `json:"revision"`
	Enterprise bool   `json:"enterprise"`
}

// Scopes of access tokens that matter to runners.
const (
	ScopeAPI          = "api"
	ScopeReadAPI      = "read_api"
	ScopeCreateRunner = "create_runner"
	ScopeManageRunner = "manage_runner"
)

// AccessToken is the answer of GET /personal_access_tokens/self (GitLab
// 15.5+): the personal, group or project access token the client uses.
type AccessToken struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	UserID  int64    `json:"user_id"`
	Scopes  []string `json:"scopes"`
	Active  bool     `json:"active"`
	Revoked bool     `json:"revoked"`
	// ExpiresAt is the day the token expires (GitLab sends a date:
	// "2026-01-31", which reads as 00:00 UTC), nil when it does not.
	ExpiresAt *time.Time `json:"-"`
}

// HasAnyScope reports whether the token has one of scopes.
func (t *AccessToken) HasAnyScope(scopes ...string) bool {
	for _, have := range t.Scopes {
		for _, want := range scopes {
			if have == want {
				return true
			}
		}
	}
	return false
}

// User is the part of GET /user the provider uses.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Bot      bool   `json:"bot"`
	IsAdmin  bool   `json:"is_admin"`
}

// TokenCheck is what CheckToken learnt about the client's token.
type TokenCheck struct {
	// Endpoint is the request that answered: "GET /personal_access_tokens/self",
	// or "GET /user" when GitLab could not describe the token.
	Endpoint string
	// Token describes the token; nil when GET /user answered instead, so
	// its scopes and expiry are unknown.
	Token *AccessToken
}
