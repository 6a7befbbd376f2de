#!/usr/bin/env bash
# Checks what .editorconfig asks of the C# sources and no compiler warning enforces: lines of at most 140
# characters (generated migrations aside). Prints each offending line; exits non-zero if any.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

long=$(git ls-files '*.cs' | grep -v '/Migrations/' | xargs awk 'length($0) > 140 { print FILENAME ":" FNR ": " length($0) " characters" }')
if [ -n "$long" ]; then
  echo "Lines over 140 characters (.editorconfig max_line_length):" >&2
  echo "$long" >&2
  exit 1
fi
echo "  ok    no C# line over 140 characters"
