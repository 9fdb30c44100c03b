package gitlabapi

import "encoding/json"

// CreateUserRunnerOptions are the parameters of POST /user/runners.
// A nil pointer means "not sent" (GitLab applies its default).
type CreateUserRunnerOptions struct {
	RunnerType      string    `json:"runner_type"`
	GroupID         *int64    `json:"group_id,omitempty"`
	ProjectID       *int64    `json:"project_id,omitempty"`
	Description     *string   `json:"description,omitempty"`
	MaintenanceNote *string   `json:"maintenance_note,omitempty"`
	Paused          *bool     `json:"paused,omitempty"`
	Locked          *bool     `json:"locked,omitempty"`
	RunUntagged     *bool     `json:"run_untagged,omitempty"`
	TagList         *[]string `json:"tag_list,omitempty"`
	AccessLevel     *string   `json:"access_level,omitempty"`
	MaximumTimeout  *int64    `json:"maximum_timeout,omitempty"`
}

// UpdateRunnerOptions are the parameters of PUT /runners/:id.
// A nil pointer means "leave unchanged". A non-nil pointer to an empty
// TagList clears the tags. ClearMaximumTimeout sends "maximum_timeout": null
// (no limit) and wins over MaximumTimeout.
type UpdateRunnerOptions struct {
	Description         *string
	Paused              *bool
	Locked              *bool
	RunUntagged         *bool
	TagList             *[]string
	AccessLevel         *string
	MaximumTimeout      *int64
	ClearMaximumTimeout bool
	MaintenanceNote     *string
}

// MarshalJSON sends only the attributes that are set, plus an explicit null
// for ClearMaximumTimeout.
func (o UpdateRunnerOptions) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if o.Description != nil {
		m["description"] = *o.Description
	}
	if o.Paused != nil {
		m["paused"] = *o.Paused
	}
	if o.Locked != nil {
		m["locked"] = *o.Locked
	}
	if o.RunUntagged != nil {
		m["run_untagged"] = *o.RunUntagged
	}
	if o.TagList != nil {
		tags := *o.TagList
		if tags == nil {
			tags = []string{} // never send null for "clear the tags"
		}
		m["tag_list"] = tags
	}
	if o.AccessLevel != nil {
		m["access_level"] = *o.AccessLevel
	}
	if o.ClearMaximumTimeout {
		m["maximum_timeout"] = nil
	} else if o.MaximumTimeout != nil {
		m["maximum_timeout"] = *o.MaximumTimeout
	}
	if o.MaintenanceNote != nil {
		m["maintenance_note"] = *o.MaintenanceNote
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
