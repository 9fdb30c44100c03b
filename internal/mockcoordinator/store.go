package mockcoordinator

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

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

// StoreOptions configures NewStore.
type StoreOptions struct {
	Version string // default DefaultVersion ("18.6.0-ee")
	Clock   Clock  // default: the real clock (UTC)
}

// Settings are the instance (application) settings the runner workflow uses.
type Settings struct {
	// AllowRunnerRegistrationToken is the instance switch (16.11+); ignored
	// before 16.11 where registration tokens always work.
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
}

func (r *RunnerRecord) clone() RunnerRecord {
	c := *r
	c.ProjectIDs = append([]int64(nil), r.ProjectIDs...)
	c.RunnerAttributes = r.RunnerAttributes.clone()
	c.TokenExpiresAt = clonePtr(r.TokenExpiresAt)
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

type tokenRecord struct {
	Token  string   `json:"token"`
	UserID int64    `json:"user_id"`
	Scopes []string `json:"scopes"`
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
	AllowRegistrationSet bool           `json:"allow_runner_registration_token_set,omitempty"`
	Members              map[int64]Role `json:"members,omitempty"`
	CreatedAt            time.Time      `json:"created_at"`
}

type projectRecord struct {
	ID                int64          `json:"id"`
	Name              string         `json:"name"`
	Path              string         `json:"path"`
	GroupID           int64          `json:"group_id"`
	RegistrationToken string         `json:"registration_token"`
	Members           map[int64]Role `json:"members,omitempty"`
	CreatedAt         time.Time      `json:"created_at"`
}

// Store is the in-memory GitLab. All methods are safe for concurrent use.
type Store struct {
	mu      sync.RWMutex
	clock   Clock
	version Version

	settings Settings
	// instanceSwitchSet: allow_runner_registration_token was set explicitly
	// (PUT /application/settings or UpdateSettings), so SetVersion keeps it.
	instanceSwitchSet bool
	users             map[int64]*userRecord
	tokens            map[string]*tokenRecord
	groups            map[int64]*groupRecord
	projects          map[int64]*projectRecord
	runners           map[int64]*RunnerRecord

	// Indices, kept in ascending id order, so list pages need no sorting.
	runnerOrder    []int64
	runnersByType  map[string][]int64
	runnersByGroup map[int64][]int64
	runnersByProj  map[int64][]int64
	runnerByToken  map[string]int64

	nextUserID, nextGroupID, nextProjectID, nextRunnerID, nextManagerID int64

	seed   Seed
	seeded bool
}

// NewStore returns an empty store (no users, groups or runners; call
// SeedDefaults for the standard fixture).
func NewStore(opts StoreOptions) *Store {
	st := &Store{clock: opts.Clock}
	if st.clock == nil {
		st.clock = realClock{}
	}
	st.resetLocked()
	st.version = ParseVersion(opts.Version)
	st.settings.AllowRunnerRegistrationToken = st.version.RegistrationDefault()
	return st
}

func (st *Store) resetLocked() {
	st.settings = Settings{
		ValidRunnerRegistrars: []string{"group", "project"},
		RegistrationToken:     instanceRegistrationToken(),
	}
	st.users = map[int64]*userRecord{}
	st.tokens = map[string]*tokenRecord{}
	st.groups = map[int64]*groupRecord{}
	st.projects = map[int64]*projectRecord{}
	st.runners = map[int64]*RunnerRecord{}
	st.runnerOrder = nil
	st.runnersByType = map[string][]int64{}
	st.runnersByGroup = map[int64][]int64{}
	st.runnersByProj = map[int64][]int64{}
	st.runnerByToken = map[string]int64{}
	st.nextUserID, st.nextGroupID, st.nextProjectID, st.nextRunnerID, st.nextManagerID = 1, 1, 1, 1, 1
	st.seed, st.seeded = Seed{}, false
	st.instanceSwitchSet = false
}

func (st *Store) now() time.Time { return st.clock.Now().UTC() }

// Now is the store's current time (UTC).
func (st *Store) Now() time.Time { return st.now() }

// Clock returns the store's clock.
func (st *Store) Clock() Clock { return st.clock }

// Version returns the emulated GitLab version.
func (st *Store) Version() Version {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.version
}

// SetVersion switches the emulated GitLab version. Registration-token
// switches (instance and top-level groups) that were never set explicitly
// follow the new version's default (on before 17.0, off from 17.0); switches
// set explicitly (PUT /application/settings, UpdateSettings,
// SetGroupAllowRegistrationTokens) keep their value.
func (st *Store) SetVersion(v string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.version = ParseVersion(v)
	def := st.version.RegistrationDefault()
	if !st.instanceSwitchSet {
		st.settings.AllowRunnerRegistrationToken = def
	}
	for _, g := range st.groups {
		if g.ParentID == 0 && !g.AllowRegistrationSet {
			g.AllowRegistration = def
		}
	}
}

// Settings returns a copy of the instance settings.
func (st *Store) Settings() Settings {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.settings.clone()
}

// UpdateSettings edits the instance settings out of band.
// A changed allow_runner_registration_token counts as set explicitly.
func (st *Store) UpdateSettings(fn func(*Settings)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	before := st.settings.AllowRunnerRegistrationToken
	fn(&st.settings)
	if st.settings.AllowRunnerRegistrationToken != before {
		st.instanceSwitchSet = true
	}
}

// SetGroupAllowRegistrationTokens flips a top-level group's "allow runner
// registration tokens" switch (not exposed by GitLab's API).
func (st *Store) SetGroupAllowRegistrationTokens(groupID int64, allowed bool) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.groups[groupID]
	if !ok {
		return fmt.Errorf("group %d not found", groupID)
	}
	if g.ParentID != 0 {
		return fmt.Errorf("group %d is not a top-level group: the switch exists on top-level groups only", groupID)
	}
	g.AllowRegistration, g.AllowRegistrationSet = allowed, true
	return nil
}

// CreateUser adds a user and returns its id.
func (st *Store) CreateUser(username string, admin bool) int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	id := st.nextUserID
	st.nextUserID++
	st.users[id] = &userRecord{ID: id, Username: username, Admin: admin}
	return id
}

// CreatePersonalAccessToken mints a glpat- token for the user with the given
// scopes (default "api").
func (st *Store) CreatePersonalAccessToken(userID int64, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{ScopeAPI}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	tok := personalAccessToken()
	st.tokens[tok] = &tokenRecord{Token: tok, UserID: userID, Scopes: append([]string(nil), scopes...)}
	return tok
}

// CreateGroup adds a group (parentID 0 = top-level) and returns its id. The
// group gets a GR1348941 registration token; a top-level group's
// registration switch starts at the version's default.
func (st *Store) CreateGroup(path string, parentID int64) int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	id := st.nextGroupID
	st.nextGroupID++
	st.groups[id] = &groupRecord{
		ID: id, Name: path, Path: path, ParentID: parentID,
		RegistrationToken: groupRegistrationToken(),
		AllowRegistration: parentID == 0 && st.version.RegistrationDefault(),
		Members:           map[int64]Role{},
		CreatedAt:         st.now(),
	}
	return id
}

// CreateProject adds a project in a group and returns its id.
func (st *Store) CreateProject(path string, groupID int64) int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	id := st.nextProjectID
	st.nextProjectID++
	st.projects[id] = &projectRecord{
		ID: id, Name: path, Path: path, GroupID: groupID,
		RegistrationToken: groupRegistrationToken(),
		Members:           map[int64]Role{},
		CreatedAt:         st.now(),
	}
	return id
}

// AddGroupMember gives a user a role in a group (inherited by subgroups and projects).
func (st *Store) AddGroupMember(groupID, userID int64, role Role) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if g, ok := st.groups[groupID]; ok {
		g.Members[userID] = role
	}
}

// AddProjectMember gives a user a role in a project.
func (st *Store) AddProjectMember(projectID, userID int64, role Role) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if p, ok := st.projects[projectID]; ok {
		p.Members[userID] = role
	}
}

// ---- membership and permission helpers (callers hold st.mu) ----

func (st *Store) groupFullPath(g *groupRecord) string {
	parts := []string{g.Path}
	for p := st.groups[g.ParentID]; p != nil; p = st.groups[p.ParentID] {
		parts = append(parts, p.Path)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

func (st *Store) groupFullName(g *groupRecord) string {
	parts := []string{g.Name}
	for p := st.groups[g.ParentID]; p != nil; p = st.groups[p.ParentID] {
		parts = append(parts, p.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " / ")
}

func (st *Store) projectFullPath(p *projectRecord) string {
	if g := st.groups[p.GroupID]; g != nil {
		return st.groupFullPath(g) + "/" + p.Path
	}
	return p.Path
}

func (st *Store) projectFullName(p *projectRecord) string {
	if g := st.groups[p.GroupID]; g != nil {
		return st.groupFullName(g) + " / " + p.Name
	}
	return p.Name
}

func (st *Store) rootGroup(g *groupRecord) *groupRecord {
	for g != nil && g.ParentID != 0 {
		parent := st.groups[g.ParentID]
		if parent == nil {
			break
		}
		g = parent
	}
	return g
}

// groupRole is the user's effective role in a group: the highest of its
// direct membership and its memberships of ancestor groups; 0 when none.
func (st *Store) groupRole(userID, groupID int64) Role {
	var best Role
	for g := st.groups[groupID]; g != nil; g = st.groups[g.ParentID] {
		if r := g.Members[userID]; r > best {
			best = r
		}
		if g.ParentID == 0 {
			break
		}
	}
	return best
}

// projectRole is the user's effective role in a project (direct or through
// the project's group and its ancestors).
func (st *Store) projectRole(userID, projectID int64) Role {
	p := st.projects[projectID]
	if p == nil {
		return 0
	}
	best := p.Members[userID]
	if r := st.groupRole(userID, p.GroupID); r > best {
		best = r
	}
	return best
}

// groupAndAncestors returns the group ids from g up to its root.
func (st *Store) groupAndAncestors(groupID int64) []int64 {
	var ids []int64
	for g := st.groups[groupID]; g != nil; g = st.groups[g.ParentID] {
		ids = append(ids, g.ID)
		if g.ParentID == 0 {
			break
		}
	}
	return ids
}

// canManageRunner: instance runners need an admin; group runners an Owner of
// the runner's group; project runners a Maintainer+ of one of its projects.
func (st *Store) canManageRunner(u *userRecord, r *RunnerRecord) bool {
	if u.Admin {
		return true
	}
	switch r.RunnerType {
	case RunnerTypeGroup:
		return st.groupRole(u.ID, r.GroupID) >= Owner
	case RunnerTypeProject:
		for _, pid := range r.ProjectIDs {
			if st.projectRole(u.ID, pid) >= Maintainer {
				return true
			}
		}
	}
	return false
}

// registrationAllowedForGroup: registration tokens allowed for a group (and
// its projects): instance setting on and the top-level group's switch on.
func (st *Store) registrationAllowedForGroup(groupID int64) bool {
	v := st.version
	if v.LegacyRegistrationRemoved() {
		return false
	}
	if !v.HasRegistrationSwitch() {
		return true
	}
	if !st.settings.AllowRunnerRegistrationToken {
		return false
	}
	root := st.rootGroup(st.groups[groupID])
	return root != nil && root.AllowRegistration
}

func (st *Store) registrationAllowedForInstance() bool {
	v := st.version
	if v.LegacyRegistrationRemoved() {
		return false
	}
	return !v.HasRegistrationSwitch() || st.settings.AllowRunnerRegistrationToken
}

// expirationInterval returns the token lifetime for a runner type, or nil.
func (st *Store) expirationInterval(runnerType string) *int64 {
	switch runnerType {
	case RunnerTypeGroup:
		return st.settings.GroupRunnerTokenExpirationInterval
	case RunnerTypeProject:
		return st.settings.ProjectRunnerTokenExpirationInterval
	default:
		return st.settings.RunnerTokenExpirationInterval
	}
}

func (st *Store) tokenExpiry(runnerType string, from time.Time) *time.Time {
	iv := st.expirationInterval(runnerType)
	if iv == nil || *iv <= 0 {
		return nil
	}
	t := from.Add(time.Duration(*iv) * time.Second)
	return &t
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// sortedInsert inserts id into an ascending slice.
func sortedInsert(s []int64, id int64) []int64 {
	if n := len(s); n == 0 || s[n-1] < id {
		return append(s, id) // the common case: ids grow
	}
	i := sort.Search(len(s), func(i int) bool { return s[i] >= id })
	if i < len(s) && s[i] == id {
		return s
	}
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = id
	return s
}

// sortedRemove removes id from an ascending slice.
func sortedRemove(s []int64, id int64) []int64 {
	i := sort.Search(len(s), func(i int) bool { return s[i] >= id })
	if i < len(s) && s[i] == id {
		return append(s[:i], s[i+1:]...)
	}
	return s
}
