package gitlabapi

import (
	"encoding/json"
	"time"
)

// CreateUserRunnerOptions are the parameters of POST /user/runners: where
// the runner lives and its attributes (a nil attribute is not sent, so GitLab
// applies its default).
type CreateUserRunnerOptions struct {
	RunnerType string `json:"runner_type"`
	GroupID    *int64 `json:"group_id,omitempty"`
	ProjectID  *int64 `json:"project_id,omitempty"`
	RunnerAttributes
	// TokenExpiresAt is the first token's expiry (GitLab EE 18.10+; older
	// servers and CE drop it without a word).
	TokenExpiresAt *time.Time `json:"token_expires_at,omitempty"`
	// TokenRotationDeadline is when GitLab stops accepting the first token's
	// rotation (GitLab EE 18.10+, with TokenExpiresAt; older servers and CE
	// drop it without a word).
	TokenRotationDeadline *time.Time `json:"token_rotation_deadline,omitempty"`
}

// UpdateRunnerOptions are the parameters of PUT /runners/:id. A nil
// attribute is left as it is; a non-nil TagList is sent as a list even when
// it holds no tags (an empty list clears them; GitLab would refuse null).
// ClearMaximumTimeout sends "maximum_timeout": null (no limit) and wins over
// MaximumTimeout.
type UpdateRunnerOptions struct {
	RunnerAttributes
	ClearMaximumTimeout bool
}

// MarshalJSON sends the attributes that are set, with sorted keys, plus an
// explicit null for ClearMaximumTimeout.
func (o UpdateRunnerOptions) MarshalJSON() ([]byte, error) {
	attrs := o.RunnerAttributes
	if attrs.TagList != nil && *attrs.TagList == nil {
		attrs.TagList = &[]string{}
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if o.ClearMaximumTimeout {
		m["maximum_timeout"] = json.RawMessage("null")
	}
	return json.Marshal(m)
}

// RunnerScopeKind selects which runner list endpoint ListRunners uses.
type RunnerScopeKind string

// Runner list scopes.
const (
	RunnerScopeAll     RunnerScopeKind = "all"     // GET /runners/all (administrators)
	RunnerScopeOwned   RunnerScopeKind = "owned"   // GET /runners (runners the caller can manage)
	RunnerScopeGroup   RunnerScopeKind = "group"   // GET /groups/:id/runners
	RunnerScopeProject RunnerScopeKind = "project" // GET /projects/:id/runners
)

// ListRunnersOptions are the filters of the runner list endpoints.
// Empty values are not sent. PerPage 0 means 100 (GitLab's maximum).
type ListRunnersOptions struct {
	Scope         RunnerScopeKind // "" means RunnerScopeOwned
	ScopeID       int64           // group or project id for those scopes
	Type          string
	Status        string
	Paused        *bool
	TagList       []string
	VersionPrefix string
	PerPage       int
}

// UpdateApplicationSettingsOptions are the runner settings of
// PUT /application/settings. A nil field is not sent (left as it is); a
// Clear… flag sends the interval as null (no expiry) and wins over its value.
type UpdateApplicationSettingsOptions struct {
	AllowRunnerRegistrationToken         *bool     `json:"allow_runner_registration_token,omitempty"`
	ValidRunnerRegistrars                *[]string `json:"valid_runner_registrars,omitempty"`
	RunnerTokenExpirationInterval        *int64    `json:"runner_token_expiration_interval,omitempty"`
	GroupRunnerTokenExpirationInterval   *int64    `json:"group_runner_token_expiration_interval,omitempty"`
	ProjectRunnerTokenExpirationInterval *int64    `json:"project_runner_token_expiration_interval,omitempty"`

	ClearRunnerTokenExpirationInterval        bool `json:"-"`
	ClearGroupRunnerTokenExpirationInterval   bool `json:"-"`
	ClearProjectRunnerTokenExpirationInterval bool `json:"-"`
}

// MarshalJSON sends the settings that are set, with sorted keys, and an
// explicit null for each Clear… flag; an empty ValidRunnerRegistrars is sent
// as [] (nobody but administrators may create runners).
func (o UpdateApplicationSettingsOptions) MarshalJSON() ([]byte, error) {
	type plain UpdateApplicationSettingsOptions
	if o.ValidRunnerRegistrars != nil && *o.ValidRunnerRegistrars == nil {
		o.ValidRunnerRegistrars = &[]string{}
	}
	b, err := json.Marshal(plain(o))
	if err != nil {
		return nil, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for key, null := range map[string]bool{
		"runner_token_expiration_interval":         o.ClearRunnerTokenExpirationInterval,
		"group_runner_token_expiration_interval":   o.ClearGroupRunnerTokenExpirationInterval,
		"project_runner_token_expiration_interval": o.ClearProjectRunnerTokenExpirationInterval,
	} {
		if null {
			m[key] = json.RawMessage("null")
		}
	}
	return json.Marshal(m)
}

// UpdateGroupOptions are the parameters of PUT /groups/:id the provider
// sends: of the runner settings GitLab offers only shared_runners_setting
// there (the registration-token switch has no API).
type UpdateGroupOptions struct {
	SharedRunnersSetting *string `json:"shared_runners_setting,omitempty"`
}
