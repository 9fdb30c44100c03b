package store

import (
	"fmt"
	"sort"
	"time"
)

// ---- index maintenance (callers hold st.mu for writing) ----

func (st *Store) indexRunner(r *RunnerRecord) {
	st.runnerOrder = sortedInsert(st.runnerOrder, r.ID)
	st.runnersByType[r.RunnerType] = sortedInsert(st.runnersByType[r.RunnerType], r.ID)
	if r.RunnerType == RunnerTypeGroup {
		st.runnersByGroup[r.GroupID] = sortedInsert(st.runnersByGroup[r.GroupID], r.ID)
	}
	if r.RunnerType == RunnerTypeProject {
		for _, pid := range r.ProjectIDs {
			st.runnersByProj[pid] = sortedInsert(st.runnersByProj[pid], r.ID)
		}
	}
	if r.Token != "" {
		st.runnerByToken[r.Token] = r.ID
	}
}

func (st *Store) unindexRunner(r *RunnerRecord) {
	st.runnerOrder = sortedRemove(st.runnerOrder, r.ID)
	st.runnersByType[r.RunnerType] = sortedRemove(st.runnersByType[r.RunnerType], r.ID)
	if r.RunnerType == RunnerTypeGroup {
		st.runnersByGroup[r.GroupID] = sortedRemove(st.runnersByGroup[r.GroupID], r.ID)
	}
	if r.RunnerType == RunnerTypeProject {
		for _, pid := range r.ProjectIDs {
			st.runnersByProj[pid] = sortedRemove(st.runnersByProj[pid], r.ID)
		}
	}
	if r.Token != "" && st.runnerByToken[r.Token] == r.ID {
		delete(st.runnerByToken, r.Token)
	}
}

// newRunnerRecord returns a runner of the type with GitLab's default attributes.
func newRunnerRecord(runnerType string) *RunnerRecord {
	return &RunnerRecord{RunnerType: runnerType, RunnerAttributes: defaultRunnerAttributes()}
}

// insertRunnerLocked assigns an id and creation time and stores r.
func (st *Store) insertRunnerLocked(r *RunnerRecord) {
	r.ID = st.nextRunnerID
	st.nextRunnerID++
	if r.CreatedAt.IsZero() {
		r.CreatedAt = st.now()
	}
	r.normalize()
	st.runners[r.ID] = r
	st.indexRunner(r)
}

func (st *Store) deleteRunnerLocked(id int64) bool {
	r, ok := st.runners[id]
	if !ok {
		return false
	}
	st.unindexRunner(r)
	delete(st.runners, id)
	st.dropRunnerScopesLocked(id)
	return true
}

// runnerByTokenLocked finds the runner owning an unexpired token.
func (st *Store) runnerByTokenLocked(token string, now time.Time) *RunnerRecord {
	if token == "" {
		return nil
	}
	id, ok := st.runnerByToken[token]
	if !ok {
		return nil
	}
	r := st.runners[id]
	if r == nil || r.tokenExpired(now) {
		return nil
	}
	return r
}

// rotateTokenLocked gives the runner a new token of the same family; the old
// one stops working at once.
func (st *Store) rotateTokenLocked(r *RunnerRecord, now time.Time) {
	delete(st.runnerByToken, r.Token)
	if r.Legacy {
		r.Token = legacyRunnerToken(st.version, r.RunnerType)
	} else {
		r.Token = authenticationToken(st.version, r.RunnerType)
	}
	r.TokenExpiresAt = st.tokenExpiry(r.RunnerType, now)
	r.TokenRotationDeadline = nil
	st.runnerByToken[r.Token] = r.ID
}

// recordContactLocked notes that a runner host talked to us: it updates the
// runner's contact time and IP and creates or refreshes the manager for
// systemID (none when systemID is empty: GitLab before runner managers).
func (st *Store) recordContactLocked(r *RunnerRecord, systemID, ip string, info *RunnerInfo, now time.Time) {
	t := now
	r.ContactedAt = &t
	if ip != "" {
		r.IPAddress = ip
	}
	if info != nil && info.Name != "" {
		r.Name = info.Name
	}
	if systemID == "" {
		if info != nil {
			r.Version, r.Revision, r.Platform, r.Architecture = pick(info.Version, r.Version), pick(info.Revision, r.Revision), pick(info.Platform, r.Platform), pick(info.Architecture, r.Architecture)
		}
		return
	}
	m := st.ensureManagerLocked(r, systemID, now)
	m.ContactedAt = now
	if ip != "" {
		m.IPAddress = ip
	}
	if info != nil {
		m.Name = pick(info.Name, m.Name)
		m.Version = pick(info.Version, m.Version)
		m.Revision = pick(info.Revision, m.Revision)
		m.Platform = pick(info.Platform, m.Platform)
		m.Architecture = pick(info.Architecture, m.Architecture)
	}
}

// ensureManagerLocked returns the runner's manager for systemID, created
// (never contacted) when it has none.
func (st *Store) ensureManagerLocked(r *RunnerRecord, systemID string, now time.Time) *ManagerRecord {
	for i := range r.Managers {
		if r.Managers[i].SystemID == systemID {
			return &r.Managers[i]
		}
	}
	r.Managers = append(r.Managers, ManagerRecord{ID: st.nextManagerID, SystemID: systemID, CreatedAt: now})
	st.nextManagerID++
	return &r.Managers[len(r.Managers)-1]
}

func pick(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// ---- test-facing API ----

// Runner returns a copy of the runner with the given id.
func (st *Store) Runner(id int64) (RunnerRecord, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	r, ok := st.runners[id]
	if !ok {
		return RunnerRecord{}, false
	}
	return r.clone(), true
}

// RunnerIDs returns all runner ids in ascending order.
func (st *Store) RunnerIDs() []int64 {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return append([]int64(nil), st.runnerOrder...)
}

// RunnerCount returns the number of runners.
func (st *Store) RunnerCount() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return len(st.runnerOrder)
}

// Managers returns copies of a runner's managers (nil for an unknown runner).
func (st *Store) Managers(runnerID int64) []ManagerRecord {
	st.mu.RLock()
	defer st.mu.RUnlock()
	r, ok := st.runners[runnerID]
	if !ok {
		return nil
	}
	return append([]ManagerRecord(nil), r.Managers...)
}

// UpdateRunner edits a runner out of band (drift tests). The id cannot change;
// indices (token, group, projects, type) follow the edit.
func (st *Store) UpdateRunner(id int64, fn func(*RunnerRecord)) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.runners[id]
	if !ok {
		return fmt.Errorf("%w: %d", ErrRunnerNotFound, id)
	}
	st.unindexRunner(r)
	fn(r)
	r.ID = id
	r.normalize()
	st.indexRunner(r)
	return nil
}

// DeleteRunner removes a runner out of band; false when it did not exist.
func (st *Store) DeleteRunner(id int64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.deleteRunnerLocked(id)
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
