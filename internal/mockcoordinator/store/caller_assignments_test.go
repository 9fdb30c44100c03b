package store

import (
	"errors"
	"testing"
)

func caller(t *testing.T, st *Store, token string) *Caller {
	t.Helper()
	c, err := st.Authenticate(token, ScopeAPI)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reason(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return 0
}

// The rules of assigning and unassigning project runners, without HTTP.
func TestAssignAndUnassignRunner(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	admin := caller(t, st, s.AdminToken)
	maint := caller(t, st, s.Group.MaintainerToken)
	app, web := NamespaceID{ID: s.Projects[0].ID}, NamespaceID{ID: s.Projects[1].ID}
	tok, err := admin.CreateRunner(RunnerCreation{RunnerType: RunnerTypeProject, ProjectID: &s.Projects[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	id := tok.RunnerID

	if _, err := maint.AssignRunner(app, id); reason(err) != Rejected {
		t.Fatalf("assign to the owner project: %v", err)
	}
	r, err := maint.AssignRunner(web, id)
	if err != nil || len(r.ProjectIDs) != 2 || r.ProjectIDs[0] != app.ID {
		t.Fatalf("assign: %v %v", r.ProjectIDs, err)
	}
	if err := maint.UnassignRunner(app, id); reason(err) != Forbidden {
		t.Fatalf("unassign the owner project: %v", err)
	}
	// The other project's maintainer may now read and unassign it.
	webMaint := caller(t, st, s.Projects[1].MaintainerToken)
	if _, err := webMaint.Runner(id); err != nil {
		t.Fatalf("read by web's maintainer: %v", err)
	}
	if err := webMaint.UnassignRunner(web, id); err != nil {
		t.Fatalf("unassign: %v", err)
	}
	if err := webMaint.UnassignRunner(web, id); reason(err) != NotFound {
		t.Fatalf("unassign twice: %v", err)
	}
	if got, _ := st.Runner(id); len(got.ProjectIDs) != 1 {
		t.Fatalf("projects: %v", got.ProjectIDs)
	}
}

func TestUpdateGroupSharedRunnersCascade(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	owner := caller(t, st, s.Group.OwnerToken)
	set := func(id int64, v string) error {
		_, err := owner.UpdateGroup(NamespaceID{ID: id}, GroupChanges{SharedRunnersSetting: Optional[string]{Set: true, Value: v}})
		return err
	}
	if err := set(s.Group.ID, SharedRunnersDisabledAndUnoverridable); err != nil {
		t.Fatal(err)
	}
	if g, _ := owner.Group(NamespaceID{ID: s.Subgroup.ID}); g.SharedRunnersSetting != SharedRunnersDisabledAndUnoverridable {
		t.Fatalf("subgroup: %s", g.SharedRunnersSetting)
	}
	if err := set(s.Subgroup.ID, SharedRunnersEnabled); reason(err) != Invalid {
		t.Fatalf("enable under a disabled parent: %v", err)
	}
	if _, err := caller(t, st, s.Group.MaintainerToken).UpdateGroup(NamespaceID{ID: s.Group.ID}, GroupChanges{}); reason(err) != Forbidden {
		t.Fatalf("maintainer: %v", err)
	}
}

func TestUpdateSettingsValidation(t *testing.T) {
	st := NewStore(Options{})
	s := st.SeedDefaults()
	admin := caller(t, st, s.AdminToken)
	_, err := admin.UpdateSettings(SettingsChanges{ValidRunnerRegistrars: Optional[[]string]{Set: true, Value: []string{"group", "group"}}})
	var e *Error
	if !errors.As(err, &e) || e.Reason != Invalid || e.Fields[0].Message != `["group", "group"] is not included in the list` {
		t.Fatalf("duplicate registrars: %v", err)
	}
	low := int64(60)
	got, err := admin.UpdateSettings(SettingsChanges{RunnerTokenExpirationInterval: Optional[*int64]{Set: true, Value: &low}})
	if err != nil || *got.RunnerTokenExpirationInterval != 60 {
		t.Fatalf("no minimum: %v %v", got, err)
	}
	if _, err := caller(t, st, s.Group.OwnerToken).UpdateSettings(SettingsChanges{}); reason(err) != Forbidden {
		t.Fatalf("non-admin: %v", err)
	}
}
