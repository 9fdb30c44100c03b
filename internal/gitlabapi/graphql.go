package gitlabapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// graphQLPath is where GitLab serves its GraphQL API, below the instance
// root (not below /api/v4).
const graphQLPath = "/api/graphql"

// runnerTokenExpiryQuery reads one runner's token expiry. CiRunner has had
// tokenExpiresAt since GitLab 14.8 (≈, MR !79135); it needs only the
// read_runner permission and a token with the api or read_api scope.
const runnerTokenExpiryQuery = `query runnerTokenExpiry($id: CiRunnerID!) { runner(id: $id) { id tokenExpiresAt } }`

// GraphQLError is a GraphQL answer that carries errors. GitLab answers such
// queries with 200 and {"errors":[{"message":"…"}]}; Messages are those
// messages, masked.
type GraphQLError struct {
	Path     string
	Messages []string
}

func (e *GraphQLError) Error() string {
	return "POST " + e.Path + ": GraphQL error: " + strings.Join(e.Messages, "; ")
}

// RunnerTokenExpiry reads when the runner's current token expires through
// GitLab's GraphQL API (POST /api/graphql, `runner(id) { tokenExpiresAt }`):
// the one read-only place released GitLab versions show it. It has no side
// effect on the runner (unlike POST /runners/verify, which registers a
// runner manager and marks the runner as contacted).
//
// A runner GraphQL does not show (it does not exist, or the token's user
// lacks read_runner on it) matches ErrNotFound: GitLab answers both with a
// null runner.
func (c *Client) RunnerTokenExpiry(ctx context.Context, id int64) (TokenExpiry, error) {
	body := map[string]any{
		"query":     runnerTokenExpiryQuery,
		"variables": map[string]string{"id": RunnerGlobalID(id)},
	}
	var out struct {
		Data *struct {
			Runner *struct {
				ID             string      `json:"id"`
				TokenExpiresAt TokenExpiry `json:"tokenExpiresAt"`
			} `json:"runner"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	// A query changes nothing: retried like a GET. Its answer can make the
	// provider rotate a token: decoded strictly, and an ambiguous one is no
	// answer.
	cl := call{method: http.MethodPost, path: graphQLPath, instanceRoot: true, body: body, idempotent: true, userAuth: true}
	malformed, err := c.doStrictJSON(ctx, cl, &out)
	if err != nil {
		return TokenExpiry{}, err
	}
	if out.Data != nil && out.Data.Runner != nil && out.Data.Runner.TokenExpiresAt.Malformed != "" {
		malformed = append(malformed, MalformedField{Key: "data", Reason: "data.runner.tokenExpiresAt: " +
			c.masker.mask(out.Data.Runner.TokenExpiresAt.Malformed)})
	}
	if len(malformed) > 0 {
		return TokenExpiry{}, &MalformedAnswerError{Method: cl.method, Path: graphQLPath, Fields: malformed}
	}
	if len(out.Errors) > 0 {
		e := &GraphQLError{Path: graphQLPath}
		for _, m := range out.Errors {
			e.Messages = append(e.Messages, clip(oneLine(c.masker.mask(m.Message))))
		}
		return TokenExpiry{}, e
	}
	if out.Data == nil || out.Data.Runner == nil {
		return TokenExpiry{}, fmt.Errorf("POST %s: GraphQL shows no runner %s: it does not exist, or the token's user "+
			"lacks the read_runner permission on it: %w", graphQLPath, RunnerGlobalID(id), ErrNotFound)
	}
	if got := out.Data.Runner.ID; got != RunnerGlobalID(id) {
		return TokenExpiry{}, fmt.Errorf("POST %s: asked for runner %s, GitLab answered for %q", graphQLPath, RunnerGlobalID(id), got)
	}
	// GitLab sends null for a token without expiry (Known); absent or not a
	// time says nothing.
	if !out.Data.Runner.TokenExpiresAt.Known {
		return TokenExpiry{}, fmt.Errorf("POST %s: the answer for runner %s has no readable tokenExpiresAt", graphQLPath, RunnerGlobalID(id))
	}
	return out.Data.Runner.TokenExpiresAt, nil
}

// RunnerGlobalID is a runner's GraphQL global id, "gid://gitlab/Ci::Runner/42".
func RunnerGlobalID(id int64) string { return "gid://gitlab/Ci::Runner/" + strconv.FormatInt(id, 10) }

// graphQL runs a query or mutation (POST /api/graphql) and decodes its data
// into out. GitLab answers GraphQL errors with 200 and
// {"errors":[{"message":…,"extensions":{…}}]}: a field the schema does not
// have is a *GraphQLUnavailableError, any other error a *GraphQLError.
// Setting a value twice has the effect of once, so mutations are retried
// like queries.
func (c *Client) graphQL(ctx context.Context, query string, variables map[string]any, out any) error {
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code      string `json:"code"`
				TypeName  string `json:"typeName"`
				FieldName string `json:"fieldName"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	cl := call{method: http.MethodPost, path: graphQLPath, instanceRoot: true, idempotent: true, userAuth: true,
		body: map[string]any{"query": query, "variables": variables}}
	if _, err := c.doJSON(ctx, cl, &answer); err != nil {
		return err
	}
	if len(answer.Errors) > 0 {
		for _, e := range answer.Errors {
			if e.Extensions.Code == "undefinedField" {
				return &GraphQLUnavailableError{Field: e.Extensions.FieldName, Type: e.Extensions.TypeName}
			}
		}
		e := &GraphQLError{Path: graphQLPath}
		for _, m := range answer.Errors {
			e.Messages = append(e.Messages, clip(oneLine(c.masker.mask(m.Message))))
		}
		return e
	}
	if len(answer.Data) == 0 || string(answer.Data) == "null" {
		return fmt.Errorf("POST %s: GitLab answered neither data nor errors", graphQLPath)
	}
	if err := json.Unmarshal(answer.Data, out); err != nil {
		return fmt.Errorf("POST %s: unreadable data: %w", graphQLPath, err)
	}
	return nil
}

// graphQLErrors reads the messages of a GraphQL error body
// ({"errors":[{"message":"…"}]}), which GitLab also sends with 401, 403 and
// 422 answers of /api/graphql.
func graphQLErrors(v map[string]any) (string, bool) {
	list, ok := v["errors"].([]any)
	if !ok {
		return "", false
	}
	var msgs []string
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			if s, ok := m["message"].(string); ok && strings.TrimSpace(s) != "" {
				msgs = append(msgs, strings.TrimSpace(s))
			}
		}
	}
	if len(msgs) == 0 {
		return "", false
	}
	return strings.Join(msgs, "; "), true
}
