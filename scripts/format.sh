#!/usr/bin/env bash
# Formats every tracked and new C++ file with the repository's .clang-format.
#   scripts/format.sh           rewrite files in place
#   scripts/format.sh --check   list files that need formatting; exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.h' '*.cpp' | sort -u)
((${#files[@]})) || exit 0
if [[ "${1:-}" == "--check" ]]; then
  bad=0
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then
      echo "needs clang-format: $f"
      bad=1
    fi
  done
  exit $bad
fi
for f in "${files[@]}"; do [[ -f "$f" ]] && clang-format --style=file -i "$f"; done
