package acctest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestWordsToleratesLineWrapping(t *testing.T) {
	re := Words(`The header "X (y)" is bad`)
	if !re.MatchString("Error: The header\n\"X (y)\"  is\nbad") || re.MatchString(`The header "X y" is bad`) {
		t.Errorf("Words(...) = %s", re)
	}
}

func TestDiagText(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("tag_list"), "Invalid Runner Tag", "a tag cannot be empty")
	diags.AddWarning("Plain HTTP", "use https")
	want := "Error: tag_list: Invalid Runner Tag: a tag cannot be empty\nWarning: Plain HTTP: use https\n"
	if got := DiagText(diags); got != want {
		t.Errorf("DiagText = %q, want %q", got, want)
	}
}

func TestCheckNoRunnersLeft(t *testing.T) {
	m := StartMock(t)
	if err := m.CheckNoRunnersLeft()(nil); err != nil {
		t.Fatalf("empty mock: %v", err)
	}
	id, _ := createRunner(t, m)
	if err := m.CheckNoRunnersLeft()(nil); err == nil || !strings.Contains(err.Error(), fmt.Sprint(id)) {
		t.Errorf("a runner left: got %v", err)
	}
}
