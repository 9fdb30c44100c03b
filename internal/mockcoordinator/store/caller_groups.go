package store

import "fmt"

// Group settings a group's Owner changes through PUT /groups/:id. Of the
// runner settings GitLab offers there exactly one, shared_runners_setting
// (lib/api/helpers/groups_helpers.rb); the registration-token switch is
// deliberately kept out of every API (SetGroupAllowRegistrationTokens stands
// in for the group's settings page).

// Values of shared_runners_setting (Namespace::SHARED_RUNNERS_SETTINGS).
const (
	SharedRunnersEnabled                  = "enabled"
	SharedRunnersDisabledAndOverridable   = "disabled_and_overridable"
	SharedRunnersDisabledAndUnoverridable = "disabled_and_unoverridable"
)

// The parent constraint's errors, reported under update_shared_runners (the
// second wording is Namespace's validation message (≈)).
const (
	sharedRunnersErrorAttribute          = "update_shared_runners"
	sharedRunnersParentDisabledMessage   = "Validation failed: Shared runners enabled cannot be enabled because parent group has shared Runners disabled"
	sharedRunnersParentNoOverrideMessage = "Validation failed: Allow descendants override disabled shared runners cannot be enabled because parent group does not allow it"
)

// SharedRunnersSettings lists the values PUT /groups/:id accepts.
var SharedRunnersSettings = []string{SharedRunnersDisabledAndUnoverridable, SharedRunnersDisabledAndOverridable, SharedRunnersEnabled}

// GroupChanges are the settings of PUT /groups/:id the mock keeps.
type GroupChanges struct {
	SharedRunnersSetting Optional[string]
}

// UpdateGroup changes a group (Owners and administrators) and returns it as
// GET /groups/:id shows it. Non-members do not see the group (NotFound);
// other members are Forbidden. Under a parent whose setting is
// disabled_and_unoverridable, a subgroup can neither enable instance runners
// nor allow overriding (Groups::UpdateSharedRunnersService); turning a group
// to disabled_and_unoverridable does the same to all its descendants. Turning
// instance runners off (from enabled, or to disabled_and_unoverridable) turns
// them off in every project below the group (Group#disable_shared_runners!
// and disable_shared_runners_and_allow_override!: all_projects.update_all);
// turning them on changes the group only (Group#enable_shared_runners!; the
// newest GitLab re-enables the projects too, from a release not found).
func (c *Caller) UpdateGroup(ref NamespaceID, ch GroupChanges) (GroupDetails, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	g, err := c.ownedGroupLocked(ref)
	if err != nil {
		return GroupDetails{}, err
	}
	if ch.SharedRunnersSetting.Set {
		want := ch.SharedRunnersSetting.Value
		if parent := st.groups[g.ParentID]; parent != nil && parent.sharedRunnersSetting() == SharedRunnersDisabledAndUnoverridable {
			switch want {
			case SharedRunnersEnabled:
				return GroupDetails{}, invalid([]FieldError{{Attribute: sharedRunnersErrorAttribute, Message: sharedRunnersParentDisabledMessage}})
			case SharedRunnersDisabledAndOverridable:
				return GroupDetails{}, invalid([]FieldError{{Attribute: sharedRunnersErrorAttribute, Message: sharedRunnersParentNoOverrideMessage}})
			}
		}
		if (want != SharedRunnersEnabled && g.sharedRunnersSetting() == SharedRunnersEnabled) || want == SharedRunnersDisabledAndUnoverridable {
			st.disableProjectsSharedRunners(g.ID)
		}
		g.SharedRunnersSetting = want
		if want == SharedRunnersDisabledAndUnoverridable {
			for _, d := range st.groups {
				if d.ID != g.ID && st.isDescendant(d, g.ID) {
					d.SharedRunnersSetting = SharedRunnersDisabledAndUnoverridable
				}
			}
		}
	}
	return st.groupDetailsLocked(g, true), nil
}

// isDescendant: d is below the group ancestorID.
func (st *Store) isDescendant(d *groupRecord, ancestorID int64) bool {
	for p := st.groups[d.ParentID]; p != nil; p = st.groups[p.ParentID] {
		if p.ID == ancestorID {
			return true
		}
		if p.ParentID == 0 {
			break
		}
	}
	return false
}

// GroupCiCdChanges are the arguments of GraphQL's namespaceCiCdSettingsUpdate
// the mock keeps: GitLab has no REST API for them.
type GroupCiCdChanges struct {
	AllowStaleRunnerPruning Optional[bool]
}

// UpdateGroupCiCdSettings changes a group's CI/CD settings and returns the
// group. GitLab's mutation authorizes admin_namespace (the group's Owners
// and administrators; Mutations::Ci::NamespaceCiCdSettingsUpdate) and
// stores the setting whatever the licence; only pruning itself needs
// Ultimate (ee/app/services/ci/runners/stale_group_runners_prune_service.rb).
// Non-members do not see the group (NotFound); other members are Forbidden.
func (c *Caller) UpdateGroupCiCdSettings(ref NamespaceID, ch GroupCiCdChanges) (GroupDetails, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	g, err := c.ownedGroupLocked(ref)
	if err != nil {
		return GroupDetails{}, err
	}
	if ch.AllowStaleRunnerPruning.Set {
		g.AllowStaleRunnerPruning = ch.AllowStaleRunnerPruning.Value
	}
	return st.groupDetailsLocked(g, true), nil
}

// SetGroupRegistrationToggle is what the toggle "Allow members of projects and
// groups to create runners with runner registration tokens" of a top-level
// group's Settings > CI/CD > Runners page does (GitLab 16.11+). GitLab keeps
// this switch out of every API on purpose, so this is not GitLab's API: the
// mock serves it as PUT /-/mock/groups/:id/settings, for scripts and guides
// that need the state a person reaches in the UI. As the page, it is for the
// group's Owners and administrators, and only top-level groups have it;
// before 16.11 there is no such page (NotFound).
func (c *Caller) SetGroupRegistrationToggle(ref NamespaceID, allowed bool) (GroupDetails, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.version.AtLeast(16, 11) {
		return GroupDetails{}, notFound("the registration-token toggle of a group's settings page (GitLab 16.11 or later; this mock emulates " +
			st.version.String() + ")")
	}
	g, err := c.ownedGroupLocked(ref)
	if err != nil {
		return GroupDetails{}, err
	}
	if g.ParentID != 0 {
		return GroupDetails{}, badRequest(fmt.Sprintf("group %s is a subgroup: only top-level groups have the registration-token "+
			"toggle, and their subgroups and projects follow it", st.groupFullPath(g)))
	}
	g.AllowRegistration, g.AllowRegistrationSet = allowed, true
	return st.groupDetailsLocked(g, true), nil
}
