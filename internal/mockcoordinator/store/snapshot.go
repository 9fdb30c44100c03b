package store

import (
	"encoding/json"
	"fmt"
	"sort"
)

// snapshot is the persisted form of the whole store (the clock is not part of it).
type snapshot struct {
	Format   int      `json:"format"`
	Version  string   `json:"version"`
	Settings Settings `json:"settings"`
	// InstanceSwitchSet: the instance registration switch was set explicitly.
	InstanceSwitchSet bool             `json:"instance_switch_set,omitempty"`
	Users             []*userRecord    `json:"users"`
	Tokens            []*tokenRecord   `json:"tokens"`
	Groups            []*groupRecord   `json:"groups"`
	Projects          []*projectRecord `json:"projects"`
	Runners           []*RunnerRecord  `json:"runners"`
	NextUserID        int64            `json:"next_user_id"`
	NextGroupID       int64            `json:"next_group_id"`
	NextProjectID     int64            `json:"next_project_id"`
	NextRunnerID      int64            `json:"next_runner_id"`
	NextManagerID     int64            `json:"next_manager_id"`
	Seed              *Seed            `json:"seed,omitempty"`
	SeedSpec          *SeedSpec        `json:"seed_spec,omitempty"`

	// Runner controllers with their scopes and tokens; the licence switch.
	RunnerControllers           []*runnerControllerRecord `json:"runner_controllers,omitempty"`
	RunnerControllersUnlicensed bool                      `json:"runner_controllers_unlicensed,omitempty"`
}

const snapshotFormat = 1

// Snapshot serialises the whole store (including secrets: tokens) as JSON.
func (st *Store) Snapshot() ([]byte, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	s := snapshot{
		Format: snapshotFormat, Version: st.version.Raw, Settings: st.settings.clone(),
		NextUserID: st.nextUserID, NextGroupID: st.nextGroupID, NextProjectID: st.nextProjectID,
		NextRunnerID: st.nextRunnerID, NextManagerID: st.nextManagerID,
		InstanceSwitchSet: st.instanceSwitchSet,
		RunnerControllers: st.sortedControllersLocked(), RunnerControllersUnlicensed: st.runnerControllersUnlicensed,
	}
	for _, u := range st.users {
		s.Users = append(s.Users, u)
	}
	sort.Slice(s.Users, func(i, j int) bool { return s.Users[i].ID < s.Users[j].ID })
	s.Tokens = st.sortedTokensLocked()
	for _, g := range st.groups {
		s.Groups = append(s.Groups, g)
	}
	sort.Slice(s.Groups, func(i, j int) bool { return s.Groups[i].ID < s.Groups[j].ID })
	for _, p := range st.projects {
		s.Projects = append(s.Projects, p)
	}
	sort.Slice(s.Projects, func(i, j int) bool { return s.Projects[i].ID < s.Projects[j].ID })
	for _, id := range st.runnerOrder {
		s.Runners = append(s.Runners, st.runners[id])
	}
	if st.seeded {
		seed := st.seed
		s.Seed = &seed
	}
	s.SeedSpec = st.seedSpec
	return json.MarshalIndent(s, "", " ")
}

// Restore replaces the store's content with a Snapshot. The clock is kept.
func (st *Store) Restore(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("mock coordinator state: not valid JSON: %w", err)
	}
	if s.Format != snapshotFormat {
		return fmt.Errorf("mock coordinator state: format %d, want %d", s.Format, snapshotFormat)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.resetLocked()
	st.version = ParseVersion(s.Version)
	st.settings = s.Settings
	st.instanceSwitchSet = s.InstanceSwitchSet
	if st.settings.ValidRunnerRegistrars == nil {
		st.settings.ValidRunnerRegistrars = []string{}
	}
	for _, u := range s.Users {
		st.users[u.ID] = u
	}
	for _, t := range s.Tokens {
		st.tokens[t.Token] = t
	}
	for _, g := range s.Groups {
		if g.Members == nil {
			g.Members = map[int64]Role{}
		}
		st.groups[g.ID] = g
	}
	for _, p := range s.Projects {
		if p.Members == nil {
			p.Members = map[int64]Role{}
		}
		st.projects[p.ID] = p
	}
	for _, r := range s.Runners {
		r.normalize()
		st.runners[r.ID] = r
		st.indexRunner(r)
	}
	for _, c := range s.RunnerControllers {
		st.controllers[c.ID] = c
	}
	st.runnerControllersUnlicensed = s.RunnerControllersUnlicensed
	st.nextUserID, st.nextGroupID, st.nextProjectID = s.NextUserID, s.NextGroupID, s.NextProjectID
	st.nextRunnerID, st.nextManagerID = s.NextRunnerID, s.NextManagerID
	st.fixNextIDsLocked()
	if s.Seed != nil {
		st.seed, st.seeded = *s.Seed, true
	}
	st.seedSpec = s.SeedSpec
	return nil
}

// fixNextIDsLocked keeps id counters above every stored id (a hand-edited or
// older state file must not make new objects collide with restored ones).
func (st *Store) fixNextIDsLocked() {
	bump := func(next *int64, id int64) {
		if *next <= id {
			*next = id + 1
		}
	}
	for id := range st.users {
		bump(&st.nextUserID, id)
	}
	for id := range st.groups {
		bump(&st.nextGroupID, id)
	}
	for id := range st.projects {
		bump(&st.nextProjectID, id)
	}
	for _, t := range st.tokens {
		bump(&st.nextTokenID, t.ID)
	}
	// Tokens of a state file written before tokens had ids get one.
	for _, t := range st.sortedTokensLocked() {
		if t.ID == 0 {
			t.ID = st.nextTokenID
			st.nextTokenID++
		}
	}
	for id, c := range st.controllers {
		bump(&st.nextControllerID, id)
		for _, t := range c.Tokens {
			bump(&st.nextControllerTokenID, t.ID)
		}
	}
	for id, r := range st.runners {
		bump(&st.nextRunnerID, id)
		for _, m := range r.Managers {
			bump(&st.nextManagerID, m.ID)
		}
	}
}
