package store

import (
	"slices"
	"strings"
	"time"
)

// RunnerList is the set of runners one list endpoint shows, with the
// caller's access to it checked; Page reads it.
type RunnerList struct {
	st *Store
	// lists returns the id-ordered indices whose union is the set (callers
	// hold st.mu); the type filter may pick a narrower index.
	lists func(f *RunnerFilter) [][]int64
}

// AllRunners is GET /runners/all: every runner (administrators only).
func (c *Caller) AllRunners() (RunnerList, error) {
	if !c.user.Admin {
		return RunnerList{}, forbidden("")
	}
	st := c.st
	return RunnerList{st: st, lists: func(f *RunnerFilter) [][]int64 {
		if f.Type != "" {
			return [][]int64{st.runnersByType[f.Type]}
		}
		return [][]int64{st.runnerOrder}
	}}, nil
}

// OwnedRunners is GET /runners: the runners the caller owns (group runners
// of groups they own, and their subgroups; project runners of projects they
// maintain). Like GitLab, administrators get no extra runners here.
func (c *Caller) OwnedRunners() RunnerList {
	st, uid := c.st, c.user.ID
	return RunnerList{st: st, lists: func(f *RunnerFilter) [][]int64 {
		var lists [][]int64
		if f.Type == "" || f.Type == RunnerTypeGroup {
			for gid, l := range st.runnersByGroup {
				if len(l) > 0 && st.groupRole(uid, gid) >= Owner {
					lists = append(lists, l)
				}
			}
		}
		if f.Type == "" || f.Type == RunnerTypeProject {
			for pid, l := range st.runnersByProj {
				if len(l) > 0 && st.projectRole(uid, pid) >= Maintainer {
					lists = append(lists, l)
				}
			}
		}
		return lists
	}}
}

// GroupRunners is GET /groups/:id/runners: the runners available to the
// group (its own and its ancestors' group runners, plus instance runners).
// Reading them needs a Maintainer of the group; non-members do not see the
// group at all.
func (c *Caller) GroupRunners(ref NamespaceID) (RunnerList, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	g := st.findGroupLocked(ref)
	if g == nil || !c.user.Admin && st.groupRole(c.user.ID, g.ID) <= 0 {
		return RunnerList{}, notFound("Group")
	}
	if !c.user.Admin && st.groupRole(c.user.ID, g.ID) < Maintainer {
		return RunnerList{}, forbidden("")
	}
	gid := g.ID
	return RunnerList{st: st, lists: func(*RunnerFilter) [][]int64 {
		lists := [][]int64{st.runnersByType[RunnerTypeInstance]}
		for _, id := range st.groupAndAncestors(gid) {
			lists = append(lists, st.runnersByGroup[id])
		}
		return lists
	}}, nil
}

// ProjectRunners is GET /projects/:id/runners: the project's runners, its
// groups' runners and instance runners. Reading them needs a Maintainer of
// the project; non-members do not see the project at all.
func (c *Caller) ProjectRunners(ref NamespaceID) (RunnerList, error) {
	st := c.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	p := st.findProjectLocked(ref)
	if p == nil || !c.user.Admin && st.projectRole(c.user.ID, p.ID) <= 0 {
		return RunnerList{}, notFound("Project")
	}
	if !c.user.Admin && st.projectRole(c.user.ID, p.ID) < Maintainer {
		return RunnerList{}, forbidden("")
	}
	pid, groupID := p.ID, p.GroupID
	return RunnerList{st: st, lists: func(*RunnerFilter) [][]int64 {
		lists := [][]int64{st.runnersByType[RunnerTypeInstance], st.runnersByProj[pid]}
		for _, id := range st.groupAndAncestors(groupID) {
			lists = append(lists, st.runnersByGroup[id])
		}
		return lists
	}}, nil
}

// Page returns copies of the runners of one page (1-based) that match f,
// in ascending id order, and how many match in all.
func (l RunnerList) Page(f RunnerFilter, page, perPage int) ([]RunnerRecord, int) {
	st := l.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	items, total := st.pageOf(l.lists(&f), &f, page, perPage, st.now())
	out := make([]RunnerRecord, len(items))
	for i, r := range items {
		out[i] = r.clone()
	}
	return out, total
}

// RunnerFilter holds the filters of the runner list endpoints; zero values
// do not filter.
type RunnerFilter struct {
	Scope         string // deprecated: a status or type ("specific" = not instance, "shared" = instance)
	Type          string // runner type
	Status        string // online, offline, stale, never_contacted, or active / paused
	Paused        *bool
	Tags          []string // every tag must be present
	VersionPrefix string   // of the runner's or one of its managers' versions
}

func (f *RunnerFilter) match(r *RunnerRecord, now time.Time) bool {
	if f.Type != "" && r.RunnerType != f.Type {
		return false
	}
	if f.Scope != "" && !scopeMatch(f.Scope, r, now) {
		return false
	}
	if f.Paused != nil && r.Paused != *f.Paused {
		return false
	}
	switch f.Status {
	case "":
	case "active":
		if r.Paused {
			return false
		}
	case "paused":
		if !r.Paused {
			return false
		}
	default:
		if r.Status(now) != f.Status {
			return false
		}
	}
	for _, t := range f.Tags {
		if !slices.Contains(r.TagList, t) {
			return false
		}
	}
	if f.VersionPrefix != "" {
		ok := strings.HasPrefix(r.Version, f.VersionPrefix) && r.Version != ""
		for i := range r.Managers {
			if strings.HasPrefix(r.Managers[i].Version, f.VersionPrefix) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// onlyType reports whether the filter adds nothing to the given index list:
// no filter but possibly a type that every runner of the list has.
func (f *RunnerFilter) onlyType(list []int64, st *Store) bool {
	if f.Paused != nil || f.Status != "" || f.Scope != "" || len(f.Tags) > 0 || f.VersionPrefix != "" {
		return false
	}
	if f.Type == "" {
		return true
	}
	return sameSlice(list, st.runnersByType[f.Type])
}

func sameSlice(a, b []int64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func scopeMatch(scope string, r *RunnerRecord, now time.Time) bool {
	switch scope {
	case "specific":
		return r.RunnerType != RunnerTypeInstance
	case "shared":
		return r.RunnerType == RunnerTypeInstance
	case RunnerTypeInstance, RunnerTypeGroup, RunnerTypeProject:
		return r.RunnerType == scope
	case "active":
		return !r.Paused
	case "paused":
		return r.Paused
	}
	return r.Status(now) == scope
}

// pageOf walks the ascending, possibly overlapping id lists in order
// (a k-way merge without duplicates), counts the runners matching f and
// collects those of the requested page. No sorting per request.
func (st *Store) pageOf(lists [][]int64, f *RunnerFilter, page, perPage int, now time.Time) ([]*RunnerRecord, int) {
	skip := (page - 1) * perPage
	if len(lists) == 1 && f.onlyType(lists[0], st) {
		// Fast path: the index already is the answer; slice the page out.
		l := lists[0]
		out := make([]*RunnerRecord, 0, perPage)
		for i := skip; i < len(l) && i < skip+perPage; i++ {
			out = append(out, st.runners[l[i]])
		}
		return out, len(l)
	}
	out := make([]*RunnerRecord, 0, perPage)
	total := 0
	visit := func(id int64) {
		r := st.runners[id]
		if r == nil || !f.match(r, now) {
			return
		}
		if total >= skip && len(out) < perPage {
			out = append(out, r)
		}
		total++
	}
	switch len(lists) {
	case 0:
	case 1:
		for _, id := range lists[0] {
			visit(id)
		}
	default:
		pos := make([]int, len(lists))
		last := int64(-1)
		for {
			best := -1
			for i, l := range lists {
				if pos[i] < len(l) && (best < 0 || l[pos[i]] < lists[best][pos[best]]) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			id := lists[best][pos[best]]
			pos[best]++
			if id != last {
				visit(id)
				last = id
			}
		}
	}
	return out, total
}
