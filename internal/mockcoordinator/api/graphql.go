package api

// POST /api/graphql: the part of GitLab's GraphQL API the provider uses, with
// GitLab's answers:
//
//   - Query.runner(id: CiRunnerID!) { id tokenExpiresAt } (graphql_runner.go);
//   - Query.group(fullPath: ID!) { id fullPath allowStaleRunnerPruning } and
//     Mutation.namespaceCiCdSettingsUpdate(input: {fullPath,
//     allowStaleRunnerPruning}) (graphql_group.go);
//   - every GraphQL-level outcome is 200: {"data":…} or {"errors":[…]};
//   - a personal access token needs the api or read_api scope; an unknown
//     token or one without those scopes is 401 {"errors":[{"message":"Invalid
//     token"}]} (GraphqlController#authorize_access_api!); no token at all is
//     an anonymous request; mutations need the api scope;
//   - an object that does not exist, or that the caller may not read, is
//     null without an error (graphql-ruby's authorization hides it).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// graphQLPath is where GitLab serves GraphQL (outside /api/v4).
const graphQLPath = "/api/graphql"

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
	v := graphQLValidator{op: op, version: c.st.Version(), variables: variables, args: map[string]any{}}
	switch op.kind {
	case "query":
		v.validateQuery()
	case "mutation":
		v.validateMutation()
	default:
		v.errs = append(v.errs, gqlError{Message: "The mock coordinator answers GraphQL queries and mutations only, not a " + op.kind + "."})
	}
	if len(v.errs) > 0 {
		c.graphQLErrors(v.errs...)
		return
	}
	if op.kind == "mutation" {
		c.runMutation(op, caller, v.args)
		return
	}
	c.runQuery(op, caller, v.args)
}

// runQuery answers a validated query's root fields.
func (c *reqCtx) runQuery(op *gqlOperation, caller *store.Caller, args map[string]any) {
	w := &jsonWriter{b: make([]byte, 0, 256)}
	w.beginObject()
	w.key("data").beginObject()
	for _, f := range op.fields {
		switch f.name {
		case "__typename":
			w.key(f.key()).string("Query")
		case "runner":
			id, _ := args[f.key()].(int64) // validateQuery resolved it
			c.writeGraphQLRunner(w, f, caller, id)
		case "group":
			fullPath, _ := args[f.key()].(string) // validateQuery resolved it
			c.writeGraphQLGroup(w, f, caller, fullPath)
		}
	}
	w.endObject()
	w.endObject()
	c.json(http.StatusOK, jsonDocument(w.b))
}

// writeSelection writes the object of a selection: each selected field's
// key, then its value, which value writes (typename answers __typename).
func writeSelection(w *jsonWriter, fields []gqlField, typename string, value func(sub gqlField)) {
	w.beginObject()
	for _, sub := range fields {
		w.key(sub.key())
		if sub.name == "__typename" {
			w.string(typename)
			continue
		}
		value(sub)
	}
	w.endObject()
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

// graphQLValidator checks an operation against the mock's schema with
// graphql-ruby's messages, and resolves each root field's argument into args
// (by answer key): a runner id, a group's full path, a mutation's input.
type graphQLValidator struct {
	op        *gqlOperation
	version   store.Version
	variables map[string]any
	errs      []gqlError
	args      map[string]any
}

func (v *graphQLValidator) add(msg string, loc gqlLocation, path []string, ext map[string]any) {
	v.errs = append(v.errs, gqlError{Message: msg, Locations: []gqlLocation{loc}, Path: path, Extensions: ext})
}

// opPath is the operation's name in error paths: "query", "query Name".
func (v *graphQLValidator) opPath() string {
	if v.op.name != "" {
		return v.op.kind + " " + v.op.name
	}
	return v.op.kind
}

// undefinedField is graphql-ruby's error for a field typeName does not have.
func (v *graphQLValidator) undefinedField(typeName string, f gqlField, path []string) {
	v.add(fmt.Sprintf("Field '%s' doesn't exist on type '%s'", f.name, typeName), f.loc, path,
		map[string]any{"code": "undefinedField", "typeName": typeName, "fieldName": f.name})
}

// validateQuery checks the root fields of a query.
func (v *graphQLValidator) validateQuery() {
	for _, f := range v.op.fields {
		path := []string{v.opPath(), f.key()}
		switch f.name {
		case "__typename":
		case "runner":
			v.runnerSelection(f, path)
			if id, ok := v.runnerID(f, path); ok {
				v.args[f.key()] = id
			}
		case "group":
			v.groupSelection(f, path)
			if fullPath, ok := v.groupFullPath(f, path); ok {
				v.args[f.key()] = fullPath
			}
		default:
			v.undefinedField("Query", f, path)
		}
	}
}

// validateMutation checks the root fields of a mutation.
func (v *graphQLValidator) validateMutation() {
	for _, f := range v.op.fields {
		path := []string{v.opPath(), f.key()}
		switch {
		case f.name == "__typename":
		case f.name == "namespaceCiCdSettingsUpdate" && v.version.HasStaleRunnerPruning():
			v.namespaceSettingsSelection(f, path)
			if input, ok := v.namespaceSettingsInput(f, path); ok {
				v.args[f.key()] = input
			}
		default:
			v.undefinedField("Mutation", f, path)
		}
	}
}

// variable resolves an argument given as a variable: declared, of type
// want; ok is false (with the error) otherwise.
func (v *graphQLValidator) variable(f gqlField, path []string, argName string, arg gqlValue, want string) (any, bool) {
	def, declared := v.op.variables[arg.variable]
	if !declared {
		name := "anonymous " + v.op.kind
		if v.op.name != "" {
			name = v.op.name
		}
		v.add(fmt.Sprintf("Variable $%s is used by %s but not declared", arg.variable, name), f.loc, path,
			map[string]any{"code": "variableNotDefined", "variableName": arg.variable})
		return nil, false
	}
	if def.typ != want {
		v.add(fmt.Sprintf("Type mismatch on variable $%s and argument %s (%s / %s)", arg.variable, argName, def.typ, want), f.loc, path,
			map[string]any{"code": "variableMismatch", "variableName": arg.variable, "typeName": def.typ, "argumentName": argName, "errorMessage": "Type mismatch"})
		return nil, false
	}
	return v.variables[arg.variable], true
}

// onlyArguments refuses arguments of f other than allowed.
func (v *graphQLValidator) onlyArguments(f gqlField, path []string, allowed ...string) {
	for name := range f.args {
		if !slices.Contains(allowed, name) {
			v.add(fmt.Sprintf("Field '%s' doesn't accept argument '%s'", f.name, name), f.loc, path,
				map[string]any{"code": "argumentNotAccepted", "name": f.name, "typeName": "Field", "argumentName": name})
		}
	}
}

// requiredArgument is f's argument name, or an error when it is missing.
func (v *graphQLValidator) requiredArgument(f gqlField, path []string, name string) (gqlValue, bool) {
	arg, ok := f.args[name]
	if !ok {
		v.add(fmt.Sprintf("Field '%s' is missing required arguments: %s", f.name, name), f.loc, path,
			map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": f.name, "arguments": name})
	}
	return arg, ok
}

// selection checks that f selects only the fields known says typeName has.
func (v *graphQLValidator) selection(f gqlField, path []string, typeName string, known func(name string) bool) {
	if !f.hasSelect {
		v.add(fmt.Sprintf("Field must have selections (field '%s' returns %s but has no selections. Did you mean '%s { ... }'?)", f.name, typeName, f.name),
			f.loc, path, map[string]any{"code": "selectionMismatch", "nodeName": "field '" + f.name + "'", "typeName": typeName})
		return
	}
	for _, sub := range f.fields {
		if sub.name != "__typename" && !known(sub.name) {
			v.undefinedField(typeName, sub, append(append([]string{}, path...), sub.key()))
		}
	}
}
