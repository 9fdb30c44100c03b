package actions_test

// Acceptance tests of the action gitlabrunner_delete_stale_runners: Terraform
// 1.14+ runs it with `terraform apply -invoke` against the provider served in
// this process (terraform-plugin-testing cannot invoke actions), the mock
// coordinator's clock moved so that runners are stale.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/provider"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// fleet makes runners through the API and remembers them by description.
type fleet struct {
	t      *testing.T
	m      *acctest.Mock
	ids    map[string]int64
	tokens map[string]string
}

func (f *fleet) add(token, description string, opts gitlabapi.CreateUserRunnerOptions) {
	f.t.Helper()
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: f.m.URL(), Token: token})
	if err != nil {
		f.t.Fatal(err)
	}
	opts.Description = &description
	if opts.TagList == nil {
		opts.TagList = &[]string{"linux"}
	}
	r, err := client.CreateUserRunner(f.t.Context(), opts)
	if err != nil {
		f.t.Fatalf("%s: %v", description, err)
	}
	f.ids[description], f.tokens[description] = r.ID, r.Token
}

// contact records a job request of the runner's host now (mock time).
func (f *fleet) contact(description, systemID string) {
	f.t.Helper()
	if _, err := f.m.Store().RecordContact(f.tokens[description], store.Contact{SystemID: systemID}); err != nil {
		f.t.Fatal(err)
	}
}

// left says which of the descriptions are still runners in the mock.
func (f *fleet) left(descriptions ...string) []string {
	var out []string
	for _, d := range descriptions {
		if _, ok := f.m.Store().Runner(f.ids[d]); ok {
			out = append(out, d)
		}
	}
	return out
}

func TestAccDeleteStaleRunners(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	acctest.NeedsCLI(t, acctest.Actions)
	// Runners days old: the mock's clock moves on, and sets contact times.
	acctest.SkipLive(t, acctest.MockClock, acctest.StoreAccess)
	m := acctest.StartMock(t)
	cli := acctest.NewCLI(t, nil, map[string]string{"TF_REATTACH_PROVIDERS": providertest.Reattach(t, provider.Options{Clock: m.Now})})
	cli.SkipWithout(acctest.Actions)
	f := &fleet{t: t, m: m, ids: map[string]int64{}, tokens: map[string]string{}}
	sub, owner := m.Seed.Subgroup.ID, m.Seed.Group.OwnerToken
	group := func(id int64) gitlabapi.CreateUserRunnerOptions {
		return gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeGroup, GroupID: &id}
	}
	start := m.Now()
	for _, d := range []string{"ci-never", "ci-idle", "ci-busy", "ci-lagging", "ci-recent", "ci-future", "other"} {
		f.add(owner, d, group(sub))
	}
	windows := group(sub)
	windows.TagList = &[]string{"windows"}
	f.add(owner, "ci-windows", windows)
	f.add(owner, "ci-parent", group(m.Seed.Group.ID))
	f.add(m.Seed.AdminToken, "ci-instance", gitlabapi.CreateUserRunnerOptions{RunnerType: gitlabapi.RunnerTypeInstance})
	f.contact("ci-idle", "s_idle")
	f.contact("ci-lagging", "s_old")
	m.Clock.Advance(6 * 24 * time.Hour)
	f.contact("ci-recent", "s_recent") // two days before the invocations
	m.Clock.Advance(2*24*time.Hour - 3*time.Hour)
	// ci-lagging's host came back 3 hours ago, but the runner's own contact
	// time still says 8 days (GitLab writes it to its database lazily, and
	// lists by the database): only its managers show the truth.
	if err := m.Store().UpdateRunner(f.ids["ci-lagging"], func(r *store.RunnerRecord) {
		r.Managers = append(r.Managers, store.ManagerRecord{ID: 999, SystemID: "s_back", CreatedAt: start, ContactedAt: m.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	m.Clock.Advance(2 * time.Hour)
	f.contact("ci-busy", "s_busy") // an hour before the invocations
	m.Clock.Advance(time.Hour)
	future := m.Now().Add(24 * time.Hour) // a contact time GitLab cannot have given
	if err := m.Store().UpdateRunner(f.ids["ci-future"], func(r *store.RunnerRecord) { r.ContactedAt = &future }); err != nil {
		t.Fatal(err)
	}

	scope := fmt.Sprintf("group_id = %d\n    tag_list = [\"linux\"]\n    description_matches = \"^ci-\"", sub)
	action := func(name, extra string) string {
		return fmt.Sprintf("action \"gitlabrunner_delete_stale_runners\" %q {\n  config {\n    %s\n%s  }\n}\n", name, scope, extra)
	}
	cli.Write("main.tf", m.ProviderBlock(owner)+action("preview", "    dry_run = true\n")+action("sweep", "")+
		action("older", "    older_than = \"36h\"\n"))
	cli.Run("init", "-no-color")
	all := []string{"ci-never", "ci-idle", "ci-busy", "ci-lagging", "ci-recent", "ci-future", "other", "ci-windows", "ci-parent", "ci-instance"}
	invoke := func(name string, wantLeft []string, wantOut ...string) {
		t.Helper()
		out := cli.Run("apply", "-no-color", "-auto-approve", "-invoke=action.gitlabrunner_delete_stale_runners."+name)
		for _, w := range wantOut {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the output lacks %q:\n%s", name, w, out)
			}
		}
		if left := f.left(all...); !slices.Equal(left, wantLeft) {
			t.Fatalf("%s: the mock keeps %v, want %v\n%s", name, left, wantLeft, out)
		}
	}
	name := func(d string) string { return fmt.Sprintf("runner %d (%q, group_type)", f.ids[d], d) }

	// The dry run reports and deletes nothing.
	invoke("preview", all,
		"Would delete "+name("ci-never")+": creation (never contacted) 8d 0h ago",
		"Would delete "+name("ci-idle")+": last contact 8d 0h ago",
		"Kept "+name("ci-lagging")+`: its runner manager "s_back"`,
		"Dry run: would delete 2 runner(s) of group 2; kept 0 not old enough and 1 in doubt; 0 failed.")
	// GitLab's stale runners of the subgroup that pass the filters go, and
	// only they: not the one whose host came back, not the parent group's,
	// not the instance's, nor those the filters leave out.
	invoke("sweep", []string{"ci-busy", "ci-lagging", "ci-recent", "ci-future", "other", "ci-windows", "ci-parent", "ci-instance"},
		"Deleted "+name("ci-never"), "Deleted "+name("ci-idle"),
		"Deleted 2 runner(s) of group 2; kept 0 not old enough and 1 in doubt; 0 failed.")
	// With older_than, runners GitLab does not call stale go too; a contact
	// time in the future is kept as a doubt.
	invoke("older", []string{"ci-busy", "ci-lagging", "ci-future", "other", "ci-windows", "ci-parent", "ci-instance"},
		"Deleted "+name("ci-recent")+": last contact 2d 0h ago",
		"Kept "+name("ci-future")+": its last contact",
		"Deleted 1 runner(s) of group 2; kept 1 not old enough and 2 in doubt; 0 failed.")
}
