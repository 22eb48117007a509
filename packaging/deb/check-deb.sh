#!/usr/bin/env bash
# Acceptance check of the built package on this machine (as root; systemd need
# not be PID 1): install, inspect, run the daemon as the service user, purge.
#
#   packaging/deb/check-deb.sh [--keep] [DEB]
#
# DEB     defaults to packaging/deb/out/cartrelay_<changelog version>_<arch>.deb
#         (run packaging/deb/build-deb.sh first).
# --keep  leave the package installed afterwards (default: dpkg --purge, and
#         check that the purge removed the state and the keys).
#
# DESTRUCTIVE on this machine: an installed cartrelay is purged first (with
# /var/lib/cartrelay and /etc/cartrelay/keys), so that the check sees a fresh
# install. The daemon is started on the packaged listen address
# 127.0.0.1:8080, which must be free. Every wait is bounded.
# Exit status: 0 all checks passed, 1 a check failed, 2 usage error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
keep=0
deb=""
for arg in "$@"; do
  case "${arg}" in
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "check-deb: unknown option: ${arg}" >&2; exit 2 ;;
    *) deb=${arg} ;;
  esac
done

CONFIG=/etc/cartrelay/cartrelay.ini
KEY_DIR=/etc/cartrelay/keys
STATE_DIR=/var/lib/cartrelay
UNIT=/lib/systemd/system/cartrelay.service
HEALTH_URL=http://127.0.0.1:8080/healthz
START_TIMEOUT=30  # seconds until /healthz answers
STOP_TIMEOUT=20   # seconds until the daemon exits after SIGTERM
CMD_TIMEOUT=60    # seconds for any single cartrelay command

passed=0
failed=0
failures=()
work=$(mktemp -d)
daemon_pid=""

say() { echo "check-deb: $*"; }
pass() { passed=$((passed + 1)); echo "  PASS  $*"; }
fail() { failed=$((failed + 1)); failures+=("$*"); echo "  FAIL  $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  local what=$1
  shift
  if "$@"; then pass "${what}"; else fail "${what}"; fi
}
# mode_is PATH "MODE OWNER GROUP"
mode_is() {
  local got
  got=$(stat -c '%a %U %G' "$1" 2>/dev/null) || { echo "    $1: missing"; return 1; }
  [[ "${got}" == "$2" ]] || { echo "    $1: ${got}, want $2"; return 1; }
}
healthy() { curl -fsS --max-time 2 -o /dev/null "${HEALTH_URL}" 2>/dev/null; }
alive() { [[ -n "${daemon_pid}" ]] && kill -0 "${daemon_pid}" 2>/dev/null; }

cleanup() {
  if alive; then
    kill -KILL "${daemon_pid}" 2>/dev/null
    wait "${daemon_pid}" 2>/dev/null
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

summary() {
  echo
  if ((failed == 0)); then
    say "PASS: ${passed} checks passed"
    exit 0
  fi
  say "FAIL: ${failed} of $((passed + failed)) checks failed:"
  for f in "${failures[@]}"; do echo "  - ${f}"; done
  exit 1
}
# Stops at once: later checks would only repeat the same failure.
fatal() { fail "$*"; summary; }

[[ $(id -u) -eq 0 ]] || { echo "check-deb: must run as root (it installs the package)" >&2; exit 2; }
for tool in dpkg apt-get curl setpriv systemd-analyze stat sha256sum man; do
  command -v "${tool}" >/dev/null || { echo "check-deb: ${tool} not found" >&2; exit 2; }
done
if [[ -z "${deb}" ]]; then
  version=$(dpkg-parsechangelog -l "${here}/debian/changelog" -S Version)
  deb="${here}/out/cartrelay_${version}_$(dpkg --print-architecture).deb"
fi
[[ -f "${deb}" ]] || { echo "check-deb: ${deb} not found; run packaging/deb/build-deb.sh" >&2; exit 2; }
deb=$(readlink -f "${deb}")
deb_version=$(dpkg-deb -f "${deb}" Version)

# --- install -----------------------------------------------------------------
say "package: ${deb}"
if dpkg-query -W -f='${Status}' cartrelay 2>/dev/null | grep -q 'installed\|config-files'; then
  say "purging the installed cartrelay first"
  dpkg --purge cartrelay >"${work}/prepurge.log" 2>&1 || { cat "${work}/prepurge.log"; fatal "purge of the previously installed cartrelay"; }
fi
if healthy; then
  fatal "${HEALTH_URL} already answers before cartrelay is installed: something else uses 127.0.0.1:8080"
fi

say "installing"
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "${deb}" >"${work}/install.log" 2>&1; then
  # Missing dependencies leave the package unconfigured; apt completes it.
  if grep -q 'dependency problems' "${work}/install.log"; then
    timeout 600 apt-get install -f -y -q >>"${work}/install.log" 2>&1
  fi
fi
sed 's/^/    | /' "${work}/install.log"
status=$(dpkg-query -W -f='${Status} ${Version}' cartrelay 2>/dev/null)
[[ "${status}" == "install ok installed ${deb_version}" ]] ||
  fatal "dpkg -i: package state is '${status}', want 'install ok installed ${deb_version}'"
pass "dpkg -i: cartrelay ${deb_version} installed and configured"
if grep -qi 'warning\|could not\|error' "${work}/install.log"; then
  fail "maintainer scripts printed warnings or errors (see the install log above)"
else
  pass "maintainer scripts ran without warnings"
fi

# --- installed files ---------------------------------------------------------
say "installed files"
check "/usr/bin/cartrelay is executable" test -x /usr/bin/cartrelay
check "cartrelay version reports ${deb_version}" \
  bash -c "timeout ${CMD_TIMEOUT} cartrelay version | grep -qw -- '${deb_version//./\\.}'"
check "${CONFIG} is a conffile" \
  bash -c "dpkg-query -W -f='\${Conffiles}\n' cartrelay | grep -q '^ ${CONFIG} '"
check "${CONFIG} is 0640 root:cartrelay" mode_is "${CONFIG}" "640 root cartrelay"
check "man page installed and renders without groff warnings" bash -c '
  page=/usr/share/man/man8/cartrelay.8.gz
  test -f "$page" || exit 1
  warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
  [ -z "$warn" ] || { echo "$warn" | sed "s/^/    /"; exit 1; }'
check "unit installed at ${UNIT}" test -f "${UNIT}"
check "unit enabled (multi-user.target.wants symlink)" \
  test -L /etc/systemd/system/multi-user.target.wants/cartrelay.service

# --- user, state, keys -------------------------------------------------------
say "service user, state directory, keys"
check "system user cartrelay (uid < 1000, home ${STATE_DIR}, nologin shell)" bash -c '
  IFS=: read -r _ _ uid gid _ home shell < <(getent passwd cartrelay) || exit 1
  [ "$uid" -lt 1000 ] && [ "$home" = /var/lib/cartrelay ] && [ "$shell" = /usr/sbin/nologin ] &&
    [ "$(getent group "$gid" | cut -d: -f1)" = cartrelay ]'
check "${STATE_DIR} is 0750 cartrelay:cartrelay" mode_is "${STATE_DIR}" "750 cartrelay cartrelay"
check "${KEY_DIR} is 0750 root:cartrelay" mode_is "${KEY_DIR}" "750 root cartrelay"
for key in master.key lookup.key; do
  check "${KEY_DIR}/${key} is 0640 root:cartrelay" mode_is "${KEY_DIR}/${key}" "640 root cartrelay"
done
keysum() { (cd "${KEY_DIR}" && sha256sum master.key lookup.key) 2>/dev/null; }
keys_before=$(keysum)

# --- systemd unit ------------------------------------------------------------
say "systemd unit"
# Without systemd as PID 1, verify still loads and checks the unit (and runs
# man on Documentation=); only lines about the missing manager are noise.
verify_noise='not running as PID 1|System has not been booted with systemd|Failed to connect to bus|Failed to (prepare|load) .*(cgroup|bus)|Cannot determine cgroup|Failed to (open|read) /run/systemd|Unit .* not found\.'
verify_out=$(timeout 60 systemd-analyze verify "${UNIT}" 2>&1)
verify_rc=$?
echo "${verify_out}" | sed '/^$/d; s/^/    | /'
verify_real=$(echo "${verify_out}" | grep -v '^$' | grep -Ev "${verify_noise}" || true)
# A non-zero exit passes only when every line it printed is known noise.
if [[ -z "${verify_real}" && ( ${verify_rc} -eq 0 || -n "${verify_out}" ) ]]; then
  pass "systemd-analyze verify (exit ${verify_rc})"
else
  fail "systemd-analyze verify (exit ${verify_rc}): ${verify_real:-no output}"
fi
exposure=$(timeout 60 systemd-analyze security --offline=true "${UNIT}" 2>/dev/null |
  sed -n 's/.*Overall exposure level for cartrelay.service: \([0-9.]*\).*/\1/p')
if [[ -n "${exposure}" ]] && awk -v e="${exposure}" 'BEGIN { exit !(e <= 2.0) }'; then
  pass "systemd-analyze security: exposure ${exposure} (<= 2.0)"
else
  fail "systemd-analyze security: exposure '${exposure}', want <= 2.0"
fi
for directive in 'Type=exec' 'User=cartrelay' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
                 'ExecStart=/usr/bin/cartrelay run --config /etc/cartrelay/cartrelay.ini'; do
  check "unit has ${directive}" grep -qx -- "${directive}" "${UNIT}"
done

# --- the service, where systemd runs (not in containers) ---------------------
if [[ -d /run/systemd/system ]]; then
  say "systemd is running: the service postinst started"
  deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)) && ! { systemctl is-active --quiet cartrelay && healthy; }; do sleep 0.5; done
  if systemctl is-active --quiet cartrelay && healthy; then
    pass "cartrelay.service active and ${HEALTH_URL} answers"
  else
    timeout 10 journalctl -u cartrelay -n 30 --no-pager 2>&1 | sed 's/^/    | /'
    fail "cartrelay.service not active or not healthy after ${START_TIMEOUT} s"
  fi
  # The manual run below needs the port.
  timeout 60 systemctl stop cartrelay || fail "systemctl stop cartrelay"
else
  say "systemd is not PID 1 here: the service is not started; running the daemon by hand below"
fi

# --- commands as the service user --------------------------------------------
say "commands as the service user"
cd "${STATE_DIR}" || fatal "cd ${STATE_DIR}"
timeout "${CMD_TIMEOUT}" setpriv --reuid=cartrelay --regid=cartrelay --init-groups -- \
  cartrelay check-config --config "${CONFIG}" >"${work}/check-config.log" 2>&1
rc=$?
sed 's/^/    | /' "${work}/check-config.log"
if ((rc == 0)); then
  pass "cartrelay check-config (as cartrelay)"
else
  fail "cartrelay check-config (as cartrelay) exited ${rc}"
fi
# The operator runs check-config as root after editing the file; the packaged
# root:cartrelay 0640 keys must pass for root too.
if timeout "${CMD_TIMEOUT}" cartrelay check-config --config "${CONFIG}" >"${work}/check-root.log" 2>&1; then
  pass "cartrelay check-config (as root)"
else
  sed 's/^/    | /' "${work}/check-root.log"
  fail "cartrelay check-config (as root) exited non-zero"
fi
if timeout "${CMD_TIMEOUT}" cartrelay keygen --config "${CONFIG}" --group cartrelay >"${work}/keygen.log" 2>&1 &&
  [[ "$(keysum)" == "${keys_before}" ]]; then
  pass "keygen again: exit 0, existing keys unchanged"
else
  sed 's/^/    | /' "${work}/keygen.log"
  fail "keygen again changed the keys or failed"
fi

# --- the daemon --------------------------------------------------------------
say "daemon: cartrelay run as cartrelay (umask 0027, like the unit)"
(umask 0027 && exec setpriv --reuid=cartrelay --regid=cartrelay --init-groups -- \
  cartrelay run --config "${CONFIG}") >"${work}/run.log" 2>&1 &
daemon_pid=$!
deadline=$((SECONDS + START_TIMEOUT))
while ((SECONDS < deadline)) && alive && ! healthy; do sleep 0.25; done
if alive && healthy; then
  pass "GET ${HEALTH_URL} answers within ${START_TIMEOUT} s"
  check "database created in ${STATE_DIR}, owned by cartrelay, no access for others" bash -c "
    db=${STATE_DIR}/cartrelay.db
    [ \"\$(stat -c %U \"\$db\" 2>/dev/null)\" = cartrelay ] && [ \$(( 0\$(stat -c %a \"\$db\") & 7 )) -eq 0 ]"

  kill -HUP "${daemon_pid}"
  sleep 2
  if alive && healthy; then pass "SIGHUP: still running and healthy"; else fail "SIGHUP: daemon died or stopped answering"; fi

  kill -TERM "${daemon_pid}" 2>/dev/null
  deadline=$((SECONDS + STOP_TIMEOUT))
  while ((SECONDS < deadline)) && alive; do sleep 0.25; done
  if alive; then
    fail "SIGTERM: still running after ${STOP_TIMEOUT} s (killed)"
  else
    wait "${daemon_pid}"
    rc=$?
    daemon_pid=""
    if ((rc == 0)); then pass "SIGTERM: exit status 0"; else fail "SIGTERM: exit status ${rc}, want 0"; fi
  fi
else
  if alive; then
    fail "GET ${HEALTH_URL} did not answer within ${START_TIMEOUT} s"
  else
    wait "${daemon_pid}"
    fail "cartrelay run exited early with status $?"
    daemon_pid=""
  fi
fi
say "daemon log:"
sed 's/^/    | /' "${work}/run.log"
alive && { kill -KILL "${daemon_pid}"; wait "${daemon_pid}" 2>/dev/null; daemon_pid=""; }
# The daemon created the database (under the unit's umask); migrate must
# find it current and usable by the service user.
timeout "${CMD_TIMEOUT}" setpriv --reuid=cartrelay --regid=cartrelay --init-groups -- \
  cartrelay migrate --config "${CONFIG}" >"${work}/migrate.log" 2>&1
rc=$?
sed 's/^/    | /' "${work}/migrate.log"
if ((rc == 0)); then
  pass "cartrelay migrate (as cartrelay) on the database run created"
else
  fail "cartrelay migrate (as cartrelay) exited ${rc}"
fi
cd / || true

# --- reinstall (postinst idempotent) -----------------------------------------
say "reinstall"
if dpkg -i "${deb}" >"${work}/reinstall.log" 2>&1 && [[ "$(keysum)" == "${keys_before}" ]] &&
  mode_is "${CONFIG}" "640 root cartrelay" >/dev/null; then
  pass "dpkg -i again: configured, keys and config modes unchanged"
else
  sed 's/^/    | /' "${work}/reinstall.log"
  fail "dpkg -i again"
fi

# --- purge -------------------------------------------------------------------
if ((keep)); then
  say "--keep: cartrelay stays installed"
else
  say "purge"
  if dpkg --purge cartrelay >"${work}/purge.log" 2>&1; then
    pass "dpkg --purge"
  else
    sed 's/^/    | /' "${work}/purge.log"
    fail "dpkg --purge"
  fi
  check "purge removed ${STATE_DIR}" test ! -e "${STATE_DIR}"
  check "purge removed /etc/cartrelay (config and keys)" test ! -e /etc/cartrelay
  check "purge removed the enable symlink" test ! -e /etc/systemd/system/multi-user.target.wants/cartrelay.service
  check "purge kept the cartrelay user" bash -c "getent passwd cartrelay >/dev/null"
fi

summary
