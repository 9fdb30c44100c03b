package userrunner_test

// The plan's warning about a stale token, through the plugin protocol as
// Terraform calls it (create, refresh with private state, plan): the
// acceptance tests prove what the plan does, but terraform-plugin-testing
// does not expose warnings.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

const resourceType = "gitlabrunner_user_runner"

// protocolRunner drives one gitlabrunner_user_runner through the provider
// server the way Terraform does.
type protocolRunner struct {
	t      testing.TB
	srv    tfprotov6.ProviderServer
	typ    tftypes.Object
	config tftypes.Value
}

func newProtocolRunner(t testing.TB, m *acctest.Mock, token string, set map[string]tftypes.Value) *protocolRunner {
	t.Helper()
	ctx := context.Background()
	srv, err := providertest.Factories(m.Now)["gitlabrunner"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schemas.Provider == nil || schemas.ResourceSchemas[resourceType] == nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	cfg := objectOf(providerType, map[string]tftypes.Value{
		"base_url": tftypes.NewValue(tftypes.String, m.URL()),
		"token":    tftypes.NewValue(tftypes.String, token),
	})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(t, providerType, cfg), TerraformVersion: "1.5.7"})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %s", err, diagText(resp.Diagnostics))
	}
	typ := schemas.ResourceSchemas[resourceType].ValueType().(tftypes.Object)
	return &protocolRunner{t: t, srv: srv, typ: typ, config: objectOf(typ, set)}
}

// create plans and applies the creation; it returns the state and private state.
func (p *protocolRunner) create() (tftypes.Value, []byte) {
	p.t.Helper()
	ctx := context.Background()
	null := tftypes.NewValue(p.typ, nil)
	plan, err := p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, null), ProposedNewState: dynamic(p.t, p.typ, p.config), Config: dynamic(p.t, p.typ, p.config)})
	if err != nil || hasError(plan.Diagnostics) {
		p.t.Fatalf("plan create: %v %s", err, diagText(plan.Diagnostics))
	}
	applied, err := p.srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, null), PlannedState: plan.PlannedState, Config: dynamic(p.t, p.typ, p.config),
		PlannedPrivate: plan.PlannedPrivate})
	if err != nil || hasError(applied.Diagnostics) {
		p.t.Fatalf("apply create: %v %s", err, diagText(applied.Diagnostics))
	}
	return p.value(applied.NewState), applied.Private
}

// refresh is ReadResource.
func (p *protocolRunner) refresh(state tftypes.Value, private []byte) (tftypes.Value, []byte) {
	p.t.Helper()
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: resourceType,
		CurrentState: dynamic(p.t, p.typ, state), Private: private})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("refresh: %v %s", err, diagText(resp.Diagnostics))
	}
	return p.value(resp.NewState), resp.Private
}

// plan is PlanResourceChange with an unchanged configuration (the proposed
// new state is the prior state: nothing configurable changed).
func (p *protocolRunner) plan(state tftypes.Value, private []byte) (tftypes.Value, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: resourceType,
		PriorState: dynamic(p.t, p.typ, state), ProposedNewState: dynamic(p.t, p.typ, state), Config: dynamic(p.t, p.typ, p.config),
		PriorPrivate: private})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("plan: %v %s", err, diagText(resp.Diagnostics))
	}
	return p.value(resp.PlannedState), resp.Diagnostics
}

func (p *protocolRunner) value(dv *tfprotov6.DynamicValue) tftypes.Value {
	p.t.Helper()
	v, err := dv.Unmarshal(p.typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// attr is one attribute of an object value.
func attr(t testing.TB, obj tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := obj.As(&m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func objectOf(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func dynamic(t testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// startExpiringMock is a mock whose group runner tokens expire.
func startExpiringMock(t *testing.T) *acctest.Mock {
	m := acctest.StartMock(t)
	seconds := int64(tokenLifetime / time.Second)
	m.Store().UpdateSettings(func(s *store.Settings) { s.GroupRunnerTokenExpirationInterval = &seconds })
	return m
}

// TestPlanWarnsAboutStaleToken: after a rotation outside Terraform, the plan
// warns, naming the runner, both expiries and what happens next; with
// "rotate" it plans the rotation, with the default it plans nothing. A token
// nobody touched gets no warning.
func TestPlanWarnsAboutStaleToken(t *testing.T) {
	for _, onStale := range []string{"", "rotate"} {
		t.Run("on_stale_token="+onStale, func(t *testing.T) {
			t.Parallel()
			m := startExpiringMock(t)
			set := map[string]tftypes.Value{
				"runner_type": tftypes.NewValue(tftypes.String, "group_type"),
				"group_id":    tftypes.NewValue(tftypes.Number, m.Seed.Group.ID),
				"token_check": tftypes.NewValue(tftypes.String, "graphql"),
			}
			if onStale != "" {
				set["on_stale_token"] = tftypes.NewValue(tftypes.String, onStale)
			}
			p := newProtocolRunner(t, m, m.Seed.Group.OwnerToken, set)
			state, private := p.create()
			var id, token, createdExpiry string
			_ = attr(t, state, "id").As(&id)
			_ = attr(t, state, "token").As(&token)
			_ = attr(t, state, "token_expires_at").As(&createdExpiry)

			state, private = p.refresh(state, private)
			if _, diags := p.plan(state, private); len(diags) != 0 {
				t.Fatalf("untouched token: want no diagnostics, got %s", diagText(diags))
			}

			m.Clock.Advance(24 * time.Hour)
			if status, _ := m.RotateAsRunner(t, token); status != 201 {
				t.Fatalf("self-rotation answered %d", status)
			}
			rotatedExpiry := m.Now().Add(tokenLifetime).UTC().Format(time.RFC3339)
			state, private = p.refresh(state, private)
			planned, diags := p.plan(state, private)
			if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning || diags[0].Summary != "Runner Token Is Stale" {
				t.Fatalf("want one warning \"Runner Token Is Stale\", got %s", diagText(diags))
			}
			detail := diags[0].Detail
			for _, want := range []string{"runner " + id, rotatedExpiry, createdExpiry, "GraphQL", "rotated outside Terraform"} {
				if !strings.Contains(detail, want) {
					t.Errorf("the warning lacks %q:\n%s", want, detail)
				}
			}
			if strings.Contains(detail, token) {
				t.Errorf("the warning quotes the token")
			}
			plannedToken := attr(t, planned, "token")
			if onStale == "rotate" {
				if plannedToken.IsKnown() || !strings.Contains(detail, "This plan rotates the token") {
					t.Errorf("rotate: token planned known=%v; warning: %s", plannedToken.IsKnown(), detail)
				}
				return
			}
			var kept string
			_ = plannedToken.As(&kept)
			if kept != token || !strings.Contains(detail, "Nothing changes") {
				t.Errorf("warn: the plan must keep the token in state; warning: %s", detail)
			}
		})
	}
}
