#!/usr/bin/env bash
# Prints the path of the newest `terraform` on the PATH when it is newer than
# the version given (the pinned one), and nothing otherwise. `make
# testacc-newest` and `make examples-check` use it to run what the pinned
# Terraform cannot (moved across resource types, for_each in import blocks).
#
# Usage: tools/newest-terraform.sh <pinned version, e.g. 1.5.7>
set -euo pipefail

export CHECKPOINT_DISABLE=1 # `terraform version` would otherwise ask HashiCorp for updates
pinned="${1:?usage: $0 <pinned terraform version>}"
best="" best_version="$pinned"
while IFS= read -r tf; do
	v="$("$tf" version 2>/dev/null | sed -n '1s/^Terraform v\([0-9][0-9.]*\).*/\1/p')" || continue
	[[ -n "$v" ]] || continue
	if [[ "$v" != "$best_version" && "$(printf '%s\n%s\n' "$best_version" "$v" | sort -V | tail -1)" == "$v" ]]; then
		best="$tf" best_version="$v"
	fi
done < <(type -ap terraform | awk '!seen[$0]++')
[[ -n "$best" ]] && echo "$best"
exit 0
