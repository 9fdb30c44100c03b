package api

// POST /api/graphql: the part of GitLab's GraphQL API the provider reads,
// `runner(id: CiRunnerID!) { id tokenExpiresAt }`, with GitLab's answers:
//
//   - every GraphQL-level outcome is 200: {"data":…} or {"errors":[…]};
//   - a personal access token needs the api or read_api scope; an unknown
//     token or one without those scopes is 401 {"errors":[{"message":"Invalid
//     token"}]} (GraphqlController#authorize_access_api!); no token at all is
//     an anonymous request;
//   - a runner that does not exist, or that the caller may not read
//     (read_runner), is "runner": null without an error (graphql-ruby's
//     authorization on CiRunner hides it);
//   - tokenExpiresAt is the current token's expiry in ISO 8601 with seconds
//     (Types::TimeType: value.iso8601), null for a token without expiry, and
//     exists from GitLab 14.8 (≈).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// graphQLPath is where GitLab serves GraphQL (outside /api/v4).
const graphQLPath = "/api/graphql"

// runnerGlobalID matches a GraphQL global id; the model must be Ci::Runner.
var runnerGlobalID = regexp.MustCompile(`^gid://gitlab/([A-Za-z][A-Za-z0-9:]*)/(\d+)$`)

// graphQL answers POST /api/graphql.
func (c *reqCtx) graphQL() {
	caller, ok := c.graphQLCaller()
	if !ok {
		return
	}
	if !c.parseParams() {
		return
	}
	query, _ := c.p.m["query"].(string)
	if query == "" {
		c.graphQLErrors(gqlError{Message: "No query string was present"})
		return
	}
	variables, gerr := graphQLVariables(c.p.m["variables"])
	if gerr != nil {
		c.graphQLErrors(*gerr)
		return
	}
	op, gerr := gqlParse(query)
	if gerr != nil {
		c.graphQLErrors(*gerr)
		return
	}
	if op.kind != "query" {
		c.graphQLErrors(gqlError{Message: "The mock coordinator answers GraphQL queries only (runner(id:) { id tokenExpiresAt }), not a " + op.kind + "."})
		return
	}
	v := graphQLValidator{op: op, version: c.st.Version(), variables: variables}
	runners := v.validate()
	if len(v.errs) > 0 {
		c.graphQLErrors(v.errs...)
		return
	}

	w := &jsonWriter{b: make([]byte, 0, 256)}
	w.beginObject()
	w.key("data").beginObject()
	for _, f := range op.fields {
		switch f.name {
		case "__typename":
			w.key(f.key()).string("Query")
		case "runner":
			c.writeGraphQLRunner(w, f, caller, runners[f.key()])
		}
	}
	w.endObject()
	w.endObject()
	c.json(http.StatusOK, jsonDocument(w.b))
}

// graphQLCaller authenticates as GitLab's GraphqlController does. A nil
// caller is an anonymous request.
func (c *reqCtx) graphQLCaller() (*store.Caller, bool) {
	token := userToken(c.r)
	if token == "" {
		return nil, true
	}
	caller, err := c.st.Authenticate(token, store.ScopeAPI, store.ScopeReadAPI)
	var e *store.Error
	if errors.As(err, &e) && (e.Reason == store.Unauthorized || e.Reason == store.InsufficientScope) {
		c.json(http.StatusUnauthorized, map[string]any{"errors": []gqlError{{Message: "Invalid token"}}})
		return nil, false
	}
	if err != nil {
		c.fail(err)
		return nil, false
	}
	return caller, true
}

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
	w.beginObject()
	for _, sub := range f.fields {
		w.key(sub.key())
		switch sub.name {
		case "__typename":
			w.string("CiRunner")
		case "id":
			w.string("gid://gitlab/Ci::Runner/" + strconv.FormatInt(d.ID, 10))
		case "tokenExpiresAt":
			if d.TokenExpiresAt == nil {
				w.null()
			} else {
				w.string(d.TokenExpiresAt.UTC().Format(time.RFC3339))
			}
		}
	}
	w.endObject()
}

func (c *reqCtx) graphQLErrors(errs ...gqlError) {
	c.json(http.StatusOK, map[string]any{"errors": errs})
}

// graphQLVariables reads "variables": a JSON object, or a string holding
// one (GitLab accepts both), or nothing.
func graphQLVariables(raw any) (map[string]any, *gqlError) {
	switch v := raw.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	case string:
		if v == "" {
			return map[string]any{}, nil
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, &gqlError{Message: "Unexpected end of input"}
		}
		if m == nil {
			m = map[string]any{}
		}
		return m, nil
	}
	return nil, &gqlError{Message: fmt.Sprintf("Unexpected parameter: %v", raw)}
}

// graphQLValidator checks a query against the mock's schema (Query.runner,
// CiRunner.id/tokenExpiresAt) with graphql-ruby's messages, and resolves
// each runner field's id.
type graphQLValidator struct {
	op        *gqlOperation
	version   store.Version
	variables map[string]any
	errs      []gqlError
}

func (v *graphQLValidator) add(msg string, loc gqlLocation, path []string, ext map[string]any) {
	v.errs = append(v.errs, gqlError{Message: msg, Locations: []gqlLocation{loc}, Path: path, Extensions: ext})
}

// validate returns the runner id of every runner field, by answer key.
func (v *graphQLValidator) validate() map[string]int64 {
	ids := map[string]int64{}
	opPath := "query"
	if v.op.name != "" {
		opPath = "query " + v.op.name
	}
	for _, f := range v.op.fields {
		path := []string{opPath, f.key()}
		switch f.name {
		case "__typename":
			continue
		case "runner":
		default:
			v.add(fmt.Sprintf("Field '%s' doesn't exist on type 'Query'", f.name), f.loc, path,
				map[string]any{"code": "undefinedField", "typeName": "Query", "fieldName": f.name})
			continue
		}
		v.runnerSelection(f, path)
		if id, ok := v.runnerID(f, path); ok {
			ids[f.key()] = id
		}
	}
	return ids
}

func (v *graphQLValidator) runnerSelection(f gqlField, path []string) {
	if !f.hasSelect {
		v.add("Field must have selections (field 'runner' returns CiRunner but has no selections. Did you mean 'runner { ... }'?)",
			f.loc, path, map[string]any{"code": "selectionMismatch", "nodeName": "field 'runner'", "typeName": "CiRunner"})
		return
	}
	for _, sub := range f.fields {
		known := sub.name == "id" || sub.name == "__typename" || (sub.name == "tokenExpiresAt" && v.version.HasGraphQLTokenExpiry())
		if !known {
			v.add(fmt.Sprintf("Field '%s' doesn't exist on type 'CiRunner'", sub.name), sub.loc, append(append([]string{}, path...), sub.key()),
				map[string]any{"code": "undefinedField", "typeName": "CiRunner", "fieldName": sub.name})
		}
	}
}

// runnerID resolves runner's id argument to a runner id.
func (v *graphQLValidator) runnerID(f gqlField, path []string) (int64, bool) {
	for name := range f.args {
		if name != "id" {
			v.add(fmt.Sprintf("Field 'runner' doesn't accept argument '%s'", name), f.loc, path,
				map[string]any{"code": "argumentNotAccepted", "name": "runner", "typeName": "Field", "argumentName": name})
		}
	}
	arg, ok := f.args["id"]
	if !ok {
		v.add("Field 'runner' is missing required arguments: id", f.loc, path,
			map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": "runner", "arguments": "id"})
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
	def, declared := v.op.variables[arg.variable]
	if !declared {
		name := "anonymous query"
		if v.op.name != "" {
			name = v.op.name
		}
		v.add(fmt.Sprintf("Variable $%s is used by %s but not declared", arg.variable, name), f.loc, path,
			map[string]any{"code": "variableNotDefined", "variableName": arg.variable})
		return 0, false
	}
	if def.typ != "CiRunnerID!" {
		v.add(fmt.Sprintf("Type mismatch on variable $%s and argument id (%s / CiRunnerID!)", arg.variable, def.typ), f.loc, path,
			map[string]any{"code": "variableMismatch", "variableName": arg.variable, "typeName": def.typ, "argumentName": "id", "errorMessage": "Type mismatch"})
		return 0, false
	}
	value := v.variables[arg.variable]
	id, why := parseRunnerGlobalID(value)
	if why != "" {
		v.errs = append(v.errs, gqlError{
			Message:    fmt.Sprintf("Variable $%s of type CiRunnerID! was provided invalid value", arg.variable),
			Locations:  []gqlLocation{def.loc},
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
