package gitlabapi

import (
	"context"
	"errors"
	"net/http"
)

// Paths of the token checks.
const (
	ownAccessTokenPath = "/personal_access_tokens/self"
	currentUserPath    = "/user"
)

// GetOwnAccessToken reads the client's own token (GET
// /personal_access_tokens/self, GitLab 15.5+). Any valid token may call it,
// whatever its scopes; an unknown, expired or revoked one gets 401 (the
// *Error's message says which).
func (c *Client) GetOwnAccessToken(ctx context.Context) (*AccessToken, error) {
	var out AccessToken
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: ownAccessTokenPath, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCurrentUser reads the token's user (GET /user); for a group or project
// access token that is its bot user. It needs the api, read_api or
// read_user scope (403 insufficient_scope otherwise).
func (c *Client) GetCurrentUser(ctx context.Context) (*User, error) {
	var out User
	if _, err := c.doJSON(ctx, call{method: http.MethodGet, path: currentUserPath, idempotent: true, userAuth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckToken asks GitLab whether the client's token works, with one request
// where GitLab can answer: GET /personal_access_tokens/self, which also
// gives the token's scopes and expiry. Where it cannot, GET /user answers
// instead (Token is nil then):
//   - 404: GitLab before 15.5 has no such endpoint;
//   - 400: the token is not a personal access token ("This endpoint requires
//     token type to be a personal access token"; group and project access
//     tokens are personal access tokens of bot users, so they do not get it).
//
// GET /user answering 403 insufficient_scope (a token with only runner
// scopes, say create_runner) still proves that the token authenticated, so
// that counts as a working token. Any other failure is returned as it is: a
// 401 for an unknown, expired or revoked token, 5xx, transport errors.
func (c *Client) CheckToken(ctx context.Context) (*TokenCheck, error) {
	tok, err := c.GetOwnAccessToken(ctx)
	if err == nil {
		return &TokenCheck{Endpoint: http.MethodGet + " " + ownAccessTokenPath, Token: tok}, nil
	}
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrBadRequest) {
		return nil, err
	}
	check := &TokenCheck{Endpoint: http.MethodGet + " " + currentUserPath}
	if _, err := c.GetCurrentUser(ctx); err != nil && !errors.Is(err, ErrInsufficientScope) {
		return nil, err
	}
	return check, nil
}
