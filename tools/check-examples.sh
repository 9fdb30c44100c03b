#!/usr/bin/env bash
# Checks examples/: `terraform fmt` clean, and every example passes
# `terraform validate` against the provider's real schema.
#
# Usage: tools/check-examples.sh <path to terraform or tofu> [<newer terraform>]
#
# A configuration that declares `required_version = ">= X.Y"` above the first
# binary's version (for_each in import blocks needs 1.7) is validated with the
# second one when it is new enough, and skipped with a message otherwise.
#
# validate needs the provider's schema, so the script builds the provider and
# points Terraform at it with a private CLI configuration (dev_overrides);
# the user's ~/.terraformrc is never read and nothing is downloaded.
#
# The snippets under provider/, resources/, data-sources/, actions/ and
# list-resources/ (.tfquery.hcl) are documentation
# (tfplugindocs includes them in docs/): each file is validated on its own,
# because two snippets of one resource may declare the same address. demo/ and
# modules/* and guides/* are real configurations and are validated as a whole.
set -euo pipefail

tf="${1:?usage: $0 <path to terraform or tofu> [<newer terraform>]}"
newer="${2:-}"
if [[ ! -x "$tf" ]]; then
	echo "check-examples: $tf is not an executable Terraform (run 'make tools')" >&2
	exit 1
fi
tf="$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")"
cd "$(dirname "$0")/.."
root="$PWD"

work="$(mktemp -d "${TMPDIR:-/tmp}/check-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_CLI_CONFIG_FILE="$work/terraformrc"
unset TF_DATA_DIR TF_WORKSPACE

echo "==> building the provider for validate"
mkdir -p "$work/plugins"
go build -o "$work/plugins/terraform-provider-gitlabrunner" .
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  dev_overrides {
    "gitlabrunner/gitlabrunner" = "$work/plugins"
  }
  direct {}
}
EOF

echo "==> $tf fmt -check -recursive examples"
if ! "$tf" fmt -check -recursive -diff examples; then
	echo "check-examples: examples/ is not fmt clean: run '$tf fmt -recursive examples'" >&2
	exit 1
fi

failed=()
skipped=()
n=0

# version_of <binary>: "1.5.7" of "Terraform v1.5.7" or "OpenTofu v1.6.3".
version_of() { "$1" version | sed -n '1s/^[A-Za-z]* v\([0-9][0-9.]*\).*/\1/p'; }
# at_least <version> <minimum>
at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | sed -n 1p)" == "$2" ]]; }
tf_version="$(version_of "$tf")"

# binary_for <dir>: the binary to validate dir with, or nothing (skip) when
# its required_version ">= X.Y" is above both.
binary_for() {
	local need
	need="$(sed -n 's/^[[:space:]]*required_version[[:space:]]*=[[:space:]]*">=[[:space:]]*\([0-9][0-9.]*\)".*/\1/p' "$1"/*.tf | sed -n 1p)"
	if [[ -z "$need" ]] || at_least "$tf_version" "$need"; then
		echo "$tf"
	elif [[ -n "$newer" ]] && at_least "$(version_of "$newer")" "$need"; then
		echo "$newer"
	fi
}

# validate_dir <label> <dir> [<validate flag>...]: validate needs no `init`
# for a dev_overrides provider (and `init` would ask the registry for it);
# `get` fetches local modules only.
validate_dir() {
	local label="$1" dir="$2" out="" bin
	local flags=("${@:3}")
	n=$((n + 1))
	bin="$(binary_for "$dir")"
	if [[ -z "$bin" ]]; then
		echo "skip  $label: needs a newer Terraform than $tf_version and none was given (make examples-check finds one on the PATH)"
		skipped+=("$label")
		return
	fi
	if { ! grep -qs '^module ' "$dir"/*.tf || out="$("$bin" -chdir="$dir" get -no-color 2>&1)"; } &&
		out="$("$bin" -chdir="$dir" validate -no-color ${flags[@]+"${flags[@]}"} 2>&1)"; then
		if [[ "$bin" == "$tf" ]]; then
			echo "ok    $label"
		else
			echo "ok    $label (with $("$bin" version | sed -n 1p))"
		fi
	else
		echo "FAIL  $label"
		echo "$out" | grep -v -e 'Provider development overrides' -e 'dev_overrides' | sed 's/^/      /'
		failed+=("$label")
	fi
}

# has_source <file>...: declares gitlabrunner with its registry source (a
# copied snippet without it would look for hashicorp/gitlabrunner).
has_source() {
	local flat
	flat="$(cat "$@" | tr -d ' \t\n')"
	[[ "$flat" == *'required_providers{'* && "$flat" =~ gitlabrunner=\{[^}]*source=\"gitlabrunner/gitlabrunner\" ]]
}

# Documentation snippets: one file at a time, as a user copies one; each must
# say where the provider comes from (required_providers).
while IFS= read -r file; do
	rel="${file#"$root"/}"
	if ! has_source "$file"; then
		n=$((n + 1))
		echo "FAIL  $rel"
		echo '      has no required_providers { gitlabrunner = { source = "gitlabrunner/gitlabrunner" } }: a copy would look for hashicorp/gitlabrunner'
		failed+=("$rel")
		continue
	fi
	dir="$work/snippet-$n"
	mkdir -p "$dir"
	cp "$file" "$dir/"
	validate_dir "$rel" "$dir"
done < <(find "$root/examples/provider" "$root/examples/resources" "$root/examples/data-sources" "$root/examples/actions" -name '*.tf' | sort)

# List resource snippets (.tfquery.hcl, Terraform 1.14+): validated with
# `validate -query` beside a stub that declares the provider and the version.
while IFS= read -r file; do
	rel="${file#"$root"/}"
	dir="$work/snippet-$n"
	mkdir -p "$dir"
	cp "$file" "$dir/"
	cat >"$dir/zz_required_providers.tf" <<'EOF'
terraform {
  required_version = ">= 1.14"
  required_providers {
    gitlabrunner = {
      source = "gitlabrunner/gitlabrunner"
    }
  }
}
EOF
	validate_dir "$rel" "$dir" -query
done < <(find "$root/examples/list-resources" -name '*.tfquery.hcl' | sort)

# Whole configurations: copied, so no .terraform/ lands in the repository.
for cfg in "$root"/examples/*/ "$root"/examples/modules/*/ "$root"/examples/guides/*/; do
	cfg="${cfg%/}"
	case "${cfg#"$root"/examples/}" in provider | resources | data-sources | actions | list-resources | modules | guides) continue ;; esac
	rel="${cfg#"$root"/}"
	dir="$work/config-$n"
	mkdir -p "$dir"
	cp -R "$cfg"/. "$dir/"
	rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl" "$dir"/*.tfstate*
	if ! has_source "$dir"/*.tf; then
		n=$((n + 1))
		echo "FAIL  $rel/: no file declares required_providers { gitlabrunner = { source = \"gitlabrunner/gitlabrunner\" } }"
		failed+=("$rel/")
		continue
	fi
	validate_dir "$rel/" "$dir"
done

echo
if ((${#failed[@]})); then
	echo "check-examples: ${#failed[@]} of $n examples failed validate: ${failed[*]}" >&2
	exit 1
fi
if ((${#skipped[@]})); then
	echo "check-examples: $((n - ${#skipped[@]})) of $n examples are fmt clean and valid ($("$tf" version | sed -n 1p)); skipped, for want of a newer Terraform: ${skipped[*]}"
	exit 0
fi
echo "check-examples: all $n examples are fmt clean and valid ($("$tf" version | sed -n 1p))"
