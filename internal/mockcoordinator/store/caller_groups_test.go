package store

import "testing"

// A group's CI/CD settings: admin_namespace (the group's Owners and
// administrators) may change them, as GitLab's
// Mutations::Ci::NamespaceCiCdSettingsUpdate authorizes; non-members do not
// see the group.
func TestUpdateGroupCiCdSettings(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	on := GroupCiCdChanges{AllowStaleRunnerPruning: Optional[bool]{Set: true, Value: true}}
	demo := NamespaceID{FullPath: "demo"}
	if _, err := caller(t, st, s.Group.MaintainerToken).UpdateGroupCiCdSettings(demo, on); reason(err) != Forbidden {
		t.Fatalf("maintainer: %v", err)
	}
	if _, err := caller(t, st, s.NonAdminToken).UpdateGroupCiCdSettings(demo, on); reason(err) != NotFound {
		t.Fatalf("stranger: %v", err)
	}
	g, err := caller(t, st, s.Group.OwnerToken).UpdateGroupCiCdSettings(demo, on)
	if err != nil || !g.AllowStaleRunnerPruning {
		t.Fatalf("owner: %+v %v", g, err)
	}
	if g, _ := caller(t, st, s.Group.DeveloperToken).Group(demo); !g.AllowStaleRunnerPruning {
		t.Fatal("not kept")
	}
	if g, _ := caller(t, st, s.AdminToken).UpdateGroupCiCdSettings(NamespaceID{FullPath: "demo/platform"}, GroupCiCdChanges{}); g.AllowStaleRunnerPruning {
		t.Fatal("the subgroup has its own setting")
	}
}
