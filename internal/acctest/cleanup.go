package acctest

// What a live test leaves: nothing. Its cleanup sweeps what carries its
// prefix (pass or fail), and puts back the settings it changed.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// liveLockPath is the file whose lock orders the live tests of all packages
// against one GitLab: shared for most, exclusive for those that change
// settings.
func liveLockPath(baseURL string) string {
	sum := sha256.Sum256([]byte(baseURL))
	return filepath.Join(os.TempDir(), "gitlabrunner-acctest-"+hex.EncodeToString(sum[:6])+".lock")
}

// cleanup deletes what carries the test's prefix, whatever the test's
// outcome; what it had to delete is logged (Terraform's destroy removes what
// the configurations made; this finds what the test made itself, and what a
// failed step left).
func (g *GitLab) cleanup(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := Sweep(ctx, SweepOptions{BaseURL: g.live.BaseURL, Token: g.live.Token, Prefix: g.prefix,
		GroupID: g.live.GroupID, ProjectIDs: g.live.ProjectIDs})
	if err != nil {
		t.Errorf("live mode: cleanup: %v", err)
		return
	}
	for _, line := range rep.Deleted {
		t.Logf("live mode: cleanup %s", line)
	}
	for _, line := range rep.Failures {
		t.Errorf("live mode: cleanup could not delete %s (run `make sweep`)", line)
	}
}

// settingsSnapshot is a settings object as GitLab answered it.
type settingsSnapshot struct {
	path   string // "/application/settings", "/groups/12", "/projects/34"
	fields map[string]any
}

// restoreSettingsAtEnd reads the settings a test may change (the instance's,
// when the token may; the group's and the projects') and, when the test
// ends, puts back every key whose value changed.
func (g *GitLab) restoreSettingsAtEnd(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	paths := []string{"/application/settings"}
	if g.live.GroupID > 0 {
		paths = append(paths, fmt.Sprintf("/groups/%d", g.live.GroupID))
	}
	for _, p := range g.live.ProjectIDs {
		paths = append(paths, fmt.Sprintf("/projects/%d", p))
	}
	var before []settingsSnapshot
	for _, p := range paths {
		fields, err := g.rest.object(ctx, p)
		if st := statusOf(err); st == http.StatusForbidden || st == http.StatusUnauthorized {
			continue // not this token's to change either
		}
		if err != nil {
			t.Fatalf("live mode: reading the settings to restore at the end: %v", err)
		}
		before = append(before, settingsSnapshot{path: p, fields: fields})
	}
	t.Cleanup(func() {
		for _, snap := range before {
			g.restoreSettings(t, snap)
		}
	})
}

// restoreSettings puts back the keys of snap whose value changed.
func (g *GitLab) restoreSettings(t testing.TB, snap settingsSnapshot) {
	ctx := context.Background()
	now, err := g.rest.object(ctx, snap.path)
	if err != nil {
		t.Errorf("live mode: reading %s to restore it: %v", snap.path, err)
		return
	}
	changed := changedKeys(snap.fields, now)
	if len(changed) == 0 {
		return
	}
	put := map[string]any{}
	for _, k := range changed {
		put[k] = snap.fields[k]
	}
	if err := g.rest.call(ctx, http.MethodPut, snap.path, put, nil); err != nil {
		t.Errorf("live mode: restoring %s of %s: %v", strings.Join(changed, ", "), snap.path, err)
		return
	}
	t.Logf("live mode: restored %s of %s", strings.Join(changed, ", "), snap.path)
}

// changedKeys lists the keys of before whose value is not the same now,
// sorted. Keys that appeared are not GitLab's to take back.
func changedKeys(before, now map[string]any) []string {
	var out []string
	for k, v := range before {
		if w, ok := now[k]; ok && !reflect.DeepEqual(jsonNormal(v), jsonNormal(w)) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// jsonNormal makes two decodings of one JSON value comparable.
func jsonNormal(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// sweepRun deletes what this process's live tests left (Main calls it after
// the package's tests): nothing, unless a cleanup failed.
func sweepRun() {
	s, err := live()
	if s == nil || err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := Sweep(ctx, SweepOptions{BaseURL: s.BaseURL, Token: s.Token, Prefix: RunPrefix(),
		GroupID: s.GroupID, ProjectIDs: s.ProjectIDs, Log: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "live mode: the sweep of this run's prefix %q failed: %v (run `make sweep`)\n", RunPrefix(), err)
	}
	_ = rep
}
