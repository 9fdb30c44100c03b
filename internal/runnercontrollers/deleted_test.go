package runnercontrollers

import (
	"errors"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestDeletedAlready: a 404 to a delete counts as done only when the
// controller API answers this token right then; not without the licence
// or the version (GitLab's 404 then says nothing of the controller), and
// never for other errors.
func TestDeletedAlready(t *testing.T) {
	old := acctest.StartMock(t, acctest.WithVersion("18.8.0-ee"))
	client := data(t, old, old.Seed.AdminToken).Client
	if err := client.DeleteRunnerController(t.Context(), 1); !errors.Is(err, gitlabapi.ErrNotFound) ||
		DeletedAlready(t.Context(), client, err) {
		t.Errorf("GitLab 18.8 (no runner controllers): %v counted as deleted already, want a 404 that is not", err)
	}
	m := acctest.StartMock(t, acctest.WithVersion("19.1.0-ee"))
	admin := data(t, m, m.Seed.AdminToken).Client
	notFound := admin.DeleteRunnerController(t.Context(), 424242)
	if !errors.Is(notFound, gitlabapi.ErrNotFound) {
		t.Fatalf("deleting a controller that does not exist: %v, want a 404", notFound)
	}
	if !DeletedAlready(t.Context(), admin, notFound) {
		t.Error("a 404 while the controller API answers: not deleted already, want deleted")
	}
	if DeletedAlready(t.Context(), admin, errors.New("connection reset")) || DeletedAlready(t.Context(), admin, nil) {
		t.Error("an error other than a 404, or none, counted as deleted already")
	}
	m.Store().SetRunnerControllersLicensed(false)
	if DeletedAlready(t.Context(), admin, notFound) {
		t.Error("a 404 without the licence counted as deleted already")
	}
}

func TestDescription(t *testing.T) {
	text := "k8s"
	if Description(nil) != "" || Description(&text) != "k8s" {
		t.Errorf("Description(nil) = %q, Description(&%q) = %q; want \"\" and the text", Description(nil), text, Description(&text))
	}
}
