package store

import "testing"

// The rules of a project's runner settings, without HTTP: admin_project
// (Maintainers) may change them (lib/api/projects.rb authorize_admin_project);
// only they see group_runners_enabled (lib/api/entities/project.rb); turning
// instance runners on is refused while the group has made them
// unoverridable, but only when the value changes (app/models/project.rb,
// changing_shared_runners_enabled_is_allowed); a group turning them off
// turns them off in its projects, also from enabled to
// disabled_and_overridable (app/models/group.rb,
// disable_shared_runners_and_allow_override!).
func TestUpdateProjectRunnerSettings(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	app := NamespaceID{ID: s.Project.ID}
	maint, dev := caller(t, st, s.Project.MaintainerToken), caller(t, st, s.Project.DeveloperToken)
	off := ProjectChanges{SharedRunnersEnabled: Optional[bool]{Set: true, Value: false}, GroupRunnersEnabled: Optional[bool]{Set: true, Value: false}}
	on := ProjectChanges{SharedRunnersEnabled: Optional[bool]{Set: true, Value: true}}

	if _, err := dev.UpdateProject(app, off); reason(err) != Forbidden {
		t.Fatalf("developer: %v", err)
	}
	if _, err := caller(t, st, s.NonAdminToken).UpdateProject(app, off); reason(err) != NotFound {
		t.Fatalf("stranger: %v", err)
	}
	if d, _ := dev.Project(app); d.GroupRunnersEnabled != nil || !d.SharedRunnersEnabled {
		t.Fatalf("developer's view: %+v", d)
	}
	d, err := maint.UpdateProject(app, off)
	if err != nil || d.SharedRunnersEnabled || d.GroupRunnersEnabled == nil || *d.GroupRunnersEnabled {
		t.Fatalf("maintainer: %+v %v", d, err)
	}

	owner := caller(t, st, s.Group.OwnerToken)
	setGroup := func(v string) {
		t.Helper()
		if _, err := owner.UpdateGroup(NamespaceID{ID: s.Group.ID}, GroupChanges{SharedRunnersSetting: Optional[string]{Set: true, Value: v}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := maint.UpdateProject(app, on); err != nil {
		t.Fatal(err)
	}
	setGroup(SharedRunnersDisabledAndOverridable) // from enabled: the projects follow
	for _, p := range s.Projects {
		if d, _ := owner.Project(NamespaceID{ID: p.ID}); d.SharedRunnersEnabled {
			t.Fatalf("%s after disabled_and_overridable: on", p.PathWithNamespace)
		}
	}
	if _, err := maint.UpdateProject(app, on); err != nil {
		t.Fatalf("on under disabled_and_overridable: %v", err)
	}
	setGroup(SharedRunnersDisabledAndUnoverridable)
	if d, _ := maint.Project(app); d.SharedRunnersEnabled {
		t.Fatal("on after disabled_and_unoverridable")
	}
	if _, err := maint.UpdateProject(app, on); reason(err) != Invalid {
		t.Fatalf("on under disabled_and_unoverridable: %v", err)
	}
	if _, err := maint.UpdateProject(app, ProjectChanges{SharedRunnersEnabled: Optional[bool]{Set: true, Value: false}}); err != nil {
		t.Fatalf("off again (no change) under disabled_and_unoverridable: %v", err)
	}
}
