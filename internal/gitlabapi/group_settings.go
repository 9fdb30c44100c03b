package gitlabapi

// A group's runner settings live in two APIs: REST (GET and PUT
// /groups/:id) and GraphQL (Group's fields, and the namespaceCiCdSettingsUpdate
// mutation) for the ones GitLab offers no REST API for. The tags of
// GroupRunnerSettings say which is which; GetGroupRunnerSettings and
// UpdateGroupRunnerSettings use each API only for its own fields.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// graphQLSetting is a field of GroupRunnerSettings that GraphQL serves.
type graphQLSetting struct {
	name  string // GraphQL's name, e.g. allowStaleRunnerPruning
	index int    // the field's index in GroupRunnerSettings
}

// groupGraphQLSettings lists the fields of GroupRunnerSettings with a graphql tag.
func groupGraphQLSettings() []graphQLSetting {
	t := reflect.TypeFor[GroupRunnerSettings]()
	var out []graphQLSetting
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("graphql"); name != "" {
			out = append(out, graphQLSetting{name: name, index: i})
		}
	}
	return out
}

// GraphQLUnavailableError is GitLab's GraphQL refusing a field or mutation
// its schema does not have: the server predates it, or it belongs to
// another edition (graphql-ruby's "Field 'x' doesn't exist on type 'Y'").
type GraphQLUnavailableError struct {
	Field, Type string
}

func (e *GraphQLUnavailableError) Error() string {
	return fmt.Sprintf("POST %s: this GitLab's GraphQL API has no field %s on type %s", graphQLPath, e.Field, e.Type)
}

// GetGroupRunnerSettings reads a group (GET /groups/:id) and the runner
// settings only GraphQL shows (query group(fullPath)). A GraphQL setting the
// server does not have is left nil and Has reports it absent.
func (c *Client) GetGroupRunnerSettings(ctx context.Context, id int64) (*Group, error) {
	g, err := c.GetGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	return g, c.readGroupGraphQLSettings(ctx, g)
}

// UpdateGroupRunnerSettings changes the settings set in s of group g, as
// GetGroupRunnerSettings just read it, and returns the group as GitLab shows
// it then: the REST settings by PUT /groups/:id (Owners), the GraphQL ones by
// the namespaceCiCdSettingsUpdate mutation (admin_namespace: Owners). The
// part with nothing to change is taken from g, not read again.
func (c *Client) UpdateGroupRunnerSettings(ctx context.Context, g *Group, s GroupRunnerSettings) (*Group, error) {
	out := *g
	out.keys = maps.Clone(g.keys)
	if rest, _ := json.Marshal(s); string(rest) != "{}" {
		var fresh Group
		path := "/groups/" + strconv.FormatInt(g.ID, 10)
		if _, err := c.doJSON(ctx, call{method: http.MethodPut, path: path, body: s, idempotent: true, userAuth: true}, &fresh); err != nil {
			return nil, err
		}
		fresh.copyGraphQLSettings(g)
		out = fresh
	}
	input := map[string]any{}
	v := reflect.ValueOf(s)
	for _, f := range groupGraphQLSettings() {
		if fv := v.Field(f.index); !fv.IsNil() {
			input[f.name] = fv.Interface()
		}
	}
	if len(input) == 0 {
		return &out, nil
	}
	input["fullPath"] = out.FullPath
	if err := c.updateGroupGraphQLSettings(ctx, &out, input); err != nil {
		return nil, err
	}
	return &out, nil
}

// copyGraphQLSettings takes the GraphQL settings (and whether GitLab has
// them) from another reading of the group.
func (g *Group) copyGraphQLSettings(from *Group) {
	dst, src := reflect.ValueOf(&g.GroupRunnerSettings).Elem(), reflect.ValueOf(from.GroupRunnerSettings)
	for _, f := range groupGraphQLSettings() {
		dst.Field(f.index).Set(src.Field(f.index))
		if from.Has(snakeCase(f.name)) {
			if g.keys == nil {
				g.keys = map[string]bool{}
			}
			g.keys[snakeCase(f.name)] = true
		}
	}
}

// readGroupGraphQLSettings fills g's GraphQL settings.
func (c *Client) readGroupGraphQLSettings(ctx context.Context, g *Group) error {
	fields := groupGraphQLSettings()
	for len(fields) > 0 {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		query := "query groupRunnerSettings($fullPath: ID!) { group(fullPath: $fullPath) { id " + strings.Join(names, " ") + " } }"
		var out struct {
			Group map[string]json.RawMessage `json:"group"`
		}
		err := c.graphQL(ctx, query, map[string]any{"fullPath": g.FullPath}, &out)
		var unavailable *GraphQLUnavailableError
		if errors.As(err, &unavailable) && unavailable.Type == "Group" {
			fields = without(fields, unavailable.Field) // ask again without it
			continue
		}
		if err != nil {
			return err
		}
		if out.Group == nil {
			return fmt.Errorf("POST %s: GraphQL shows no group %q: it does not exist, or the token's user cannot read it: %w",
				graphQLPath, g.FullPath, ErrNotFound)
		}
		return g.setGraphQLSettings(fields, out.Group)
	}
	return nil
}

// groupSettingsMutation changes a namespace's CI/CD settings; GitLab
// answers with the settings after the change.
const groupSettingsMutation = "mutation groupRunnerSettingsUpdate($input: NamespaceCiCdSettingsUpdateInput!) { " +
	"namespaceCiCdSettingsUpdate(input: $input) { ciCdSettings { %s } errors } }"

// updateGroupGraphQLSettings runs the mutation with input and fills g's
// GraphQL settings from its answer.
func (c *Client) updateGroupGraphQLSettings(ctx context.Context, g *Group, input map[string]any) error {
	fields := groupGraphQLSettings()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	var out struct {
		Update *struct {
			Settings map[string]json.RawMessage `json:"ciCdSettings"`
			Errors   []string                   `json:"errors"`
		} `json:"namespaceCiCdSettingsUpdate"`
	}
	if err := c.graphQL(ctx, fmt.Sprintf(groupSettingsMutation, strings.Join(names, " ")), map[string]any{"input": input}, &out); err != nil {
		return err
	}
	if out.Update == nil {
		return fmt.Errorf("POST %s: namespaceCiCdSettingsUpdate answered nothing for group %q", graphQLPath, g.FullPath)
	}
	if len(out.Update.Errors) > 0 {
		e := &GraphQLError{Path: graphQLPath}
		for _, m := range out.Update.Errors {
			e.Messages = append(e.Messages, clip(oneLine(c.masker.mask(m))))
		}
		return e
	}
	return g.setGraphQLSettings(fields, out.Update.Settings)
}

// setGraphQLSettings sets fields of g from a GraphQL object's members and
// records them as present.
func (g *Group) setGraphQLSettings(fields []graphQLSetting, members map[string]json.RawMessage) error {
	v := reflect.ValueOf(&g.GroupRunnerSettings).Elem()
	for _, f := range fields {
		raw, ok := members[f.name]
		if !ok {
			continue
		}
		fv := v.Field(f.index)
		p := reflect.New(fv.Type().Elem())
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, p.Interface()); err != nil {
				return fmt.Errorf("POST %s: %s of group %q is not a %s: %s", graphQLPath, f.name, g.FullPath, fv.Type().Elem(), clip(string(raw)))
			}
			fv.Set(p)
		}
		if g.keys == nil {
			g.keys = map[string]bool{}
		}
		g.keys[snakeCase(f.name)] = true
	}
	return nil
}

// snakeCase is a GraphQL name as GitLab's REST API and the provider spell
// it: allowStaleRunnerPruning -> allow_stale_runner_pruning.
func snakeCase(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func without(fields []graphQLSetting, name string) []graphQLSetting {
	var out []graphQLSetting
	for _, f := range fields {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}
