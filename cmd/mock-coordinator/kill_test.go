package main

// The real process, killed: SIGKILL of `mock-coordinator --state` while
// clients create runners, then a restart on the same state file. Every
// runner a client was told about must still be there, and no runner id may
// be handed out twice (GitLab never reuses an id).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildMock builds this command into a temporary directory.
func buildMock(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH to build mock-coordinator: " + err.Error())
	}
	bin := filepath.Join(t.TempDir(), "mock-coordinator")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// mockProcess is a running mock-coordinator process.
type mockProcess struct {
	cmd   *exec.Cmd
	api   string
	admin string
}

func startMockProcess(t *testing.T, bin, state string) *mockProcess {
	t.Helper()
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--print-json", "--quiet", "--state", state)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("mock-coordinator printed no startup line: %v; stderr:\n%s", err, stderr.String())
	}
	var info struct {
		APIURL     string `json:"api_url"`
		AdminToken string `json:"admin_token"`
	}
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatalf("startup line %q: %v", line, err)
	}
	return &mockProcess{cmd: cmd, api: info.APIURL, admin: info.AdminToken}
}

// createRunner creates an instance runner; ok is false when no 201 came.
func (p *mockProcess) createRunner(client *http.Client, description string) (id int64, ok bool) {
	body := fmt.Sprintf(`{"runner_type":"instance_type","description":%q}`, description)
	req, _ := http.NewRequest(http.MethodPost, p.api+"/user/runners", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PRIVATE-TOKEN", p.admin)
	resp, err := client.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var out struct{ ID int64 }
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return 0, false
	}
	return out.ID, true
}

func (p *mockProcess) runnerDescription(t *testing.T, client *http.Client, id int64) (string, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/runners/%d", p.api, id), nil)
	req.Header.Set("PRIVATE-TOKEN", p.admin)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Description string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out.Description, resp.StatusCode
}

func TestStateSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := buildMock(t)
	state := filepath.Join(t.TempDir(), "state.json")
	first := startMockProcess(t, bin, state)
	client := &http.Client{Timeout: 10 * time.Second}

	// Eight clients create runners without pause; the mock is killed in
	// the middle of it.
	var (
		mu    sync.Mutex
		acked = map[int64]string{} // id -> description, for every 201 received
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				desc := fmt.Sprintf("client %d runner %d", w, i)
				id, ok := first.createRunner(client, desc)
				if !ok {
					return // the mock is gone
				}
				mu.Lock()
				if prev, dup := acked[id]; dup {
					t.Errorf("id %d handed out twice before the kill: %q and %q", id, prev, desc)
				}
				acked[id] = desc
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	_ = first.cmd.Wait()

	second := startMockProcess(t, bin, state)
	lost := 0
	for id, desc := range acked {
		got, status := second.runnerDescription(t, client, id)
		if status != http.StatusOK || got != desc {
			lost++
			if lost <= 5 {
				t.Errorf("runner %d (%q) was acknowledged before the kill; after the restart: %d %q", id, desc, status, got)
			}
		}
	}
	reused := 0
	for i := range 50 {
		id, ok := second.createRunner(client, fmt.Sprintf("after restart %d", i))
		if !ok {
			t.Fatal("create after the restart failed")
		}
		if prev, dup := acked[id]; dup {
			reused++
			if reused <= 5 {
				t.Errorf("id %d handed out again after the restart; before the kill it was %q", id, prev)
			}
		}
	}
	t.Logf("%d runners acknowledged before SIGKILL: %d lost after the restart, %d ids handed out twice", len(acked), lost, reused)
}
