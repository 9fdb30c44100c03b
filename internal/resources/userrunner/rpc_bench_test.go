package userrunner_test

// BenchmarkRunnerRPCs: the provider's own cost per runner, without
// Terraform. `make bench` (tools/bench) measures whole Terraform commands,
// whose figures move with the machine's load; this serves, in-process, the
// RPCs Terraform 1.5.7 sends for one gitlabrunner_user_runner in each phase
// of `make bench` (counted from its TF_LOG=trace), against the in-process
// mock, so that a change to the provider's hot paths shows in ns/op, B/op and
// allocs/op, and in cpu-ns/op, the process's CPU time per runner (garbage
// collection included, less moved by other load than ns/op):
// go test -bench RunnerRPCs -benchmem -count 6 | benchstat. The mock's work
// is in the figures too, the same before and after a change.
// What Terraform sends once per command (GetProviderSchema per process,
// ConfigureProvider, one ValidateResourceConfig of the block) is not.
//
//	go test ./internal/resources/userrunner -run '^$' -bench RunnerRPCs -benchmem

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/processdefaults"
)

func BenchmarkRunnerRPCs(b *testing.B) {
	processdefaults.Apply() // the provider process's settings: no SDK logs, its garbage collector
	m := acctest.StartMock(b)
	p := newProtocolRunner(b, m, m.Seed.AdminToken, map[string]tftypes.Value{
		"runner_type": tftypes.NewValue(tftypes.String, "group_type"),
		"group_id":    tftypes.NewValue(tftypes.Number, m.Seed.Group.ID),
		"description": tftypes.NewValue(tftypes.String, "bench r0001"),
		"tag_list": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
			tftypes.NewValue(tftypes.String, "bench"), tftypes.NewValue(tftypes.String, "v1")}),
		"rotation_triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
			"rotation": tftypes.NewValue(tftypes.String, "r1")}),
	})

	// create (terraform apply): ValidateResourceConfig and PlanResourceChange
	// in the plan's process and again in the apply's, then the create.
	b.Run("create", func(b *testing.B) {
		cpu := startCPU()
		for b.Loop() {
			p.validate()
			p.planCreate()
			p.validate()
			p.create()
		}
		cpu.report(b)
	})

	// refresh (terraform plan, nothing changed): UpgradeResourceState,
	// ReadResource, ValidateResourceConfig, PlanResourceChange.
	b.Run("refresh", func(b *testing.B) {
		state, private := p.create()
		cpu := startCPU()
		for b.Loop() {
			current := p.upgrade(state)
			current, priv := p.refresh(current, private)
			p.validate()
			p.plan(current, priv)
		}
		cpu.report(b)
	})

	// destroy (terraform destroy -refresh=true): the refresh, the destroy's
	// plan in the plan's process and again in the apply's, the delete; the
	// apply's process upgrades the state twice more.
	b.Run("destroy", func(b *testing.B) {
		cpu := startCPU()
		for b.Loop() {
			b.StopTimer()
			cpu.pause()
			state, private := p.create()
			cpu.resume()
			b.StartTimer()
			current := p.upgrade(state)
			current, priv := p.refresh(current, private)
			p.validate()
			p.planDestroy(current, priv)
			p.upgrade(current)
			p.upgrade(current)
			planned := p.planDestroy(current, priv)
			p.destroy(current, planned)
		}
		cpu.report(b)
	})
}

// cpuMeter adds up the process's CPU time while it runs.
type cpuMeter struct {
	used  time.Duration
	since time.Duration
}

func startCPU() *cpuMeter   { return &cpuMeter{since: processCPU()} }
func (c *cpuMeter) pause()  { c.used += processCPU() - c.since }
func (c *cpuMeter) resume() { c.since = processCPU() }

// report ends the measurement and reports it per op as cpu-ns/op.
func (c *cpuMeter) report(b *testing.B) {
	c.pause()
	if c.used > 0 && b.N > 0 {
		b.ReportMetric(float64(c.used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// planCreate is PlanResourceChange of the runner's creation.
func (p *protocolRunner) planCreate() {
	p.t.Helper()
	null := tftypes.NewValue(p.typ, nil)
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, null), ProposedNewState: dynamic(p.t, p.typ, p.config), Config: dynamic(p.t, p.typ, p.config)})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("plan create: %v %s", err, diagText(resp.Diagnostics))
	}
}

// validate is ValidateResourceConfig of the runner's configuration.
func (p *protocolRunner) validate() {
	p.t.Helper()
	resp, err := p.srv.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: resourceType, Config: dynamic(p.t, p.typ, p.config)})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("validate: %v %s", err, diagText(resp.Diagnostics))
	}
}

// upgrade is UpgradeResourceState of a state as Terraform stores it (JSON,
// the current schema version).
func (p *protocolRunner) upgrade(state tftypes.Value) tftypes.Value {
	p.t.Helper()
	raw, err := json.Marshal(jsonValue(state))
	if err != nil {
		p.t.Fatal(err)
	}
	resp, err := p.srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: resourceType, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("upgrade: %v %s", err, diagText(resp.Diagnostics))
	}
	return p.value(resp.UpgradedState)
}

// planDestroy is PlanResourceChange of the runner's destruction; it returns
// the planned private state.
func (p *protocolRunner) planDestroy(state tftypes.Value, private []byte) []byte {
	p.t.Helper()
	null := tftypes.NewValue(p.typ, nil)
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, state), ProposedNewState: dynamic(p.t, p.typ, null), Config: dynamic(p.t, p.typ, null),
		PriorPrivate: private})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("plan destroy: %v %s", err, diagText(resp.Diagnostics))
	}
	return resp.PlannedPrivate
}

// jsonValue is v as Terraform writes it in a state file's attributes.
func jsonValue(v tftypes.Value) any {
	if v.IsNull() {
		return nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case typ.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case typ.Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return json.Number(n.Text('g', -1))
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			out = append(out, jsonValue(e))
		}
		return out
	default: // map, object
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := make(map[string]any, len(attrs))
		for k, e := range attrs {
			out[k] = jsonValue(e)
		}
		return out
	}
}
