package store

// Project settings a project's Maintainer changes through PUT /projects/:id.
// Of its runner settings GitLab takes two there
// (lib/api/helpers/projects_helpers.rb): shared_runners_enabled (whether the
// project accepts instance runners) and group_runners_enabled (its groups'
// runners).

// ProjectChanges are the settings of PUT /projects/:id the mock keeps.
type ProjectChanges struct {
	SharedRunnersEnabled Optional[bool]
	GroupRunnersEnabled  Optional[bool]
}

// sharedRunnersProjectParentMessage is Project#changing_shared_runners_enabled_is_allowed's
// error on shared_runners_enabled (app/models/project.rb).
const sharedRunnersProjectParentMessage = "cannot be enabled because parent group does not allow it"

// UpdateProject changes a project (admin_project: Maintainers and
// administrators; GitLab's PUT /projects/:id authorize_admin_project) and
// returns it as GET /projects/:id shows it. Non-members do not see the
// project (NotFound); other members are Forbidden. Turning
// shared_runners_enabled on is a validation error while the project's group
// has shared_runners_setting disabled_and_unoverridable; GitLab checks it
// only when the value changes (changes.has_key?(:shared_runners_enabled)).
func (c *Caller) UpdateProject(ref NamespaceID, ch ProjectChanges) (ProjectDetails, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	p, role, err := c.visibleProjectLocked(ref)
	if err != nil {
		return ProjectDetails{}, err
	}
	if !c.user.Admin && role < Maintainer {
		return ProjectDetails{}, forbidden("")
	}
	if ch.SharedRunnersEnabled.Set && ch.SharedRunnersEnabled.Value && p.SharedRunnersDisabled {
		if g := st.groups[p.GroupID]; g != nil && g.sharedRunnersSetting() == SharedRunnersDisabledAndUnoverridable {
			return ProjectDetails{}, invalid([]FieldError{{Attribute: "shared_runners_enabled", Message: sharedRunnersProjectParentMessage}})
		}
	}
	if ch.SharedRunnersEnabled.Set {
		p.SharedRunnersDisabled = !ch.SharedRunnersEnabled.Value
	}
	if ch.GroupRunnersEnabled.Set {
		p.GroupRunnersDisabled = !ch.GroupRunnersEnabled.Value
	}
	return st.projectDetailsLocked(p, true), nil
}

// disableProjectsSharedRunners turns instance runners off in every project
// of group groupID and of its descendants, as GitLab's group update does
// when the group turns them off (group.all_projects.update_all).
func (st *Store) disableProjectsSharedRunners(groupID int64) {
	for _, p := range st.projects {
		if g := st.groups[p.GroupID]; g != nil && (g.ID == groupID || st.isDescendant(g, groupID)) {
			p.SharedRunnersDisabled = true
		}
	}
}
