package compare

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/mockcoordinator"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/testgitlab"
)

// Options of a comparison.
type Options struct {
	// GitLab is the GitLab compared; its Name is ignored.
	GitLab Server
	// MockVersion is the GitLab version the mock emulates; "" for the one
	// GitLab reports (GET /version).
	MockVersion string
}

// Report is what a comparison found.
type Report struct {
	GitLabVersion string // what GET /version answered
	MockVersion   string // what the mock emulated
	Steps         int
	Compared      int
	Skipped       []string // "step: why", the steps sent to neither side
	Differences   []Difference
	// CleanupFailures are the scenario's runners the GitLab kept (`make
	// sweep` removes them: they carry the live runs' mark).
	CleanupFailures []string
}

// Run compares the GitLab with an in-process mock coordinator emulating
// its version. The error says why it could not run (the GitLab unreachable,
// its token refused, the mock not starting).
func Run(ctx context.Context, opts Options) (*Report, error) {
	gl := opts.GitLab
	gl.Name = "GitLab"
	if gl.HTTP == nil {
		gl.HTTP = &http.Client{Timeout: time.Minute}
	}
	version, err := gitlabVersion(ctx, gl)
	if err != nil {
		return nil, err
	}
	rep := &Report{GitLabVersion: version, MockVersion: opts.MockVersion}
	if rep.MockVersion == "" {
		rep.MockVersion = version
	}
	mock, srv, err := startMock(rep.MockVersion)
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Close() }()

	avail := map[string]bool{needsGroup: gl.GroupID > 0, needsProjects: len(gl.ProjectIDs) >= 2, needsNonAdmin: gl.NonAdminToken != ""}
	prefix, tag := runMark()
	steps := scenario()
	g := newSession(gl, prefix, tag, avail)
	m := newSession(mock, prefix, tag, avail)
	g.nameScope(gl)
	m.nameScope(mock)
	gx := g.run(ctx, steps)
	rep.CleanupFailures = g.cleanup(context.WithoutCancel(ctx))
	mx := m.run(ctx, steps)

	rep.Steps = len(steps)
	for i := range steps {
		if gx[i].skipped != "" && mx[i].skipped != "" {
			rep.Skipped = append(rep.Skipped, steps[i].name+": "+gx[i].skipped)
			continue
		}
		rep.Compared++
		rep.Differences = append(rep.Differences, differences(gx[i], mx[i], g.names, m.names)...)
	}
	return rep, nil
}

// nameScope names the group and projects in normalised answers.
func (s *session) nameScope(srv Server) {
	if srv.GroupID > 0 {
		addName(s.names, fmt.Sprint(srv.GroupID), "<group>")
	}
	for i, p := range srv.ProjectIDs {
		if i < 2 {
			addName(s.names, fmt.Sprint(p), fmt.Sprintf("<project%d>", i))
		}
	}
}

// runMark is the prefix of the scenario's descriptions (the live runs'
// mark, so that `make sweep` finds what an interrupted comparison left) and
// the tag that makes lists show only its runners.
func runMark() (prefix, tag string) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	return testgitlab.LivePrefix + id + "-compare-", strings.TrimSuffix(testgitlab.LivePrefix, "-") + "-" + id
}

// gitlabVersion asks GET /version, which also proves the token works.
func gitlabVersion(ctx context.Context, gl Server) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(gl.BaseURL, "/")+"/api/v4/version", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("PRIVATE-TOKEN", gl.AdminToken)
	resp, err := gl.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET /version of %s: %w", gl.BaseURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /version of %s answered %d: is GITLAB_TOKEN a valid token with the api scope?", gl.BaseURL, resp.StatusCode)
	}
	var v struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.Version == "" {
		return "", fmt.Errorf("GET /version of %s: no version in the answer", gl.BaseURL)
	}
	return v.Version, nil
}

// startMock starts the mock coordinator emulating version, on loopback.
func startMock(version string) (Server, *mockcoordinator.Server, error) {
	srv, err := mockcoordinator.NewServer(mockcoordinator.Options{Version: version})
	if err != nil {
		return Server{}, nil, fmt.Errorf("the mock coordinator: %w", err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return Server{}, nil, fmt.Errorf("the mock coordinator: %w", err)
	}
	seed := srv.Seed()
	return Server{Name: "mock", BaseURL: srv.URL(), AdminToken: seed.AdminToken, NonAdminToken: seed.NonAdminToken,
		GroupID: seed.Group.ID, ProjectIDs: []int64{seed.Projects[0].ID, seed.Projects[1].ID}, HTTP: srv.HTTPClient()}, srv, nil
}

// Print writes the report: the versions, every difference by step, the
// steps sent to neither side and why, and a summary line.
func (r *Report) Print(w io.Writer) {
	p := func(format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
	p("GitLab %s compared with the mock coordinator emulating %s: %d steps, %d compared\n", r.GitLabVersion, r.MockVersion, r.Steps, r.Compared)
	last := ""
	for _, d := range r.Differences {
		if d.Step != last {
			p("\n%s\n", d.Step)
			last = d.Step
		}
		p("  %s\n", d)
	}
	if len(r.Skipped) > 0 {
		p("\nNot run (on either side):\n")
		for _, s := range r.Skipped {
			p("  %s\n", s)
		}
	}
	if len(r.CleanupFailures) > 0 {
		p("\nLeft on GitLab (run `make sweep`):\n")
		for _, s := range r.CleanupFailures {
			p("  %s\n", s)
		}
	}
	if len(r.Differences) == 0 {
		p("\nNo difference.\n")
		return
	}
	p("\n%d differences.\n", len(r.Differences))
}
