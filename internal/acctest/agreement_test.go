package acctest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// newState builds an empty state with its root module, as the testing
// framework hands one to check functions (terraform.NewState is deprecated
// for use outside its module).
func newState() *terraform.State {
	return &terraform.State{Modules: []*terraform.ModuleState{{
		Path:      []string{"root"},
		Resources: map[string]*terraform.ResourceState{},
	}}}
}

// stateWith builds a state holding the given runner instances of
// gitlabrunner_user_runner in the root module.
func stateWith(runners map[string]*terraform.InstanceState) *terraform.State {
	s := newState()
	for name, is := range runners {
		s.RootModule().Resources["gitlabrunner_user_runner."+name] = &terraform.ResourceState{
			Type: "gitlabrunner_user_runner", Primary: is,
		}
	}
	return s
}

func instance(id int64, token, description string) *terraform.InstanceState {
	return &terraform.InstanceState{ID: strconv.FormatInt(id, 10), Attributes: map[string]string{
		"id": strconv.FormatInt(id, 10), "token": token, "description": description, "runner_type": "instance_type",
		"paused": "false", "locked": "false", "run_untagged": "true", "access_level": "not_protected", "tag_list.#": "0",
	}}
}

func TestAgreement(t *testing.T) {
	m := StartMock(t)
	id1, tok1 := createRunner(t, m)
	id2, tok2 := createRunner(t, m)

	check := func(s *terraform.State, outside ...int64) error {
		return m.CheckAgreement(t, "gitlabrunner_user_runner", outside...)(s)
	}

	// Both runners in state with their tokens: agreement.
	good := stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok1, "acctest"), "b": instance(id2, tok2, "acctest")})
	rep, err := m.Agreement(t, RunnersInState(good, "gitlabrunner_user_runner"))
	if err != nil {
		t.Fatalf("agreeing state: %v", err)
	}
	if rep.StateRunners != 2 || rep.MockRunners != 2 || rep.TokensVerified != 2 {
		t.Errorf("report = %+v", rep)
	}

	cases := []struct {
		name    string
		state   *terraform.State
		outside []int64
		want    string
	}{
		{"orphan", stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok1, "acctest")}), nil,
			"runner " + strconv.FormatInt(id2, 10) + ` ("acctest") exists in GitLab but not in state`},
		{"lost", stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok1, "acctest"), "b": instance(id2, tok2, "acctest"), "c": instance(9999, "", "x")}), nil,
			"runner 9999 is in state but not in GitLab"},
		{"duplicate", stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok1, "acctest"), "b": instance(id1, tok1, "acctest")}), []int64{id2},
			"both hold runner"},
		{"stale token", stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok2, "acctest")}), []int64{id2},
			"the token in state belongs to runner " + strconv.FormatInt(id2, 10)},
		{"marker left", stateWith(map[string]*terraform.InstanceState{"a": instance(id1, tok1, "acctest [terraform-create:0011223344556677]")}), []int64{id2},
			`description = "acctest [terraform-create:0011223344556677]" in state, "acctest" in GitLab`},
	}
	for _, tc := range cases {
		err := check(tc.state, tc.outside...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), tok1) || strings.Contains(err.Error(), tok2)) {
			t.Errorf("%s: the error quotes a token", tc.name)
		}
	}

	tainted := instance(id1, tok1, "acctest")
	tainted.Tainted = true
	if err := check(stateWith(map[string]*terraform.InstanceState{"a": tainted}), id2); err == nil || !strings.Contains(err.Error(), "tainted") {
		t.Errorf("tainted: %v", err)
	}

	// A token the mock no longer accepts (deleted runner's token reused on
	// another id is impossible; rotate out of band instead).
	if err := m.Store().UpdateRunner(id1, func(r *store.RunnerRecord) { r.Token = "glrt-rotated-out-of-band-000" }); err != nil {
		t.Fatal(err)
	}
	if err := check(good); err == nil || !strings.Contains(err.Error(), "POST /runners/verify answered 403 to the token in state") {
		t.Errorf("rotated out of band: %v", err)
	}
}

// TestCompareRunnerEveryAttribute: the agreement check compares every row of
// the mock's runner attribute table (aliases aside): a state holding the
// mock's values agrees, and a change to any one attribute is reported by name.
func TestCompareRunnerEveryAttribute(t *testing.T) {
	timeout := int64(900)
	rec := store.RunnerRecord{RunnerType: store.RunnerTypeInstance}
	rec.Description, rec.MaintenanceNote, rec.AccessLevel = "d", "n", "ref_protected"
	rec.Paused, rec.Locked, rec.RunUntagged = true, true, false
	rec.TagList, rec.MaximumTimeout = []string{"b", "a"}, &timeout

	// The state Terraform would hold for rec, built from the table.
	state := map[string]string{"runner_type": rec.RunnerType}
	var rows []*store.RunnerAttribute
	for _, attr := range store.RunnerAttributeTable() {
		if attr.Negated {
			continue
		}
		rows = append(rows, attr)
		a := &rec.RunnerAttributes
		switch attr.Kind {
		case store.StringKind:
			state[attr.Name] = attr.StringValue(a)
		case store.BoolKind:
			state[attr.Name] = strconv.FormatBool(attr.BoolValue(a))
		case store.IntegerKind:
			state[attr.Name] = strconv.FormatInt(*attr.IntegerValue(a), 10)
		case store.StringListKind:
			l := attr.StringListValue(a)
			state[attr.Name+".#"] = strconv.Itoa(len(l))
			for i, s := range l {
				state[attr.Name+"."+strconv.Itoa(i)] = s
			}
		default:
			t.Fatalf("row %q: kind %d", attr.Name, attr.Kind)
		}
	}
	if p := compareRunner(state, runnerOf(rec)); len(p) != 0 {
		t.Fatalf("state built from the record disagrees: %v", p)
	}
	for _, attr := range rows {
		changed := map[string]string{}
		for k, v := range state {
			changed[k] = v
		}
		switch attr.Kind {
		case store.StringListKind:
			changed[attr.Name+".0"] = "other"
		case store.BoolKind:
			b, _ := strconv.ParseBool(state[attr.Name])
			changed[attr.Name] = strconv.FormatBool(!b)
		case store.IntegerKind:
			changed[attr.Name] = "1234"
		default:
			changed[attr.Name] = state[attr.Name] + "-other"
		}
		p := compareRunner(changed, runnerOf(rec))
		if len(p) != 1 || !strings.HasPrefix(p[0], attr.Name+" = ") {
			t.Errorf("%s changed in state: problems %v, want one naming %s", attr.Name, p, attr.Name)
		}
	}
	// An unset timeout in the mock against a value in state.
	rec.MaximumTimeout = nil
	if p := compareRunner(state, runnerOf(rec)); len(p) != 1 || !strings.Contains(p[0], "maximum_timeout = 900 in state, unset in GitLab") {
		t.Errorf("unset maximum_timeout: %v", p)
	}
}

// runnerOf is the REST answer for rec, built from the attribute table as the
// mock renders it.
func runnerOf(rec store.RunnerRecord) Runner {
	fields := map[string]any{"id": json.Number(strconv.FormatInt(rec.ID, 10)), "runner_type": rec.RunnerType}
	a := &rec.RunnerAttributes
	for _, attr := range store.RunnerAttributeTable() {
		switch attr.Kind {
		case store.StringKind:
			fields[attr.Name] = attr.StringValue(a)
		case store.BoolKind:
			fields[attr.Name] = attr.BoolValue(a)
		case store.IntegerKind:
			if v := attr.IntegerValue(a); v != nil {
				fields[attr.Name] = json.Number(strconv.FormatInt(*v, 10))
			} else {
				fields[attr.Name] = nil
			}
		case store.StringListKind:
			var l []any
			for _, s := range attr.StringListValue(a) {
				l = append(l, s)
			}
			fields[attr.Name] = l
		}
	}
	return runnerFromJSON(fields)
}
