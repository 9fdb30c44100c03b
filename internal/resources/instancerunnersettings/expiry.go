package instancerunnersettings

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providerdata"
)

// intervalRunnerTypes are the runner types whose tokens each interval
// setting governs.
var intervalRunnerTypes = []struct {
	name       string
	runnerType string
	field      func(*gitlabapi.ApplicationSettings) *int64
}{
	{"runner_token_expiration_interval", gitlabapi.RunnerTypeInstance, func(s *gitlabapi.ApplicationSettings) *int64 { return s.RunnerTokenExpirationInterval }},
	{"group_runner_token_expiration_interval", gitlabapi.RunnerTypeGroup, func(s *gitlabapi.ApplicationSettings) *int64 { return s.GroupRunnerTokenExpirationInterval }},
	{"project_runner_token_expiration_interval", gitlabapi.RunnerTypeProject, func(s *gitlabapi.ApplicationSettings) *int64 { return s.ProjectRunnerTokenExpirationInterval }},
}

// runnersCreatedBefore records in this provider process's ExpiryChanges the
// intervals a change just sent (set, or nulled), and warns about the runners
// this apply created before it: GitLab gave their tokens the previous
// interval. Runners still being created say so themselves.
func runnersCreatedBefore(expiry *providerdata.ExpiryChanges, changes gitlabapi.ApplicationSettings, nulls []string) diag.Diagnostics {
	var diags diag.Diagnostics
	var changed, names []string
	for _, i := range intervalRunnerTypes {
		if i.field(&changes) != nil || slices.Contains(nulls, i.name) {
			changed = append(changed, i.runnerType)
			names = append(names, i.name)
		}
	}
	before := expiry.IntervalsChanged(changed)
	if len(before) == 0 {
		return diags
	}
	runners := make([]string, len(before))
	for i, r := range before {
		runners[i] = strconv.FormatInt(r.ID, 10) + " (" + r.RunnerType + ")"
	}
	noun := "runner"
	if len(runners) > 1 {
		noun = "runners"
	}
	diags.AddWarning("Runners Created Before the New Token Expiration Interval", fmt.Sprintf(
		"This apply created %s %s before it changed %s, so GitLab gave their tokens the previous interval "+
			"(without one, a token never expires). Terraform orders resources only by references: add depends_on = "+
			"[gitlabrunner_instance_runner_settings.<name>] to the runners, and change their rotation_triggers once to "+
			"give their tokens the new interval.", noun, strings.Join(runners, ", "), strings.Join(names, " and ")))
	return diags
}
