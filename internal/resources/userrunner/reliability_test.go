package userrunner

import (
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/diagnostics"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestDeleteLateDuplicates: after an ambiguous create, runners other than
// the kept one that still carry the creation marker are deleted; runners
// without the marker (or with another one) are left alone.
func TestDeleteLateDuplicates(t *testing.T) {
	t.Parallel()
	m := acctest.StartMock(t)
	r := testResource(t, m, m.Seed.Group.OwnerToken)
	gid := m.Seed.Group.ID
	scope := diagnostics.RunnerScope{Type: gitlabapi.RunnerTypeGroup, GroupID: gid}
	const marker = "[terraform-create:00112233aabbccdd]"
	create := func(description string) int64 {
		tok, err := r.Data.Client.CreateUserRunner(t.Context(), gitlabapi.CreateUserRunnerOptions{
			RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &gid, RunnerAttributes: gitlabapi.RunnerAttributes{Description: &description}})
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	kept := create("kept " + marker) // its PUT has not run yet: it still carries the marker
	late1 := create("fleet " + marker)
	late2 := create(marker)
	other := create("fleet [terraform-create:ffffffffffffffff]")
	plain := create("fleet")

	diags := r.deleteLateDuplicates(t.Context(), scope, marker, kept)
	if diags.HasError() || diags.WarningsCount() > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	for id, want := range map[int64]bool{kept: true, late1: false, late2: false, other: true, plain: true} {
		if _, ok := m.Store().Runner(id); ok != want {
			t.Errorf("runner %d exists = %v, want %v", id, ok, want)
		}
	}
}
