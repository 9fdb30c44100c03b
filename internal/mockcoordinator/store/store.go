package store

import (
	"fmt"
	"sync"
	"time"
)

// Options configures NewStore.
type Options struct {
	Version string // default DefaultVersion ("18.6.0-ee")
	Clock   Clock  // default: the real clock (UTC)
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

	// Runner controllers (runner_controllers.go), by id; their token ids
	// are unique across controllers.
	controllers                             map[int64]*runnerControllerRecord
	nextControllerID, nextControllerTokenID int64
	runnerControllersUnlicensed             bool // the licence lacks ci_runner_controllers
	// nextTokenID is not persisted: Restore recomputes it from the tokens.
	nextTokenID int64

	seed   Seed
	seeded bool
	// seedSpec is the description ApplySeed applied (nil: standard fixture).
	seedSpec *SeedSpec
}

// NewStore returns an empty store (no users, groups or runners; call
// SeedDefaults for the standard fixture).
func NewStore(opts Options) *Store {
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
	st.nextTokenID = 1
	st.controllers = map[int64]*runnerControllerRecord{}
	st.nextControllerID, st.nextControllerTokenID = 1, 1
	st.runnerControllersUnlicensed = false
	st.seed, st.seeded, st.seedSpec = Seed{}, false, nil
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
	st.tokens[tok] = st.newTokenRecordLocked(tok, userID, scopes)
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
