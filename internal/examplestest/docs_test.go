package examplestest

// The pages a newcomer copies from — the README, the provider page and the
// guides — are tested block by block: every fenced code block carries a
// "<!-- doc-test: NAME -->" line, and docSnippetTests says, for each, which
// test runs it (reading it from the page, or from the example file the page
// includes), or why it is not run. The pages under docs/ are read as
// generated, so that a template, the example it includes and the test cannot
// drift apart.

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitlabrunner/terraform-provider-gitlabrunner/internal/providertest"
)

// docPages are the pages whose every code block is accounted for.
var docPages = []string{"README.md", "docs/index.md", "docs/guides/*.md"}

// docSnippetTests says how each block of each page is tested: "TestName"
// (the test reads the block from the page by its name), "TestName reads
// PATH" (the page includes the file PATH, which the test applies), "make"
// (the block is make commands: each target must exist; .ci/run and the
// acceptance suite run them) or "not run: why".
var docSnippetTests = map[string]map[string]string{
	"README.md": {
		"first-commands":    "make",
		"overview":          "TestAccReadmeSnippets",
		"install":           "TestAccLocalMirror",
		"install-recipe":    "TestAccLocalMirror",
		"demo":              "make",
		"demo-output":       "TestDemo",
		"examples":          "make",
		"mock-print-json":   "TestAccReadmeMock",
		"fault-syntax":      "not run: the syntax of --fault, whose examples follow it",
		"fault-examples":    "TestAccReadmeMock",
		"print-json-output": "TestAccReadmeMock",
		"seed-file":         "TestDocSeedsApply",
		"mock-script":       "TestAccReadmeMock",
		"mock-toggle":       "TestAccReadmeMock",
		"go-test":           "TestAccReadmeGoTest",
		"compare":           "TestAccCompareSnippets",
	},
	"docs/index.md": {
		"example":        "TestAccProviderPageSnippets reads examples/provider/provider.tf",
		"install":        "TestAccLocalMirror",
		"install-recipe": "TestAccLocalMirror",
		"curl-recipe":    "TestAccProviderPageSnippets",
		"resource":       "TestAccProviderPageSnippets",
		"register":       "TestAccProviderPageSnippets",
		"policy-check":   "TestAccProviderPageSnippets",
		"moved":          "TestAccProviderPageMoved reads examples/resources/gitlabrunner_user_runner/moved-from-gitlab.tf",
		"state-show":     "TestAccProviderPageMoved",
		"import":         "TestAccProviderPageSnippets",
	},
	"docs/guides/adopt-an-existing-fleet-with-terraform-query.md": {
		"main":            "TestAccAdoptGuide",
		"query":           "TestAccAdoptGuide",
		"run-query":       "TestAccAdoptGuide",
		"generate":        "TestAccAdoptGuide",
		"generated":       "TestAccAdoptGuide",
		"apply":           "TestAccAdoptGuide",
		"rotate":          "TestAccAdoptGuide",
		"assignments":     "TestAccAdoptGuide",
		"import-identity": "TestAccAdoptGuide",
		"adopt-runners":   "TestAccAdoptRunnersExample reads examples/adopt-runners/main.tf",
	},
	"docs/guides/migrate-a-group-off-registration-tokens.md": {
		"main":          "TestAccMigrationGuide reads examples/guides/migrate-a-group-off-registration-tokens/main.tf",
		"variables":     "TestAccMigrationGuide reads examples/guides/migrate-a-group-off-registration-tokens/variables.tf",
		"outputs":       "TestAccMigrationGuide reads examples/guides/migrate-a-group-off-registration-tokens/outputs.tf",
		"mock-start":    "TestAccMigrationGuideOnMock",
		"mock-group":    "TestAccMigrationGuideOnMock",
		"mock-toggle":   "TestAccMigrationGuideOnMock",
		"mock-instance": "TestAccMigrationGuideOnMock",
		"register":      "TestAccMigrationGuideOnMock",
		"gate":          "TestAccMigrationGuideOnMock",
	},
	"docs/guides/runner-token-rotation.md": {
		"feature-flag":  "not run: a setting of gitlab-runner's own config.toml, which no test here runs",
		"check":         "TestAccRotationGuide",
		"token-secrets": "TestAccRotationGuide",
		"vault":         "TestAccRotationGuide",
	},
	"docs/guides/testing-modules-with-the-mock-coordinator.md": {
		"setup":                    "TestAccModuleGuide",
		"fleet-tests":              "TestAccModuleGuide reads examples/modules/runner-fleet/tests/fleet.tftest.hcl",
		"run":                      "TestAccModuleGuide",
		"print-env-output":         "TestAccModuleGuide",
		"test-file-provider-block": "TestAccTestFileProviderBlock",
		"seed":                     "TestDocSeedsApply",
		"ci":                       "TestGuideIsInSync",
		"release-install":          "not run: it installs a released version, and the guide says it fails until there is one",
	},
	"docs/guides/testing-against-a-real-gitlab.md": {
		"live-run":       "not run: it needs a GitLab; tools/livemock's TestLiveRunAgainstMockProcess runs make testacc-live with these variables against a mock-coordinator process",
		"live-report":    "not run: the end of a live run's output, pasted from make testacc-live-mock; tools/acctest-report's tests pin its lines",
		"sweep":          "make",
		"compare":        "TestAccCompareSnippets",
		"compare-report": "TestAccCompareSnippets",
	},
	"docs/guides/tokens-encrypted-at-rest.md": {
		"encryption": "TestAccStateEncryption",
	},
}

// docBlock is one fenced code block of a page.
type docBlock struct {
	name string // from the "<!-- doc-test: NAME -->" line above it; "" when none
	lang string
	body string // without the fence's indentation
	line int
}

var docMarker = regexp.MustCompile(`^\s*<!-- doc-test: ([a-z0-9-]+) -->\s*$`)

// readDocBlocks returns every fenced code block of the page at path.
func readDocBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	var blocks []docBlock
	sc := bufio.NewScanner(strings.NewReader(readFile(t, path)))
	var cur *docBlock
	var indent, name string
	var body []string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case cur == nil && docMarker.MatchString(line):
			name = docMarker.FindStringSubmatch(line)[1]
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			indent = line[:len(line)-len(trimmed)]
			cur = &docBlock{name: name, lang: strings.TrimPrefix(trimmed, "```"), line: n}
			name, body = "", nil
		case cur != nil && trimmed == "```":
			cur.body = strings.Join(body, "\n") + "\n"
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body = append(body, strings.TrimPrefix(line, indent))
		default:
			if strings.TrimSpace(line) != "" {
				name = "" // a marker names the block right below it
			}
		}
	}
	return blocks
}

// docBlocks returns the named blocks of the page at path, by name; each of
// want must be there.
func docBlocks(t *testing.T, path string, want ...string) map[string]string {
	t.Helper()
	blocks := map[string]string{}
	for _, b := range readDocBlocks(t, path) {
		if b.name != "" {
			blocks[b.name] = b.body
		}
	}
	for _, name := range want {
		if blocks[name] == "" {
			t.Fatalf("%s has no block marked <!-- doc-test: %s -->", path, name)
		}
	}
	return blocks
}

// pageBlocks is docBlocks of a page of the repository (relative path).
func pageBlocks(t *testing.T, page string, want ...string) map[string]string {
	t.Helper()
	return docBlocks(t, filepath.Join(repoRoot(t), page), want...)
}

// TestEveryDocSnippetIsTested: every code block of the README, the provider
// page and the guides is named, and accounted for in docSnippetTests by a
// test that exists and reads it (by its name, or the example file it is), by
// make targets that exist, or by the reason it is not run.
func TestEveryDocSnippetIsTested(t *testing.T) {
	root := repoRoot(t)
	testSources := testSourcesByFunction(t, filepath.Join(root, "internal"), filepath.Join(root, "tools"))
	targets := makeTargets(t, filepath.Join(root, "GNUmakefile"))
	seen := map[string]bool{}
	for _, pattern := range docPages {
		pages, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil || len(pages) == 0 {
			t.Fatalf("%s: no pages (%v)", pattern, err)
		}
		for _, path := range pages {
			page, _ := filepath.Rel(root, path)
			seen[page] = true
			tests := docSnippetTests[page]
			names := map[string]bool{}
			for _, b := range readDocBlocks(t, path) {
				where := page + ":" + strconv.Itoa(b.line)
				switch {
				case b.name == "":
					t.Errorf("%s: a code block without a <!-- doc-test: NAME --> line above it: name it and say in docSnippetTests which test runs it", where)
					continue
				case names[b.name]:
					t.Errorf("%s: a second block named %q", where, b.name)
				}
				names[b.name] = true
				how, ok := tests[b.name]
				if !ok {
					t.Errorf("%s: block %q is not in docSnippetTests", where, b.name)
					continue
				}
				checkSnippetTest(t, root, where, b, how, testSources, targets)
			}
			for name := range tests {
				if !names[name] {
					t.Errorf("docSnippetTests names block %q of %s, which the page does not have", name, page)
				}
			}
		}
	}
	for page := range docSnippetTests {
		if !seen[page] {
			t.Errorf("docSnippetTests names the page %s, which docPages does not cover", page)
		}
	}
}

// checkSnippetTest checks one entry of docSnippetTests against its block.
func checkSnippetTest(t *testing.T, root, where string, b docBlock, how string, testSources map[string]string, targets map[string]bool) {
	t.Helper()
	switch {
	case strings.HasPrefix(how, "not run: "):
		return
	case how == "make":
		for _, line := range strings.Split(b.body, "\n") {
			line = strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
			if line == "" {
				continue
			}
			f := strings.Fields(line)
			if f[0] != "make" || len(f) < 2 || !targets[f[1]] {
				t.Errorf("%s: %q is not `make <target>` with a target of the GNUmakefile", where, line)
			}
		}
		return
	}
	test, file, reads := strings.Cut(how, " reads ")
	src, ok := testSources[test]
	if !ok {
		t.Errorf("%s: block %q: no test %s under internal/ or tools/", where, b.name, test)
		return
	}
	if !reads {
		if !strings.Contains(src, `"`+b.name+`"`) && !strings.Contains(src, "doc-test: "+b.name+" ") {
			t.Errorf("%s: %s does not read block %q (its file never says %q)", where, test, b.name, b.name)
		}
		return
	}
	if strings.TrimSpace(readFile(t, filepath.Join(root, file))) != strings.TrimSpace(b.body) {
		t.Errorf("%s: block %q is not the file %s", where, b.name, file)
	}
	if !strings.Contains(src, filepath.Base(filepath.Dir(file))) && !strings.Contains(src, filepath.Base(file)) {
		t.Errorf("%s: %s does not name %s", where, test, file)
	}
}

// testSourcesByFunction maps each Test function defined under dirs to the
// source of the file that defines it.
func testSourcesByFunction(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	testFunc := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(t \*testing\.T\)`)
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
				return err
			}
			data, err := os.ReadFile(path)
			for _, m := range testFunc.FindAllStringSubmatch(string(data), -1) {
				out[m[1]] = string(data)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// makeTargets are the targets the GNUmakefile defines.
func makeTargets(t *testing.T, path string) map[string]bool {
	t.Helper()
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(readFile(t, path), -1) {
		targets[m[1]] = true
	}
	return targets
}

// asWritten is a block with the placeholders a reader replaces (a GitLab's
// URL, the ids of their groups and runners) replaced, old → new in pairs;
// a placeholder the block does not hold fails the test, so that the list
// cannot drift from the page.
func asWritten(t *testing.T, block string, replacements ...string) string {
	t.Helper()
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(block, replacements[i]) {
			t.Fatalf("the block no longer holds %q:\n%s", replacements[i], block)
		}
		block = strings.ReplaceAll(block, replacements[i], replacements[i+1])
	}
	return block
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestProviderPageListsEverything: the provider page's table names every
// resource, data source, list resource and action the provider serves, each
// linked to its page, and nothing it does not serve.
func TestProviderPageListsEverything(t *testing.T) {
	server, err := providertest.Factories(time.Now)["gitlabrunner"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name := range schemas.ResourceSchemas {
		want["resource "+name] = "resources/"
	}
	for name := range schemas.DataSourceSchemas {
		want["data source "+name] = "data-sources/"
	}
	for name := range schemas.ListResourceSchemas {
		want["list resource "+name] = "list-resources/"
	}
	for name := range schemas.ActionSchemas {
		want["action "+name] = "actions/"
	}
	root := repoRoot(t)
	row := regexp.MustCompile("(?m)^\\| (resource|data source|list resource|action) \\| \\[`(gitlabrunner_[a-z_]+)`\\]\\(([a-z-]+/)([a-z_]+)\\.md\\) \\|")
	got := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(readFile(t, filepath.Join(root, "docs", "index.md")), -1) {
		key := m[1] + " " + m[2]
		got[key] = true
		dir, ok := want[key]
		switch {
		case !ok:
			t.Errorf("the provider page lists %s, which the provider does not serve", key)
		case m[3] != dir || "gitlabrunner_"+m[4] != m[2]:
			t.Errorf("the provider page links %s to %s%s.md", key, m[3], m[4])
		default:
			if _, err := os.Stat(filepath.Join(root, "docs", m[3], m[4]+".md")); err != nil {
				t.Errorf("the provider page links %s to a page that does not exist: %v", key, err)
			}
		}
	}
	for key := range want {
		if !got[key] {
			t.Errorf("the provider page's table does not list %s", key)
		}
	}
}

// TestDocsHaveNoRunTogetherSentences: no page of docs/ (nor the README)
// glues two sentences together ("the plan is empty.When"), as descriptions
// assembled from parts once did; code blocks, inline code and links are left
// out.
func TestDocsHaveNoRunTogetherSentences(t *testing.T) {
	root := repoRoot(t)
	pages := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			pages = append(pages, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("(?s)```.*?```|`[^`\n]*`|\\]\\([^)]*\\)|https?://\\S+")
	glued := regexp.MustCompile(`[a-z)][.!?][A-Z][a-z]+[ ,;:]`) // not a name such as big.Float=
	for _, path := range pages {
		text := code.ReplaceAllString(readFile(t, path), " ")
		for _, m := range glued.FindAllStringIndex(text, -1) {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s: two sentences run together: %q", rel, text[max(0, m[0]-30):min(len(text), m[1]+20)])
		}
	}
}
