package api

// GraphQL's group runner settings, which GitLab has no REST API for
// (Enterprise Edition 15.1+, store.Version.HasStaleRunnerPruning):
//
//   - Query.group(fullPath: ID!) { id fullPath allowStaleRunnerPruning }: a
//     group the caller may not read is null (ee/app/graphql/ee/types/group_type.rb:
//     allowStaleRunnerPruning, Boolean!);
//   - Mutation.namespaceCiCdSettingsUpdate(input: {fullPath: ID!,
//     allowStaleRunnerPruning: Boolean, clientMutationId: String}) {
//     ciCdSettings { allowStaleRunnerPruning } errors clientMutationId }:
//     authorizes admin_namespace (the group's Owners and administrators); a
//     group that does not exist and one the caller may not change give the
//     same error, with data null
//     (Mutations::Ci::NamespaceCiCdSettingsUpdate, authorized_find!, and
//     Gitlab::Graphql::Authorize::AuthorizeResource::RESOURCE_ACCESS_ERROR).
//     A token with read_api only may not run mutations.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator/store"
)

// resourceAccessError is graphql-ruby's answer of GitLab's authorized_find!.
const resourceAccessError = "The resource that you are attempting to access does not exist or you don't have permission to perform this action"

// namespaceSettingsInput is the input type of namespaceCiCdSettingsUpdate:
// its fields and their GraphQL types.
const namespaceSettingsInputType = "NamespaceCiCdSettingsUpdateInput"

var namespaceSettingsInputFields = map[string]string{"fullPath": "ID!", "allowStaleRunnerPruning": "Boolean", "clientMutationId": "String"}

// groupSelection checks the fields selected of a Group.
func (v *graphQLValidator) groupSelection(f gqlField, path []string) {
	v.selection(f, path, "Group", func(name string) bool {
		return name == "id" || name == "fullPath" || (name == "allowStaleRunnerPruning" && v.version.HasStaleRunnerPruning())
	})
}

// groupFullPath resolves group's fullPath argument.
func (v *graphQLValidator) groupFullPath(f gqlField, path []string) (string, bool) {
	v.onlyArguments(f, path, "fullPath")
	arg, ok := v.requiredArgument(f, path, "fullPath")
	if !ok {
		return "", false
	}
	value := arg.literal
	if arg.variable != "" {
		if value, ok = v.variable(f, path, "fullPath", arg, "ID!"); !ok {
			return "", false
		}
	}
	s, ok := coerceID(value)
	if !ok {
		v.add(fmt.Sprintf("Argument 'fullPath' on Field 'group' has an invalid value (%s). Expected type 'ID!'.", arg.text), f.loc, path,
			map[string]any{"code": "argumentLiteralsIncompatible", "typeName": "Field", "argumentName": "fullPath"})
	}
	return s, ok
}

// coerceID is GraphQL's ID coercion: a string, or an integer as a string.
func coerceID(value any) (string, bool) {
	switch x := value.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10), true
		}
	}
	return "", false
}

// writeGraphQLGroup resolves one group field: null when the group does not
// exist or the caller may not read it.
func (c *reqCtx) writeGraphQLGroup(w *jsonWriter, f gqlField, caller *store.Caller, fullPath string) {
	w.key(f.key())
	if caller == nil {
		w.null()
		return
	}
	g, err := caller.Group(store.NamespaceID{FullPath: fullPath})
	if err != nil {
		w.null()
		return
	}
	writeSelection(w, f.fields, "Group", func(sub gqlField) {
		switch sub.name {
		case "id":
			w.string("gid://gitlab/Group/" + strconv.FormatInt(g.ID, 10))
		case "fullPath":
			w.string(g.FullPath)
		case "allowStaleRunnerPruning":
			w.boolean(g.AllowStaleRunnerPruning)
		}
	})
}

// namespaceSettingsSelection checks the payload fields selected.
func (v *graphQLValidator) namespaceSettingsSelection(f gqlField, path []string) {
	v.selection(f, path, "NamespaceCiCdSettingsUpdatePayload", func(name string) bool {
		return name == "ciCdSettings" || name == "errors" || name == "clientMutationId"
	})
	for _, sub := range f.fields {
		if sub.name == "ciCdSettings" {
			v.selection(sub, append(append([]string{}, path...), sub.key()), "NamespaceCiCdSetting", func(name string) bool {
				return name == "allowStaleRunnerPruning"
			})
		}
	}
}

// namespaceSettingsInput resolves and checks the mutation's input, given as
// an object literal or a variable, with graphql-ruby's messages for each.
func (v *graphQLValidator) namespaceSettingsInput(f gqlField, path []string) (map[string]any, bool) {
	v.onlyArguments(f, path, "input")
	arg, ok := v.requiredArgument(f, path, "input")
	if !ok {
		return nil, false
	}
	if arg.variable == "" {
		return v.literalInput(f, path, arg)
	}
	value, ok := v.variable(f, path, "input", arg, namespaceSettingsInputType+"!")
	if !ok {
		return nil, false
	}
	input, _ := value.(map[string]any)
	field, why := inputProblem(input, value == nil)
	if why != "" {
		msg := fmt.Sprintf("Variable $%s of type %s! was provided invalid value", arg.variable, namespaceSettingsInputType)
		problemPath := []string{}
		if field != "" {
			msg += fmt.Sprintf(" for %s (%s)", field, why)
			problemPath = []string{field}
		}
		v.errs = append(v.errs, gqlError{Message: msg, Locations: []gqlLocation{v.op.variables[arg.variable].loc},
			Extensions: map[string]any{"value": value, "problems": []map[string]any{{"path": problemPath, "explanation": why}}}})
		return nil, false
	}
	return input, true
}

// literalInput checks an input given as an object literal.
func (v *graphQLValidator) literalInput(f gqlField, path []string, arg gqlValue) (map[string]any, bool) {
	if arg.object == nil {
		v.add(fmt.Sprintf("Argument 'input' on Field '%s' has an invalid value (%s). Expected type '%s!'.", f.name, arg.text, namespaceSettingsInputType),
			f.loc, path, map[string]any{"code": "argumentLiteralsIncompatible", "typeName": "Field", "argumentName": "input"})
		return nil, false
	}
	names := make([]string, 0, len(arg.object))
	for name := range arg.object {
		names = append(names, name)
	}
	slices.Sort(names)
	ok := true
	for _, name := range names {
		typ, known := namespaceSettingsInputFields[name]
		switch {
		case !known:
			v.add(fmt.Sprintf("InputObject '%s' doesn't accept argument '%s'", namespaceSettingsInputType, name), f.loc, path,
				map[string]any{"code": "argumentNotAccepted", "name": namespaceSettingsInputType, "typeName": "InputObject", "argumentName": name})
			ok = false
		case !coerces(typ, arg.object[name].resolve(v.variables)):
			v.add(fmt.Sprintf("Argument '%s' on InputObject '%s' has an invalid value (%s). Expected type '%s'.", name, namespaceSettingsInputType,
				arg.object[name].text, typ), f.loc, path,
				map[string]any{"code": "argumentLiteralsIncompatible", "typeName": "InputObject", "argumentName": name})
			ok = false
		}
	}
	if _, given := arg.object["fullPath"]; !given {
		v.add(fmt.Sprintf("Argument 'fullPath' on InputObject '%s' is required. Expected type ID!", namespaceSettingsInputType), f.loc, path,
			map[string]any{"code": "missingRequiredInputObjectAttribute", "argumentName": "fullPath", "argumentType": "ID!", "inputObjectType": namespaceSettingsInputType})
		ok = false
	}
	if !ok {
		return nil, false
	}
	input, _ := arg.resolve(v.variables).(map[string]any)
	return input, true
}

// inputProblem is the first field of a variable's input that is not of its
// type, and why; "" when the input is fine.
func inputProblem(input map[string]any, null bool) (field, why string) {
	if null || input == nil {
		return "", "Expected value to not be null"
	}
	names := make([]string, 0, len(input))
	for name := range input {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		typ, known := namespaceSettingsInputFields[name]
		if !known {
			return name, "Field is not defined on " + namespaceSettingsInputType
		}
		if !coerces(typ, input[name]) {
			return name, fmt.Sprintf("Could not coerce value %s to %s", rubyInspectValue(input[name]), typ[:len(typ)-len(trailingBang(typ))])
		}
	}
	if input["fullPath"] == nil {
		return "fullPath", "Expected value to not be null"
	}
	return "", ""
}

func trailingBang(typ string) string {
	if typ != "" && typ[len(typ)-1] == '!' {
		return "!"
	}
	return ""
}

// coerces reports whether value is a value of the GraphQL type typ.
func coerces(typ string, value any) bool {
	if value == nil {
		return trailingBang(typ) == ""
	}
	switch typ {
	case "ID!", "ID":
		_, ok := coerceID(value)
		return ok
	case "Boolean":
		_, ok := value.(bool)
		return ok
	case "String":
		_, ok := value.(string)
		return ok
	}
	return false
}

// rubyInspectValue renders a value as graphql-ruby's messages quote it.
func rubyInspectValue(value any) string {
	if s, ok := value.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(value)
}

// runMutation runs the mutation's root fields and answers with the payloads
// (or nulls with GitLab's authorization error).
func (c *reqCtx) runMutation(op *gqlOperation, caller *store.Caller, args map[string]any) {
	// Mutations need the api scope (BaseMutation's authorization scopes).
	if caller != nil {
		if _, err := c.st.Authenticate(userToken(c.r), store.ScopeAPI); err != nil {
			caller = nil
		}
	}
	var errs []gqlError
	w := &jsonWriter{b: make([]byte, 0, 256)}
	w.beginObject()
	w.key("data").beginObject()
	for _, f := range op.fields {
		if f.name == "__typename" {
			w.key(f.key()).string("Mutation")
			continue
		}
		input, _ := args[f.key()].(map[string]any)
		if err := c.writeNamespaceSettingsUpdate(w, f, caller, input); err != nil {
			errs = append(errs, *err)
		}
	}
	w.endObject()
	if len(errs) > 0 {
		w.key("errors").beginArray()
		for _, e := range errs {
			w.beginObject()
			w.key("message").string(e.Message)
			w.key("locations").beginArray()
			w.beginObject()
			w.key("line").integer(int64(e.Locations[0].Line))
			w.key("column").integer(int64(e.Locations[0].Column))
			w.endObject()
			w.endArray()
			w.key("path").strings(e.Path)
			w.endObject()
		}
		w.endArray()
	}
	w.endObject()
	c.json(http.StatusOK, jsonDocument(w.b))
}

// writeNamespaceSettingsUpdate runs namespaceCiCdSettingsUpdate: its
// payload, or null and the error when GitLab's authorized_find! refuses.
func (c *reqCtx) writeNamespaceSettingsUpdate(w *jsonWriter, f gqlField, caller *store.Caller, input map[string]any) *gqlError {
	w.key(f.key())
	fullPath, _ := coerceID(input["fullPath"])
	var ch store.GroupCiCdChanges
	if b, ok := input["allowStaleRunnerPruning"].(bool); ok {
		ch.AllowStaleRunnerPruning = store.Optional[bool]{Set: true, Value: b}
	}
	refused := &gqlError{Message: resourceAccessError, Locations: []gqlLocation{f.loc}, Path: []string{f.key()}}
	if caller == nil {
		w.null()
		return refused
	}
	g, err := caller.UpdateGroupCiCdSettings(store.NamespaceID{FullPath: fullPath}, ch)
	if err != nil {
		w.null()
		return refused
	}
	writeSelection(w, f.fields, "NamespaceCiCdSettingsUpdatePayload", func(sub gqlField) {
		switch sub.name {
		case "errors":
			w.strings([]string{})
		case "clientMutationId":
			id, _ := input["clientMutationId"].(string)
			w.stringOrNull(id)
		case "ciCdSettings":
			writeSelection(w, sub.fields, "NamespaceCiCdSetting", func(s gqlField) {
				if s.name == "allowStaleRunnerPruning" {
					w.boolean(g.AllowStaleRunnerPruning)
				}
			})
		}
	})
	return nil
}
