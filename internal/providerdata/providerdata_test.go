package providerdata

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/acctest"
	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/gitlabapi"
)

// One guard for every resource and data source: nil provider data is not an
// error until an operation needs the client; then the one "Provider Not
// Configured" text. Data of another type is a bug, said plainly.
func TestGuard(t *testing.T) {
	var diags diag.Diagnostics
	if d := From(nil, &diags); d != nil || diags.HasError() {
		t.Fatalf("nil provider data: got %v, %v", d, diags)
	}
	if From("not provider data", &diags) != nil || !strings.Contains(acctest.DiagText(diags), "Unexpected Provider Data") {
		t.Fatalf("wrong type: %v", diags)
	}
	for _, d := range []*Data{nil, {}} {
		diags = nil
		if d.Ready(&diags) || !strings.Contains(acctest.DiagText(diags), "Provider Not Configured") {
			t.Errorf("%+v: Ready without a client: %v", d, diags)
		}
	}
	client, err := gitlabapi.NewClient(gitlabapi.Config{BaseURL: "https://gitlab.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	diags = nil
	data := &Data{Client: client}
	if !data.Ready(&diags) || diags.HasError() {
		t.Errorf("Ready with a client: %v", diags)
	}
	if got := From(data, &diags); got != data {
		t.Errorf("From returned %v", got)
	}
}

func TestConfigureKeepsTheData(t *testing.T) {
	data := &Data{}
	var r Resource
	r.Configure(context.Background(), resource.ConfigureRequest{ProviderData: data}, &resource.ConfigureResponse{})
	var d DataSource
	d.Configure(context.Background(), datasource.ConfigureRequest{ProviderData: data}, &datasource.ConfigureResponse{})
	if r.Data != data || d.Data != data {
		t.Errorf("Configure did not keep the provider data: %v %v", r.Data, d.Data)
	}
}

func TestNow(t *testing.T) {
	fixed := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if got := (&Data{Clock: func() time.Time { return fixed }}).Now(); !got.Equal(fixed) {
		t.Errorf("Now with a clock = %v", got)
	}
	var nilData *Data
	if got := nilData.Now(); time.Since(got) > time.Minute {
		t.Errorf("Now without a clock = %v", got)
	}
}

// Once runs its function for the first caller of a key only, and the other
// callers wait for it to finish.
func TestOnce(t *testing.T) {
	d := &Data{}
	var runs atomic.Int32
	release := make(chan struct{})
	done := make(chan bool, 10)
	for range 10 {
		go func() {
			done <- d.Once("group 12", func() { runs.Add(1); <-release })
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if len(done) != 0 {
		t.Fatal("callers returned before the first call's function finished")
	}
	close(release)
	ran := 0
	for range 10 {
		if <-done {
			ran++
		}
	}
	if runs.Load() != 1 || ran != 1 {
		t.Errorf("fn ran %d times, reported for %d callers; want 1 and 1", runs.Load(), ran)
	}
	if !d.Once("project 34", func() {}) {
		t.Error("another key must run its function")
	}
}

// The first value claimed for a key stands; another value is a conflict,
// the same one is not; keys and configured providers are independent.
func TestClaim(t *testing.T) {
	var d, other Data
	if first, conflict := d.Claim("k", "false"); conflict || first != "false" {
		t.Fatalf("first claim: %q %v", first, conflict)
	}
	if _, conflict := d.Claim("k", "false"); conflict {
		t.Fatal("the same value again is a conflict")
	}
	if first, conflict := d.Claim("k", "true"); !conflict || first != "false" {
		t.Fatalf("another value: %q %v", first, conflict)
	}
	if _, conflict := d.Claim("k2", "true"); conflict {
		t.Fatal("keys are not independent")
	}
	if _, conflict := other.Claim("k", "true"); conflict {
		t.Fatal("configured providers are not independent")
	}
}

// OutlastInterrupt's context lives on for the grace after its parent is
// cancelled, then ends; without a cancellation it ends at the deadline.
func TestOutlastInterrupt(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	ctx, stop := OutlastInterrupt(parent, 50*time.Millisecond, time.Time{})
	defer stop()
	cancelParent()
	if !Interrupted(parent) || ctx.Err() != nil {
		t.Fatalf("right after the interrupt: parent interrupted %v, context %v; want true and alive", Interrupted(parent), ctx.Err())
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context outlived its grace")
	}

	ctx, stop = OutlastInterrupt(context.Background(), time.Hour, time.Now().Add(20*time.Millisecond))
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context outlived its deadline")
	}
	if Interrupted(context.Background()) {
		t.Error("a context nobody cancelled counts as interrupted")
	}
}

// Shared keeps one value per key for the configured provider: created once,
// the same for every caller, and apart for another Data.
func TestShared(t *testing.T) {
	var d, other Data
	var made atomic.Int32
	create := func() any { made.Add(1); return new(int) }
	first := d.Shared("k", create)
	if d.Shared("k", create) != first || made.Load() != 1 {
		t.Fatalf("a second call made a new value (%d made)", made.Load())
	}
	if d.Shared("other", create) == first || other.Shared("k", create) == first {
		t.Fatal("another key or another Data shares the value")
	}
}
