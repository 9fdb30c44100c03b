package store

import "time"

// GitLab's membership and permission rules, and the registration and token
// policies that follow from the settings. Callers hold st.mu.

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

// canReadRunner: anyone authenticated reads instance runners; group runners
// need a Maintainer of the group ("at least the Maintainer role is required to
// get runner details at the project and group level"); project runners a
// Maintainer of one of their projects. Changing a group runner needs Owner.
func (st *Store) canReadRunner(u *userRecord, r *RunnerRecord) bool {
	if r.RunnerType == RunnerTypeInstance || st.canManageRunner(u, r) {
		return true
	}
	return r.RunnerType == RunnerTypeGroup && st.groupRole(u.ID, r.GroupID) >= Maintainer
}

// registrationAllowedForGroup: registration tokens allowed for a group (and
// its projects): instance setting on and the top-level group's switch on.
func (st *Store) registrationAllowedForGroup(groupID int64) bool {
	v := st.version
	if v.LegacyRegistrationRemoved() {
		return false
	}
	if !v.EnforcesRegistrationSwitch() {
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
	return !v.EnforcesRegistrationSwitch() || st.settings.AllowRunnerRegistrationToken
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

// tokenExpiry is from + the interval, as Ci::Runner#compute_token_expiration
// does: GitLab validates no minimum, so 0 (or less) expires at once (≈).
func (st *Store) tokenExpiry(runnerType string, from time.Time) *time.Time {
	iv := st.expirationInterval(runnerType)
	if iv == nil {
		return nil
	}
	t := from.Add(time.Duration(*iv) * time.Second)
	return &t
}
