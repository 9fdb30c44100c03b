package userrunner

import (
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestDeleteLateDuplicates: after an ambiguous create, never-used runners
// other than the kept one that end with this create's marker are deleted;
// runners with the marker elsewhere in the description, with another marker,
// or that a host has registered with, are left alone.
func TestDeleteLateDuplicates(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	gid := m.Seed.Group.ID
	scope := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: gid}
	key, _ := r.markerKey()
	marker, err := newCreationMarker(key, scope, "fleet", m.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newCreationMarker(key, scope, "fleet", m.Now(), time.Hour)
	create := func(description string) int64 {
		tok, err := r.Data.Client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &gid, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &description}})
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	kept := create(markedDescription("fleet", marker)) // its PUT has not run yet: it still carries the marker
	late1 := create(markedDescription("fleet", marker))
	late2 := create(marker.String())
	middle := create("fleet " + marker.String() + " copy")
	another := create(markedDescription("fleet", other))
	registered := create(markedDescription("fleet", marker))
	rec, _ := m.Store().Runner(registered)
	if _, err := r.Data.Client.VerifyRunner(t.Context(), rec.Token, "s_host00000001"); err != nil {
		t.Fatal(err)
	}
	plain := create("fleet")

	diags := r.deleteLateDuplicates(t.Context(), scope, marker, kept)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one warning, for the registered runner: %v", diags)
	}
	for id, want := range map[int64]bool{kept: true, late1: false, late2: false, middle: true, another: true, registered: true, plain: true} {
		if _, ok := m.Store().Runner(id); ok != want {
			t.Errorf("runner %d exists = %v, want %v", id, ok, want)
		}
	}
}
