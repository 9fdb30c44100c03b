package providerdata

import (
	"reflect"
	"testing"
)

// Every runner created beside a change of its token expiration interval is
// named once, whichever finished first; a runner created after the change,
// or of another type, is not.
func TestExpiryChangesNameEachRunnerOnce(t *testing.T) {
	e := (&Data{}).ExpiryChanges()

	before := e.CreateStarted()
	if e.RunnerCreated(1, "group_type", before) {
		t.Error("runner 1: no interval changed during its create")
	}
	overlapping := e.CreateStarted()
	otherType := e.CreateStarted()
	if got := e.IntervalsChanged([]string{"group_type"}); !reflect.DeepEqual(ids(got), []int64{1}) {
		t.Errorf("the change names runners %v, want [1] (created before it)", ids(got))
	}
	if !e.RunnerCreated(2, "group_type", overlapping) {
		t.Error("runner 2 started before the change finished and ended after it: want it named")
	}
	if e.RunnerCreated(3, "project_type", otherType) {
		t.Error("runner 3 is a project runner: the group interval does not apply to it")
	}
	after := e.CreateStarted()
	if e.RunnerCreated(4, "group_type", after) {
		t.Error("runner 4 started after the change: its token has the new interval")
	}
	if got := e.IntervalsChanged([]string{"project_type"}); !reflect.DeepEqual(ids(got), []int64{3}) {
		t.Errorf("a later change of the project interval names %v, want [3]", ids(got))
	}
	if got := e.IntervalsChanged(nil); got != nil {
		t.Errorf("no interval changed, yet %v named", ids(got))
	}
}

func ids(rs []CreatedRunner) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
