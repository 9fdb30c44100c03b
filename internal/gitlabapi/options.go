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
	var nulls []string
	if o.ClearMaximumTimeout {
		nulls = append(nulls, "maximum_timeout")
	}
	return withNulls(attrs, nulls)
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

// UpdateApplicationSettingsOptions is the body of PUT /application/settings:
// the settings set in ApplicationSettings (a nil one is left as it is), and
// the settings named in Null sent as an explicit null (an interval: no
// expiry). A ValidRunnerRegistrars holding a nil list is sent as [] (nobody
// but administrators may create runners).
type UpdateApplicationSettingsOptions struct {
	ApplicationSettings
	Null []string
}

// MarshalJSON sends the settings that are set and the nulls, with sorted keys.
func (o UpdateApplicationSettingsOptions) MarshalJSON() ([]byte, error) {
	s := o.ApplicationSettings
	if s.ValidRunnerRegistrars != nil && *s.ValidRunnerRegistrars == nil {
		s.ValidRunnerRegistrars = &[]string{}
	}
	return withNulls(s, o.Null)
}

// withNulls is v as a JSON object (its set fields), plus an explicit null
// for each name in nulls.
func withNulls(v any, nulls []string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, name := range nulls {
		m[name] = json.RawMessage("null")
	}
	return json.Marshal(m)
}
