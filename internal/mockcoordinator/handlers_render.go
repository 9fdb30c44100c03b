package mockcoordinator

import (
	"time"
)

// runnerJSON is a list item of the runner list endpoints.
type runnerJSON struct {
	ID          int64   `json:"id"`
	Description string  `json:"description"`
	IPAddress   *string `json:"ip_address"`
	Active      bool    `json:"active"`
	Paused      bool    `json:"paused"`
	IsShared    bool    `json:"is_shared"`
	RunnerType  string  `json:"runner_type"`
	Name        *string `json:"name"`
	Online      bool    `json:"online"`
	Status      string  `json:"status"`
}

type runnerProjectJSON struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	NameWithNamespace string `json:"name_with_namespace"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
}

type runnerGroupJSON struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	WebURL string `json:"web_url"`
}

// runnerDetailsJSON is GET/PUT /runners/:id. The token is never part of it.
type runnerDetailsJSON struct {
	runnerJSON
	TagList         []string            `json:"tag_list"`
	RunUntagged     bool                `json:"run_untagged"`
	Locked          bool                `json:"locked"`
	MaximumTimeout  *int64              `json:"maximum_timeout"`
	AccessLevel     string              `json:"access_level"`
	MaintenanceNote *string             `json:"maintenance_note"`
	ContactedAt     *string             `json:"contacted_at"`
	CreatedAt       *string             `json:"created_at"`
	Version         *string             `json:"version"`
	Revision        *string             `json:"revision"`
	Platform        *string             `json:"platform"`
	Architecture    *string             `json:"architecture"`
	Projects        []runnerProjectJSON `json:"projects"`
	Groups          []runnerGroupJSON   `json:"groups"`
}

type managerJSON struct {
	ID           int64   `json:"id"`
	SystemID     string  `json:"system_id"`
	Version      *string `json:"version"`
	Revision     *string `json:"revision"`
	Platform     *string `json:"platform"`
	Architecture *string `json:"architecture"`
	CreatedAt    string  `json:"created_at"`
	ContactedAt  *string `json:"contacted_at"`
	IPAddress    *string `json:"ip_address"`
	Status       string  `json:"status"`
}

// tokenJSON answers runner creation, registration and verification.
type tokenJSON struct {
	ID             int64   `json:"id"`
	Token          string  `json:"token"`
	TokenExpiresAt *string `json:"token_expires_at"`
}

// resetTokenJSON answers token resets.
type resetTokenJSON struct {
	Token          string  `json:"token"`
	TokenExpiresAt *string `json:"token_expires_at"`
}

func renderRunner(r *RunnerRecord, now time.Time) runnerJSON {
	status := r.status(now)
	return runnerJSON{
		ID: r.ID, Description: r.Description, IPAddress: strOrNull(r.IPAddress),
		Active: !r.Paused, Paused: r.Paused, IsShared: r.RunnerType == RunnerTypeInstance,
		RunnerType: r.RunnerType, Name: strOrNull(r.Name), Online: status == "online", Status: status,
	}
}

// renderRunnerDetails needs st.mu held (reads groups and projects).
func (st *Store) renderRunnerDetails(r *RunnerRecord, now time.Time, base string) runnerDetailsJSON {
	d := runnerDetailsJSON{
		runnerJSON:      renderRunner(r, now),
		TagList:         append([]string{}, r.TagList...),
		RunUntagged:     r.RunUntagged,
		Locked:          r.Locked,
		MaximumTimeout:  clonePtr(r.MaximumTimeout),
		AccessLevel:     r.AccessLevel,
		MaintenanceNote: strOrNull(r.MaintenanceNote),
		ContactedAt:     formatTimePtr(r.ContactedAt),
		CreatedAt:       formatTimePtr(&r.CreatedAt),
		Version:         strOrNull(r.Version),
		Revision:        strOrNull(r.Revision),
		Platform:        strOrNull(r.Platform),
		Architecture:    strOrNull(r.Architecture),
		Projects:        []runnerProjectJSON{},
		Groups:          []runnerGroupJSON{},
	}
	if m := r.latestManager(); m != nil {
		d.Version, d.Revision = strOrNull(m.Version), strOrNull(m.Revision)
		d.Platform, d.Architecture = strOrNull(m.Platform), strOrNull(m.Architecture)
	}
	for _, pid := range r.ProjectIDs {
		if p := st.projects[pid]; p != nil {
			d.Projects = append(d.Projects, runnerProjectJSON{ID: p.ID, Name: p.Name, Path: p.Path,
				NameWithNamespace: st.projectFullName(p), PathWithNamespace: st.projectFullPath(p)})
		}
	}
	if r.RunnerType == RunnerTypeGroup {
		if g := st.groups[r.GroupID]; g != nil {
			d.Groups = append(d.Groups, runnerGroupJSON{ID: g.ID, Name: g.Name, WebURL: base + "/groups/" + st.groupFullPath(g)})
		}
	}
	return d
}

func renderManager(m *ManagerRecord, now time.Time) managerJSON {
	contacted := m.ContactedAt
	var cp *time.Time
	if !contacted.IsZero() {
		cp = &contacted
	}
	return managerJSON{
		ID: m.ID, SystemID: m.SystemID, Version: strOrNull(m.Version), Revision: strOrNull(m.Revision),
		Platform: strOrNull(m.Platform), Architecture: strOrNull(m.Architecture),
		CreatedAt: formatTime(m.CreatedAt), ContactedAt: formatTimePtr(cp), IPAddress: strOrNull(m.IPAddress),
		Status: runnerStatus(m.CreatedAt, cp, now),
	}
}

func renderToken(r *RunnerRecord) tokenJSON {
	return tokenJSON{ID: r.ID, Token: r.Token, TokenExpiresAt: formatTimePtr(r.TokenExpiresAt)}
}
