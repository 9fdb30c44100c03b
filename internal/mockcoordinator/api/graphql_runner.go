package api

// GraphQL's Query.runner(id: CiRunnerID!) { id tokenExpiresAt }: a runner
// that does not exist, or that the caller may not read (read_runner), is
// "runner": null without an error; tokenExpiresAt is the current token's
// expiry in ISO 8601 with seconds (Types::TimeType: value.iso8601), null for
// a token without expiry, and exists from GitLab 14.8 (≈).

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// runnerGlobalID matches a GraphQL global id; the model must be Ci::Runner.
var runnerGlobalID = regexp.MustCompile(`^gid://gitlab/([A-Za-z][A-Za-z0-9:]*)/(\d+)$`)

// writeGraphQLRunner resolves one runner field: null when the runner does
// not exist or the caller may not read it.
func (c *reqCtx) writeGraphQLRunner(w *jsonWriter, f gqlField, caller *store.Caller, id int64) {
	w.key(f.key())
	if caller == nil {
		w.null()
		return
	}
	d, err := caller.Runner(id)
	if err != nil {
		w.null()
		return
	}
	writeSelection(w, f.fields, "CiRunner", func(sub gqlField) {
		switch sub.name {
		case "id":
			w.string("gid://gitlab/Ci::Runner/" + strconv.FormatInt(d.ID, 10))
		case "tokenExpiresAt":
			if d.TokenExpiresAt == nil {
				w.null()
			} else {
				w.string(d.TokenExpiresAt.UTC().Format(time.RFC3339))
			}
		}
	})
}

func (v *graphQLValidator) runnerSelection(f gqlField, path []string) {
	v.selection(f, path, "CiRunner", func(name string) bool {
		return name == "id" || (name == "tokenExpiresAt" && v.version.HasGraphQLTokenExpiry())
	})
}

// runnerID resolves runner's id argument to a runner id.
func (v *graphQLValidator) runnerID(f gqlField, path []string) (int64, bool) {
	v.onlyArguments(f, path, "id")
	arg, ok := v.requiredArgument(f, path, "id")
	if !ok {
		return 0, false
	}
	if arg.variable == "" {
		id, why := parseRunnerGlobalID(arg.literal)
		if why != "" {
			v.add(fmt.Sprintf("Argument 'id' on Field 'runner' has an invalid value (%s). Expected type 'CiRunnerID!'.", arg.text),
				f.loc, path, map[string]any{"code": "argumentLiteralsIncompatible", "typeName": "Field", "argumentName": "id"})
			return 0, false
		}
		return id, true
	}
	value, ok := v.variable(f, path, "id", arg, "CiRunnerID!")
	if !ok {
		return 0, false
	}
	id, why := parseRunnerGlobalID(value)
	if why != "" {
		v.errs = append(v.errs, gqlError{
			Message:    fmt.Sprintf("Variable $%s of type CiRunnerID! was provided invalid value", arg.variable),
			Locations:  []gqlLocation{v.op.variables[arg.variable].loc},
			Extensions: map[string]any{"value": value, "problems": []map[string]any{{"path": []string{}, "explanation": why}}},
		})
		return 0, false
	}
	return id, true
}

// parseRunnerGlobalID reads "gid://gitlab/Ci::Runner/42"; why says what is
// wrong otherwise, in Types::GlobalIDType's words.
func parseRunnerGlobalID(value any) (int64, string) {
	if value == nil {
		return 0, "Expected value to not be null"
	}
	s, ok := value.(string)
	if !ok {
		return 0, fmt.Sprintf("Could not coerce value %v to CiRunnerID", value)
	}
	m := runnerGlobalID.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Sprintf("%q is not a valid Global ID", s)
	}
	if m[1] != "Ci::Runner" {
		return 0, fmt.Sprintf("%q does not represent an instance of Ci::Runner", s)
	}
	id, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("%q is not a valid Global ID", s)
	}
	return id, ""
}
