#!/usr/bin/env bash
# Installs exactly the Debian packages listed in scripts/deps.txt that are not
# installed yet. Idempotent: a second run installs nothing and needs no network.
# Usage: scripts/install-deps.sh [TAG...]   (default: every tag)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tags=("$@")

wanted=()
while read -r tag pkg; do
  [[ -z "${tag}" || "${tag}" == \#* ]] && continue
  if ((${#tags[@]})); then
    [[ " ${tags[*]} " == *" ${tag} "* ]] || continue
  fi
  wanted+=("${pkg}")
done <"${here}/deps.txt"

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)
  [[ "${status}" == "install ok installed" ]] || missing+=("${pkg}")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
