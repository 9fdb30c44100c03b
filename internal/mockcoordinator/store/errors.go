package store

import (
	"errors"
	"strings"
)

// ErrRunnerNotFound is returned by the out-of-band methods for an unknown runner id.
var ErrRunnerNotFound = errors.New("runner not found")

// Reason says why an operation failed, classified as GitLab's services do;
// the HTTP API answers each reason with GitLab's status code and body.
type Reason int

// Reasons of an Error.
const (
	Unauthorized      Reason = iota + 1 // no valid personal access token (401)
	InsufficientScope                   // the token has none of the accepted scopes (403 insufficient_scope)
	Forbidden                           // not allowed (403 "403 Forbidden[ - Message]")
	NotFound                            // Message names what is missing (404 "404 [Message ]Not Found")
	BadRequest                          // refused as GitLab's bad_request! does (400 "400 Bad request - Message")
	Gone                                // 410 "410 Gone - Message"
	Invalid                             // the model's validations failed: see Fields
	Rejected                            // a service refused, render_api_error_with_reason!: 400 {"message":"Message"}
	InvalidToken                        // a known token that expired or was revoked: Message is GitLab's error_description (401 invalid_token)
	// The reasons of render_api_error!(message, reason), which answers
	// {"message":"Message"} with the reason's status.
	Conflict      // 409
	Unprocessable // 422
	// RecordNotFound is an ActiveRecord::RecordNotFound that lib/api/api.rb
	// rescues: 404 {"message":"404 Not found"} (lower-case f, unlike not_found!).
	RecordNotFound
	// PreconditionFailed: a stale If-Unmodified-Since (destroy_conditionally!), 412.
	PreconditionFailed
)

// Error is a failed operation of the store.
type Error struct {
	Reason Reason
	// Message is GitLab's wording: what was not found ("Runner"), why it is
	// forbidden ("Insufficient permissions"), ...; it may be empty.
	Message string
	// Fields are the failed validations of an Invalid error, in table order.
	Fields []FieldError
}

func (e *Error) Error() string {
	if e.Reason == Invalid {
		msgs := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			msgs[i] = f.Attribute + " " + f.Message
		}
		return "invalid: " + strings.Join(msgs, "; ")
	}
	name := map[Reason]string{Unauthorized: "unauthorized", InsufficientScope: "insufficient scope", Forbidden: "forbidden",
		NotFound: "not found", BadRequest: "bad request", Gone: "gone", Rejected: "rejected", InvalidToken: "invalid token",
		Conflict: "conflict", Unprocessable: "unprocessable", RecordNotFound: "record not found", PreconditionFailed: "precondition failed"}[e.Reason]
	if e.Message == "" {
		return name
	}
	return name + ": " + e.Message
}

func forbidden(msg string) error  { return &Error{Reason: Forbidden, Message: msg} }
func notFound(what string) error  { return &Error{Reason: NotFound, Message: what} }
func badRequest(msg string) error { return &Error{Reason: BadRequest, Message: msg} }
func gone(msg string) error       { return &Error{Reason: Gone, Message: msg} }
func rejected(msg string) error   { return &Error{Reason: Rejected, Message: msg} }
func conflict(msg string) error   { return &Error{Reason: Conflict, Message: msg} }
func unprocessable(msg string) error {
	return &Error{Reason: Unprocessable, Message: msg}
}
func recordNotFound() error { return &Error{Reason: RecordNotFound} }

func invalid(fields []FieldError) error { return &Error{Reason: Invalid, Fields: fields} }
