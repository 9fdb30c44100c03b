package userrunner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A journal of an ended process is read as dead, one of a running process
// as live; a dead journal that holds nothing more is removed by the look,
// one with an unfinished create is kept.
func TestJournalLook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	now := testSent.Add(time.Hour)
	write := func(events ...journalEvent) *journal {
		j := &journal{dir: dir, taken: map[string]*journalFile{}}
		for _, ev := range events {
			j.record(ctx, ev)
		}
		return j
	}
	marker := func(desc string) creationMarker { return testMarker(t, desc) }
	sent := func(m creationMarker) journalEvent {
		return journalEvent{Ev: "sent", Nonce: m.Nonce, Key: "k", Scope: testScope.String(), Marker: m.String(), At: testSent.Unix()}
	}
	handed, unfinished, running := marker("handed"), marker("unfinished"), marker("running")
	done := write(sent(handed), journalEvent{Ev: "created", Nonce: handed.Nonce, ID: 1}, journalEvent{Ev: "handed", Nonce: handed.Nonce, ID: 1})
	open := write(sent(unfinished), journalEvent{Ev: "created", Nonce: unfinished.Nonce, ID: 2})
	live := write(sent(running))
	for _, j := range []*journal{done, open} {
		_ = j.own.f.Close() // their processes end
	}

	view := (&journal{dir: dir, taken: map[string]*journalFile{}}).look(ctx, now)
	if !view.live[running.Nonce] || view.live[unfinished.Nonce] {
		t.Errorf("live nonces %v: want the running process's only", view.live)
	}
	var dead []string
	for _, e := range view.dead {
		if e.unfinished(e.created[0]) {
			dead = append(dead, e.nonce)
		}
	}
	if len(dead) != 1 || dead[0] != unfinished.Nonce {
		t.Errorf("dead entries with a runner not handed %v, want %s", dead, unfinished.Nonce)
	}
	for path, want := range map[string]bool{done.own.path: false, open.own.path: true, live.own.path: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
}
