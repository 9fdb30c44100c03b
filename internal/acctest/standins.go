package acctest

import (
	"os"
	"path/filepath"
	"testing"
)

// gitlabRunnerStandIn is a stand-in for the gitlab-runner command's
// `register` with an authentication token: it does what the real one sends
// GitLab first, POST /api/v4/runners/verify with the token (and a system id),
// and refuses, as the real one does with a glrt- token, the flags that
// belong to the runner in GitLab. It registers no host; it proves that a
// token a snippet hands to `gitlab-runner register` is one GitLab accepts.
const gitlabRunnerStandIn = `#!/usr/bin/env bash
# Test stand-in for gitlab-runner (acctest.GitLabRunnerStandIn): register only.
set -euo pipefail
if [[ "${1:-}" != register ]]; then echo "gitlab-runner stand-in: only register is emulated" >&2; exit 2; fi
shift
url='' token=''
while (($#)); do
	case "$1" in
	--url) url=$2; shift 2 ;;
	--token) token=$2; shift 2 ;;
	--executor) shift 2 ;;
	--non-interactive) shift ;;
	*) echo "gitlab-runner stand-in: $1 cannot be configured when registering with a runner authentication token" >&2; exit 2 ;;
	esac
done
if [[ -z "$url" || -z "$token" ]]; then echo "gitlab-runner stand-in: --url and --token are required" >&2; exit 2; fi
curl --fail --silent --show-error --data-urlencode "token=$token" --data system_id=s_standin000001 \
	"${url%/}/api/v4/runners/verify" >/dev/null
echo "Runner registered successfully (stand-in: POST /api/v4/runners/verify accepted the token)."
`

// GitLabRunnerStandIn writes an executable gitlab-runner stand-in into dir
// (see gitlabRunnerStandIn) for snippets that run `gitlab-runner register`;
// put dir on the PATH.
func GitLabRunnerStandIn(t testing.TB, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "gitlab-runner"), []byte(gitlabRunnerStandIn), 0o755); err != nil {
		t.Fatal(err)
	}
}
