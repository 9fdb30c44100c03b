package runnerselect

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// TestList: the selection's runners from its endpoint; a refusal is the
// error of ListFailure, naming what was attempted and the permission.
func TestList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/v4/runners/all" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"403 Forbidden"}`))
			return
		}
		_, _ = w.Write([]byte(`[{"id":7,"runner_type":"project_type","status":"online"}]`))
	}))
	defer srv.Close()
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: srv.URL, Token: "glpat-test-token-0123", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	runners, ok := Selection{}.List(context.Background(), client, &diags)
	if !ok || diags.HasError() || len(runners) != 1 || runners[0].ID != 7 {
		t.Errorf("owned: %v %v %v, want runner 7", runners, ok, diags)
	}
	runners, ok = Selection{Scope: ScopeInstance}.List(context.Background(), client, &diags)
	summary, advice := Selection{Scope: ScopeInstance}.ListFailure(http.StatusForbidden)
	if ok || runners != nil || len(diags) != 1 || diags[0].Summary() != summary ||
		!strings.Contains(diags[0].Detail(), advice) || !strings.Contains(diags[0].Detail(), "GET /runners/all") {
		t.Errorf("instance without an administrator: %v %v, want %q with the advice", ok, diags, summary)
	}
}
