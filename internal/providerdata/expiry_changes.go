package providerdata

import "sync"

// ExpiryChanges follows, in one provider process (the apply of one
// configuration), the changes of the instance's runner token expiration
// intervals and the runners created beside them. GitLab gives a new token
// the interval that applies when the runner is created, and Terraform orders
// resources only by references: without a depends_on, a runner created
// before (or while) its interval changes in the same apply gets a token
// under the previous interval, for instance one that never expires. The
// provider cannot order them, but each side tells which happened last, so
// that every such runner is named once: the settings change names the runners
// created before it finished, a runner the changes that finished during its
// create.
type ExpiryChanges struct {
	mu      sync.Mutex
	seq     int64           // orders the events below
	changes []expiryChange  // finished changes of intervals
	created []CreatedRunner // finished creates
}

type expiryChange struct {
	runnerTypes map[string]bool // the runner types whose interval changed
	done        int64
}

// CreatedRunner is a runner created in this process.
type CreatedRunner struct {
	ID         int64
	RunnerType string // instance_type, group_type or project_type
	started    int64
}

// ExpiryChanges is this configured provider's record.
func (d *Data) ExpiryChanges() *ExpiryChanges {
	e, _ := d.Shared("token expiry changes", func() any { return &ExpiryChanges{} }).(*ExpiryChanges)
	return e
}

// CreateStarted marks the start of a runner's create; RunnerCreated takes
// the mark.
func (e *ExpiryChanges) CreateStarted() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	return e.seq
}

// RunnerCreated records a runner created since started and reports whether
// an interval that applies to it changed (finished changing) meanwhile: its
// token may then have either interval.
func (e *ExpiryChanges) RunnerCreated(id int64, runnerType string, started int64) (changedMeanwhile bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	e.created = append(e.created, CreatedRunner{ID: id, RunnerType: runnerType, started: started})
	for _, c := range e.changes {
		if c.done > started && c.runnerTypes[runnerType] {
			return true
		}
	}
	return false
}

// IntervalsChanged records that the intervals of runnerTypes have just
// changed, and returns the runners of those types created in this process
// before: their tokens carry the previous interval (those still being
// created learn of it from RunnerCreated).
func (e *ExpiryChanges) IntervalsChanged(runnerTypes []string) []CreatedRunner {
	if len(runnerTypes) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	c := expiryChange{runnerTypes: map[string]bool{}, done: e.seq}
	for _, t := range runnerTypes {
		c.runnerTypes[t] = true
	}
	e.changes = append(e.changes, c)
	var before []CreatedRunner
	for _, r := range e.created {
		if c.runnerTypes[r.RunnerType] {
			before = append(before, r)
		}
	}
	return before
}
