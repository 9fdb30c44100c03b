package runnerselect

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

func TestSelectionScopes(t *testing.T) {
	for _, tc := range []struct {
		sel            Selection
		kind, id, path string
		opts           gitlabapi.ListRunnersOptions
	}{
		{Selection{}, ScopeOwned, "owned", "GET /runners", gitlabapi.ListRunnersOptions{Scope: gitlabapi.RunnerScopeOwned}},
		{Selection{Scope: ScopeInstance, Type: "group_type"}, ScopeInstance, "instance", "GET /runners/all",
			gitlabapi.ListRunnersOptions{Scope: gitlabapi.RunnerScopeAll, Type: "group_type"}},
		{Selection{GroupID: 12, Status: "stale"}, ScopeGroup, "group:12", "GET /groups/12/runners",
			gitlabapi.ListRunnersOptions{Scope: gitlabapi.RunnerScopeGroup, ScopeID: 12, Status: "stale"}},
		{Selection{ProjectID: 34, Tags: []string{"a"}}, ScopeProject, "project:34", "GET /projects/34/runners",
			gitlabapi.ListRunnersOptions{Scope: gitlabapi.RunnerScopeProject, ScopeID: 34, TagList: []string{"a"}}},
	} {
		if got := tc.sel.Kind(); got != tc.kind {
			t.Errorf("%+v: kind %q, want %q", tc.sel, got, tc.kind)
		}
		if got := tc.sel.ID(); got != tc.id {
			t.Errorf("%+v: id %q, want %q", tc.sel, got, tc.id)
		}
		if got := tc.sel.Endpoint(); got != tc.path || !strings.Contains(tc.sel.Attempted(), tc.path) {
			t.Errorf("%+v: endpoint %q, want %q", tc.sel, got, tc.path)
		}
		opts := tc.sel.Options()
		if opts.Scope != tc.opts.Scope || opts.ScopeID != tc.opts.ScopeID || opts.Type != tc.opts.Type ||
			opts.Status != tc.opts.Status || strings.Join(opts.TagList, ",") != strings.Join(tc.opts.TagList, ",") {
			t.Errorf("%+v: options %+v, want %+v", tc.sel, opts, tc.opts)
		}
	}
}

func TestSelectionOwns(t *testing.T) {
	group := func(id int64) *gitlabapi.RunnerDetails {
		d := &gitlabapi.RunnerDetails{Groups: []gitlabapi.RunnerGroup{{ID: id}}}
		d.RunnerType = gitlabapi.RunnerTypeGroup
		return d
	}
	project := func(ids ...int64) *gitlabapi.RunnerDetails {
		d := &gitlabapi.RunnerDetails{}
		d.RunnerType = gitlabapi.RunnerTypeProject
		for _, id := range ids {
			d.Projects = append(d.Projects, gitlabapi.RunnerProject{ID: id})
		}
		return d
	}
	instance := &gitlabapi.RunnerDetails{}
	instance.RunnerType = gitlabapi.RunnerTypeInstance
	for _, tc := range []struct {
		sel  Selection
		d    *gitlabapi.RunnerDetails
		want bool
	}{
		{Selection{GroupID: 12}, group(12), true},
		{Selection{GroupID: 12}, group(7), false}, // the parent group's
		{Selection{GroupID: 12}, instance, false},
		{Selection{GroupID: 12}, &gitlabapi.RunnerDetails{RunnerInfo: gitlabapi.RunnerInfo{RunnerType: gitlabapi.RunnerTypeGroup}}, false}, // no groups: cannot tell
		{Selection{ProjectID: 34}, project(34, 35), true},
		{Selection{ProjectID: 34}, project(35, 34), false}, // only assigned to 34
		{Selection{ProjectID: 34}, group(34), false},
		{Selection{}, instance, true},
		{Selection{Scope: ScopeInstance}, group(7), true},
	} {
		if got := tc.sel.Owns(tc.d); got != tc.want {
			t.Errorf("%s owns %+v: %v, want %v", tc.sel, tc.d, got, tc.want)
		}
	}
}

func TestListFailureNamesThePermission(t *testing.T) {
	summary, advice := Selection{GroupID: 5}.ListFailure(http.StatusForbidden)
	if summary != "Unable to List Group Runners" || !strings.Contains(advice, "group 5") {
		t.Errorf("group 403: %q %q", summary, advice)
	}
	if summary, advice := (Selection{Scope: ScopeInstance}).ListFailure(http.StatusForbidden); summary != "Unable to List All Runners" ||
		!strings.Contains(advice, "administrator token") {
		t.Errorf("instance 403: %q %q", summary, advice)
	}
	if summary, advice := (Selection{}).ListFailure(http.StatusInternalServerError); summary != "Unable to List Runners" || advice != "" {
		t.Errorf("500: %q %q", summary, advice)
	}
}
