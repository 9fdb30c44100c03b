package acctest

// The sweep: deleting what live runs created, by their mark and nothing
// else. A test's cleanup sweeps its own prefix, Main the run's when the
// package's tests end, and `make sweep` (tools/sweep) every run's, for runs
// that were killed.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

// SweepOptions say which GitLab to sweep and whose objects.
type SweepOptions struct {
	BaseURL string
	Token   string
	// Prefix narrows the sweep to one run ("gitlabrunner-acctest-1a2b3c4d-")
	// or one test; it must start with LivePrefix. Whatever it says, only
	// descriptions matching LiveRunPattern are ever touched.
	Prefix string
	// GroupID and ProjectIDs are listed when the token may not list every
	// runner of the instance (it is not an administrator's).
	GroupID    int64
	ProjectIDs []int64
	// DryRun reports what would be deleted without deleting it.
	DryRun bool
	// Log receives one line per object deleted (or, dry, to delete).
	Log io.Writer

	client *http.Client // tests: an in-process mock
}

// SweepReport lists what a sweep deleted (or would delete), one line each,
// and what it could not.
type SweepReport struct {
	Deleted  []string
	Failures []string
	// NoControllers says why runner controllers were not swept (the server
	// has no controller endpoints, or the token may not list them).
	NoControllers string
}

// Marked is testgitlab.Marked: the one rule of what a sweep may delete.
func Marked(description, prefix string) bool { return testgitlab.Marked(description, prefix) }

// Sweep deletes the runners (unassigning them from their other projects
// first) and the runner controllers and controller tokens whose description
// is Marked with opts.Prefix. Each object's description is read again just
// before it is deleted.
func Sweep(ctx context.Context, opts SweepOptions) (SweepReport, error) {
	var rep SweepReport
	if !strings.HasPrefix(opts.Prefix, LivePrefix) {
		return rep, fmt.Errorf("sweep: prefix %q does not start with %q: a sweep only deletes what live runs marked", opts.Prefix, LivePrefix)
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	c := newRESTClient(opts.BaseURL, opts.Token, opts.client)
	s := &sweeper{c: c, opts: opts, rep: &rep}
	if err := s.runners(ctx); err != nil {
		return rep, err
	}
	s.controllers(ctx)
	return rep, nil
}

type sweeper struct {
	c    *restClient
	opts SweepOptions
	rep  *SweepReport
}

func (s *sweeper) deleted(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if s.opts.DryRun {
		line = "would delete " + line
	} else {
		line = "deleted " + line
	}
	s.rep.Deleted = append(s.rep.Deleted, line)
	_, _ = fmt.Fprintln(s.opts.Log, line)
}

func (s *sweeper) failed(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	s.rep.Failures = append(s.rep.Failures, line)
	_, _ = fmt.Fprintln(s.opts.Log, "could not delete "+line)
}

func (s *sweeper) runners(ctx context.Context) error {
	listed, err := s.c.runners(ctx, s.opts.GroupID, s.opts.ProjectIDs, func(r Runner) bool {
		return Marked(r.Description, s.opts.Prefix)
	})
	if err != nil {
		return fmt.Errorf("sweep: listing runners: %w", err)
	}
	for _, r := range listed {
		s.runner(ctx, r.ID) // reads it again: it must still carry the mark
	}
	return nil
}

// runner deletes one runner after reading it again: its description must
// still carry the mark.
func (s *sweeper) runner(ctx context.Context, id int64) {
	r, found, err := s.c.runner(ctx, id)
	switch {
	case err != nil:
		s.failed("runner %d: %v", id, err)
		return
	case !found || !Marked(r.Description, s.opts.Prefix):
		return // gone meanwhile, or renamed: not provably ours any more
	}
	what := fmt.Sprintf("runner %d (%s, %q)", id, r.RunnerType, r.Description)
	if s.opts.DryRun {
		s.deleted("%s", what)
		return
	}
	// A project runner in several projects: GitLab lets only an
	// administrator delete it; anyone else unassigns it first (the owner
	// project, the first, stays).
	for i, p := range r.ProjectIDs {
		if i == 0 {
			continue
		}
		if err := s.c.unassignRunner(ctx, p, id); err != nil {
			s.failed("the assignment of runner %d to project %d: %v", id, p, err)
		} else {
			s.deleted("the assignment of runner %d to project %d", id, p)
		}
	}
	if err := s.c.deleteRunner(ctx, id); err != nil {
		s.failed("%s: %v", what, err)
		return
	}
	s.deleted("%s", what)
}

// controllers sweeps runner controllers (GitLab EE 18.9+, administrators):
// a marked controller with its tokens, and marked tokens of any controller.
func (s *sweeper) controllers(ctx context.Context) {
	items, err := s.c.list(ctx, "/runner_controllers", nil)
	if st := statusOf(err); st == http.StatusNotFound || st == http.StatusForbidden || st == http.StatusUnauthorized {
		s.rep.NoControllers = fmt.Sprintf("GET /runner_controllers answered %d: no runner controllers to sweep on this server or for this token", st)
		return
	}
	if err != nil {
		s.failed("runner controllers: listing them: %v", err)
		return
	}
	for _, item := range items {
		ctl := runnerFromJSON(item) // id and description are all it needs
		s.controller(ctx, ctl.ID, Marked(ctl.Description, s.opts.Prefix))
	}
}

// controller revokes the marked tokens of controller id (every token when
// the controller is marked), then deletes a marked controller after reading
// its description again.
func (s *sweeper) controller(ctx context.Context, id int64, marked bool) {
	base := "/runner_controllers/" + strconv.FormatInt(id, 10)
	tokens, err := s.c.list(ctx, base+"/tokens", nil)
	if err != nil && statusOf(err) != http.StatusNotFound {
		s.failed("the tokens of runner controller %d: listing them: %v", id, err)
	}
	for _, item := range tokens {
		tok := runnerFromJSON(item)
		if !marked && !Marked(tok.Description, s.opts.Prefix) {
			continue
		}
		what := fmt.Sprintf("token %d of runner controller %d (%q)", tok.ID, id, tok.Description)
		if s.opts.DryRun {
			s.deleted("%s", what)
			continue
		}
		err := s.c.call(ctx, http.MethodDelete, base+"/tokens/"+strconv.FormatInt(tok.ID, 10), nil, nil)
		if err != nil && statusOf(err) != http.StatusNotFound {
			s.failed("%s: %v", what, err)
			continue
		}
		s.deleted("%s", what)
	}
	if !marked {
		return
	}
	fields, err := s.c.object(ctx, base)
	if statusOf(err) == http.StatusNotFound {
		return
	}
	if err != nil {
		s.failed("runner controller %d: %v", id, err)
		return
	}
	ctl := runnerFromJSON(fields)
	if !Marked(ctl.Description, s.opts.Prefix) {
		return
	}
	what := fmt.Sprintf("runner controller %d (%q)", id, ctl.Description)
	if s.opts.DryRun {
		s.deleted("%s", what)
		return
	}
	if err := s.c.call(ctx, http.MethodDelete, base, nil, nil); err != nil && statusOf(err) != http.StatusNotFound {
		s.failed("%s: %v", what, err)
		return
	}
	s.deleted("%s", what)
}
