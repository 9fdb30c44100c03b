package settingsattrs

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// apiName is the setting a field of an API type holds: its JSON name, or
// for a GraphQL-only field the snake_case form of its GraphQL name.
func apiName(f reflect.StructField) string {
	if g := f.Tag.Get("graphql"); g != "" {
		var b strings.Builder
		for _, r := range g {
			if r >= 'A' && r <= 'Z' {
				b.WriteByte('_')
				r += 'a' - 'A'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// checkTable: every exported field of A has a row and every row a field;
// a row's sample goes to the API type and back unchanged, into the field of
// its name and no other; the descriptions fit a tooltip.
func checkTable[A any](t *testing.T, table Table[A]) {
	t.Helper()
	ctx := context.Background()
	typ := reflect.TypeFor[A]()
	fields := map[string]bool{}
	for i := range typ.NumField() {
		if typ.Field(i).IsExported() {
			fields[apiName(typ.Field(i))] = true
		}
	}
	schema := table.Schema()
	for _, row := range table {
		if !fields[row.Name] {
			t.Errorf("row %s: %s has no field of that name", row.Name, typ)
		}
		delete(fields, row.Name)
		config := Values{}
		for _, other := range table {
			config[other.Name] = other.field.null
		}
		config[row.Name] = row.field.sample
		a, nulls, ok, diags := table.Changes(ctx, config, config, nil)
		if !ok || diags.HasError() || len(nulls) != 0 {
			t.Fatalf("row %s: changes %v %v %s", row.Name, ok, nulls, acctest.DiagText(diags))
		}
		if set := setFields(a); len(set) != 1 || set[0] != row.Name {
			t.Errorf("row %s: sets %v", row.Name, set)
		}
		got := table.FromAPI(&a, func(name string) bool { return true })[row.Name]
		if !got.Equal(row.field.sample) {
			t.Errorf("row %s: round trip %s, want %s", row.Name, got, row.field.sample)
		}
		if !schema[row.Name].GetType().Equal(got.Type(ctx)) {
			t.Errorf("row %s: schema type %s, value type %s", row.Name, schema[row.Name].GetType(), got.Type(ctx))
		}
		if d := schema[row.Name].GetMarkdownDescription(); utf8.RuneCountInString(d) > 400 {
			t.Errorf("row %s: description of %d characters, more than a tooltip's 400", row.Name, utf8.RuneCountInString(d))
		}
		if !schema[row.Name].IsOptional() || !schema[row.Name].IsComputed() {
			t.Errorf("row %s: not Optional and Computed", row.Name)
		}
	}
	for name := range fields {
		t.Errorf("%s.%s has no row", typ, name)
	}
}

// setFields lists the settings a value of an API type sets (non-nil fields).
func setFields[A any](a A) []string {
	var out []string
	v := reflect.ValueOf(a)
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() && !v.Field(i).IsNil() {
			out = append(out, apiName(f))
		}
	}
	return out
}

func TestTables(t *testing.T) {
	t.Run("instance", func(t *testing.T) { checkTable(t, Instance) })
	t.Run("group", func(t *testing.T) { checkTable(t, Group) })
	t.Run("project", func(t *testing.T) { checkTable(t, Project) })
}

// Only configured settings GitLab does not hold yet are sent, with the
// plan's values; a 0 interval is an explicit null; the set is sent sorted.
func TestChangesSendConfiguredOnly(t *testing.T) {
	ctx := context.Background()
	unset := Values{}
	for _, row := range Instance {
		unset[row.Name] = row.field.null
	}
	if _, _, ok, _ := Instance.Changes(ctx, unset, unset, nil); ok {
		t.Fatal("nothing configured, something sent")
	}
	config := Values{}
	for k, v := range unset {
		config[k] = v
	}
	config["allow_runner_registration_token"] = types.BoolValue(false)
	config["valid_runner_registrars"] = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("project"), types.StringValue("group")})
	config["runner_token_expiration_interval"] = types.Int64Value(0)
	config["project_runner_token_expiration_interval"] = types.Int64Value(7200)
	plan := Values{}
	for k, v := range config {
		plan[k] = v
	}
	plan["group_runner_token_expiration_interval"] = types.Int64Value(99) // from the state, not configured
	current := Values{"allow_runner_registration_token": types.BoolValue(true), "project_runner_token_expiration_interval": types.Int64Value(7200)}
	a, nulls, ok, diags := Instance.Changes(ctx, config, plan, current)
	b, _ := json.Marshal(gitlabapi.UpdateApplicationSettingsOptions{ApplicationSettings: a, Null: nulls})
	// project_runner_token_expiration_interval: GitLab holds it already.
	want := `{"allow_runner_registration_token":false,"runner_token_expiration_interval":null,"valid_runner_registrars":["group","project"]}`
	if !ok || diags.HasError() || string(b) != want {
		t.Fatalf("changes = %s, want %s", b, want)
	}
}

// A setting the server's answer lacks is null, and a configured one is
// refused naming it and the version that has it; a null interval is 0.
func TestFromAPIAndUnavailable(t *testing.T) {
	var s gitlabapi.ApplicationSettings
	if err := json.Unmarshal([]byte(`{"valid_runner_registrars":[],"runner_token_expiration_interval":null,"group_runner_token_expiration_interval":3600}`), &s); err != nil {
		t.Fatal(err)
	}
	v := Instance.FromAPI(&s, s.Has)
	if !v["allow_runner_registration_token"].IsNull() || !v["runner_token_expiration_interval"].Equal(types.Int64Value(0)) ||
		!v["group_runner_token_expiration_interval"].Equal(types.Int64Value(3600)) || !v["project_runner_token_expiration_interval"].IsNull() ||
		!v["valid_runner_registrars"].Equal(types.SetValueMust(types.StringType, nil)) {
		t.Fatalf("FromAPI = %v", v)
	}
	config := Values{"allow_runner_registration_token": types.BoolValue(false), "runner_token_expiration_interval": types.Int64Value(0)}
	var diags diag.Diagnostics
	if !Instance.Unavailable(config, s.Has, "the instance", &diags) || diags.ErrorsCount() != 1 ||
		!strings.Contains(acctest.DiagText(diags), "allow_runner_registration_token: Setting Not Available on This GitLab: GitLab does not "+
			"show the setting allow_runner_registration_token for the instance, so this GitLab does not have it. It exists since GitLab ≈15.8") {
		t.Fatalf("unavailable: %s", acctest.DiagText(diags))
	}
	got := Values{"allow_runner_registration_token": types.BoolValue(true), "runner_token_expiration_interval": types.Int64Value(0)}
	if n := Instance.NotApplied(config, config, got); len(n) != 1 || n[0] != "allow_runner_registration_token" {
		t.Fatalf("not applied = %v", n)
	}
	if Join([]string{"a", "b", "c"}) != "a, b and c" || Join([]string{"a"}) != "a" {
		t.Fatal("Join")
	}
}
