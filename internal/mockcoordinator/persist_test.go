package mockcoordinator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStateFileSurvivesRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	s1 := startTestServer(t, Options{StateFile: state})
	c := newClient(s1)
	r, err := createInstanceRunner(t, c, s1, "persisted")
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("create runner: %v %d %s", err, r.status, r.body)
	}
	var created struct {
		ID    int64
		Token string
	}
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	seed1 := s1.Seed()
	if err := s1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatalf("state file not written on Close: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it holds tokens)", fi.Mode().Perm())
	}

	s2 := startTestServer(t, Options{StateFile: state})
	c2 := newClient(s2)
	if _, ok := s2.Store().Runner(created.ID); !ok {
		t.Fatalf("runner %d is gone after the restart", created.ID)
	}
	if got := verifyRunner(t, c2, s2, created.Token); got != http.StatusOK {
		t.Errorf("verify with the token minted before the restart = %d, want 200", got)
	}
	if s2.Seed().AdminToken != seed1.AdminToken {
		t.Errorf("admin token changed across the restart")
	}
	if st := mustCall(t, c2, s2, "GET", "/version", seed1.AdminToken, nil).status; st != 200 {
		t.Errorf("old admin token after restart: %d, want 200", st)
	}
	assertNoTempFiles(t, filepath.Dir(state))
}

// The answer to a change comes only once the state file holds it: a kill
// right after the answer loses nothing.
func TestStateFileWrittenBeforeTheAnswer(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	s := startTestServer(t, Options{StateFile: state})
	c := newClient(s)
	// The fresh seed is written at start; GETs do not rewrite the file.
	seeded, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(seeded), s.Seed().AdminToken) {
		t.Fatalf("state file not written with the seed at start: %v", err)
	}
	fi1, _ := os.Stat(state)
	mustCall(t, c, s, "GET", "/version", s.Seed().AdminToken, nil)
	time.Sleep(100 * time.Millisecond)
	if fi2, _ := os.Stat(state); !fi2.ModTime().Equal(fi1.ModTime()) {
		t.Fatal("state file rewritten after a GET")
	}
	for i := range 3 {
		r, err := createInstanceRunner(t, c, s, fmt.Sprintf("flushed-%d", i))
		if err != nil || r.status != http.StatusCreated {
			t.Fatalf("create runner: %v %d", err, r.status)
		}
		var created struct{ ID int64 }
		if err := json.Unmarshal(r.body, &created); err != nil {
			t.Fatal(err)
		}
		// Read the file at once: no waiting for a background write.
		b, err := os.ReadFile(state)
		if err != nil || !strings.Contains(string(b), fmt.Sprintf("flushed-%d", i)) {
			t.Fatalf("runner %d was acknowledged but the state file does not hold it yet", created.ID)
		}
	}
	assertNoTempFiles(t, filepath.Dir(state))
}

func TestStateFileCorruptIsAClearError(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(state, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewServer(Options{StateFile: state})
	if err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("NewServer with a corrupt state file: err = %v, want an error naming %s", err, state)
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"one", "two"} {
		if err := writeFileAtomic(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Fatalf("content %q, want %q", b, content)
		}
	}
	assertNoTempFiles(t, filepath.Dir(p))
	if err := writeFileAtomic(filepath.Join(p, "sub"), []byte("x"), 0o600); err == nil {
		t.Fatal("writing below a regular file: want an error")
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestStateFileInMissingDirectoryFailsAtStart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "no-such-dir", "state.json")
	_, err := NewServer(Options{StateFile: state})
	if err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("NewServer with a state file in a missing directory: err = %v, want an error naming %s", err, state)
	}
}
