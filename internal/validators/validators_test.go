package validators

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
)

func TestRunnerTagValidator(t *testing.T) {
	cases := []struct {
		tag     string
		problem string // substring of the error, "" = valid
	}{
		{"docker", ""},
		{"linux-amd64", ""},
		{"with inner space", ""},
		{"", "cannot be empty"},
		{"   ", "spaces only"},
		{"a,b", "comma"},
		{",", "comma"},
		{" lead", "start or end with spaces"},
		{"trail ", "start or end with spaces"},
		{"\ttab", "start or end with spaces"},
		{strings.Repeat("t", 255), ""},
		{strings.Repeat("é", 255), ""}, // characters, not bytes
		{strings.Repeat("t", 256), "256 characters long; GitLab allows at most 255"},
		{"a\x00b", "NUL character"},
	}
	for _, tc := range cases {
		req := validator.StringRequest{Path: path.Root("tag_list").AtSetValue(types.StringValue(tc.tag)), ConfigValue: types.StringValue(tc.tag)}
		resp := &validator.StringResponse{}
		RunnerTag().ValidateString(context.Background(), req, resp)
		text := acctest.DiagText(resp.Diagnostics)
		if tc.problem == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("tag %q: unexpected error %s", tc.tag, text)
			}
			continue
		}
		if !resp.Diagnostics.HasError() {
			t.Errorf("tag %q: expected an error about %q", tc.tag, tc.problem)
			continue
		}
		shown := tc.tag
		if len([]rune(shown)) > 60 {
			shown = string([]rune(shown)[:60]) + "…"
		}
		for _, want := range []string{tc.problem, "tag_list", fmt.Sprintf("%q", shown)} {
			if !strings.Contains(text, want) {
				t.Errorf("tag %q: error %q should contain %q", tc.tag, text, want)
			}
		}
	}
	// Null and unknown are not checked (unknown is checked at apply by GitLab).
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		RunnerTag().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("tag_list"), ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: unexpected error", v)
		}
	}
}

// The runner id validator applies parseRunnerID's rule at plan time and
// names the attribute and the value.
func TestRunnerIDValidator(t *testing.T) {
	validate := func(v types.String) string {
		resp := &validator.StringResponse{}
		RunnerID().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("id"), ConfigValue: v}, resp)
		return acctest.DiagText(resp.Diagnostics)
	}
	for _, ok := range []types.String{types.StringValue("42"), types.StringValue("9007199254740993"), types.StringNull(), types.StringUnknown()} {
		if text := validate(ok); text != "" {
			t.Errorf("%s: unexpected error %s", ok, text)
		}
	}
	for _, bad := range []string{"", "0", "-3", "abc", "4.2", "12a", "runner-12"} {
		text := validate(types.StringValue(bad))
		for _, want := range []string{"Invalid Runner ID", fmt.Sprintf("%q is not", bad), "id must be a positive whole number"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q: error %q should contain %q", bad, text, want)
			}
		}
	}
}

func TestMaxCharsValidatorCountsCharacters(t *testing.T) {
	v := MaxChars(1024)
	cases := map[string]bool{ // value -> valid
		strings.Repeat("a", 1024): true,
		strings.Repeat("é", 1024): true, // 2048 bytes, 1024 characters
		strings.Repeat("a", 1025): false,
		strings.Repeat("é", 1025): false,
		"":                        true,
	}
	for value, valid := range cases {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("description"), ConfigValue: types.StringValue(value)}, resp)
		if resp.Diagnostics.HasError() == valid {
			t.Errorf("len %d chars: valid=%v, got diags %s", len([]rune(value)), valid, acctest.DiagText(resp.Diagnostics))
		}
		if !valid {
			text := acctest.DiagText(resp.Diagnostics)
			if !strings.Contains(text, "description") || !strings.Contains(text, "1025") || !strings.Contains(text, "1024") {
				t.Errorf("error should name the attribute, the length and the limit: %s", text)
			}
		}
	}
}

func TestPositiveDurationValidator(t *testing.T) {
	cases := map[string]string{ // value -> problem ("" = valid)
		"168h":   "",
		"72h30m": "",
		"1s":     "",
		"0":      "not positive",
		"0s":     "not positive",
		"-1h":    "not positive",
		"7d":     "not a duration",
		"abc":    "not a duration",
		"":       "not a duration",
		"168":    "not a duration",
	}
	for value, problem := range cases {
		resp := &validator.StringResponse{}
		PositiveDuration().ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("rotate_before_expiry"), ConfigValue: types.StringValue(value)}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		if problem == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q: unexpected error %s", value, text)
			}
			continue
		}
		for _, want := range []string{problem, "rotate_before_expiry", `"` + value + `"`, "168h"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q: error %q should contain %q", value, text, want)
			}
		}
	}
}

func TestParseRunnerID(t *testing.T) {
	for in, want := range map[string]int64{"42": 42, " 7 ": 7, "9007199254740993": 9007199254740993} {
		got, err := ParseRunnerID(in)
		if err != nil || got != want {
			t.Errorf("%q: got %d, %v", in, got, err)
		}
	}
	for in, problem := range map[string]string{"": "empty", "abc": "whole number", "1.5": "whole number", "0": "positive", "-3": "positive", "group/12": "whole number",
		"99999999999999999999": "larger than the largest runner id, 9223372036854775807", "-99999999999999999999": "positive"} {
		if _, err := ParseRunnerID(in); err == nil || !strings.Contains(err.Error(), problem) {
			t.Errorf("%q: got %v, want an error about %q", in, err, problem)
		}
	}
}

func TestTokenExpirationIntervalValidator(t *testing.T) {
	for _, tc := range []struct {
		value         types.Int64
		errors, warns int
		want          string
	}{
		{types.Int64Null(), 0, 0, ""},
		{types.Int64Unknown(), 0, 0, ""},
		{types.Int64Value(0), 0, 0, ""},
		{types.Int64Value(7200), 0, 0, ""},
		{types.Int64Value(2147483647), 0, 0, ""},
		{types.Int64Value(3600), 0, 1, "3600 seconds is below 7200"},
		{types.Int64Value(-1), 1, 0, "= -1 is out of range"},
		{types.Int64Value(2147483648), 1, 0, "= 2147483648 is out of range"},
	} {
		resp := &validator.Int64Response{}
		TokenExpirationInterval().ValidateInt64(context.Background(),
			validator.Int64Request{Path: path.Root("runner_token_expiration_interval"), ConfigValue: tc.value}, resp)
		text := ""
		for _, d := range resp.Diagnostics {
			text += d.Summary() + ": " + d.Detail() + "\n"
		}
		if resp.Diagnostics.ErrorsCount() != tc.errors || resp.Diagnostics.WarningsCount() != tc.warns || !strings.Contains(text, tc.want) {
			t.Errorf("%v: %s", tc.value, text)
		}
	}
}

func TestDurationWithinValidator(t *testing.T) {
	v := DurationWithin(5*time.Minute, 360*time.Hour, "GitLab's limits.")
	cases := map[string]string{ // value -> problem ("" = valid)
		"72h":     "",
		"5m1s":    "",
		"360h":    "",
		"5m":      "too short",
		"1m":      "too short",
		"-1h":     "not positive",
		"360h1s":  "too long",
		"16d":     "not a duration",
		"forever": "not a duration",
	}
	for value, problem := range cases {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("token_expires_in"), ConfigValue: types.StringValue(value)}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		if problem == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q: unexpected error %s", value, text)
			}
			continue
		}
		for _, want := range []string{problem, "token_expires_in", `"` + value + `"`, "5m0s", "360h0m0s", "GitLab's limits."} {
			if !strings.Contains(text, want) {
				t.Errorf("%q: error %q should contain %q", value, text, want)
			}
		}
	}
}

func TestTagCount(t *testing.T) {
	tags := func(n int) types.Set {
		elems := make([]attr.Value, n)
		for i := range elems {
			elems[i] = types.StringValue(fmt.Sprintf("t%d", i))
		}
		return types.SetValueMust(types.StringType, elems)
	}
	for n, wantErr := range map[int]bool{0: false, 50: false, 51: true, 10000: true} {
		resp := &validator.SetResponse{}
		TagCount().ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("tag_list"), ConfigValue: tags(n)}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%d tags: error = %v (%s)", n, resp.Diagnostics.HasError(), text)
		}
		if wantErr && !strings.Contains(text, fmt.Sprintf("tag_list has %d tags; GitLab allows at most 50", n)) {
			t.Errorf("%d tags: %s", n, text)
		}
	}
}

func TestNoNUL(t *testing.T) {
	for value, wantErr := range map[string]bool{"fine": false, "": false, "a\x00b": true, "\x00": true} {
		resp := &validator.StringResponse{}
		NoNUL().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("description"), ConfigValue: types.StringValue(value)}, resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: error = %v", value, resp.Diagnostics.HasError())
		}
		if text := acctest.DiagText(resp.Diagnostics); wantErr && !strings.Contains(text, "description contains a NUL character") {
			t.Errorf("%q: %s", value, text)
		}
	}
}

func TestNoNullElements(t *testing.T) {
	for name, set := range map[string]types.Set{
		"null element": types.SetValueMust(types.StringType, []attr.Value{types.StringValue("group"), types.StringNull()}),
		"fine":         types.SetValueMust(types.StringType, []attr.Value{types.StringValue("group")}),
		"empty":        types.SetValueMust(types.StringType, []attr.Value{}),
		"unknown elem": types.SetValueMust(types.StringType, []attr.Value{types.StringUnknown()}),
		"null set":     types.SetNull(types.StringType),
	} {
		resp := &validator.SetResponse{}
		NoNullElements(`each is "group" or "project"`).ValidateSet(context.Background(),
			validator.SetRequest{Path: path.Root("valid_runner_registrars"), ConfigValue: set}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		wantErr := name == "null element"
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%s: error = %v (%s)", name, resp.Diagnostics.HasError(), text)
		}
		if wantErr && !strings.Contains(text, `valid_runner_registrars holds a null element: each is "group" or "project"`) {
			t.Errorf("%s: %s", name, text)
		}
	}
	// The same for a list (tag_list = [var.unset] of a filter).
	for name, list := range map[string]types.List{
		"null element": types.ListValueMust(types.StringType, []attr.Value{types.StringValue("docker"), types.StringNull()}),
		"fine":         types.ListValueMust(types.StringType, []attr.Value{types.StringValue("docker")}),
		"null list":    types.ListNull(types.StringType),
	} {
		resp := &validator.ListResponse{}
		NoNullElements("each is a tag").ValidateList(context.Background(),
			validator.ListRequest{Path: path.Root("tag_list"), ConfigValue: list}, resp)
		text := acctest.DiagText(resp.Diagnostics)
		wantErr := name == "null element"
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("list, %s: error = %v (%s)", name, resp.Diagnostics.HasError(), text)
		}
		if wantErr && !strings.Contains(text, "tag_list holds a null element: each is a tag. Remove the null, or compute the list without it") {
			t.Errorf("list, %s: %s", name, text)
		}
	}
}

func TestRegexp(t *testing.T) {
	for value, wantErr := range map[string]bool{"^ci-": false, "": false, "(a|b)+$": false, "(": true, `(\w)\1`: true} {
		resp := &validator.StringResponse{}
		Regexp().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("description_matches"), ConfigValue: types.StringValue(value)}, resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: error = %v", value, resp.Diagnostics.HasError())
		}
		if text := acctest.DiagText(resp.Diagnostics); wantErr && !strings.Contains(text, fmt.Sprintf("description_matches = %q is not a regular expression", value)) {
			t.Errorf("%q: %s", value, text)
		}
	}
}
