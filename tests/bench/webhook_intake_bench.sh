#!/usr/bin/env bash
# Webhook intake benchmark (see tests/bench/README.md).
#
# Starts the release `cartrelay run` on loopback with a fresh SQLite store,
# drives it with wrk, and prints:
#   - GET /healthz requests/s on the same server in the same run (baseline);
#   - signed Shopify checkouts/update webhooks accepted/s, p50/p99 latency;
#   - the ratio webhooks/s ÷ healthz/s;
#   - a durability check: inbox rows == accepted answers (metrics) and the
#     client's own count of "accepted" answers;
#   - processing throughput: inbox rows mapped and applied per second.
# It prints figures; it does not assert any time. It fails (exit 1) only when
# it cannot run or when the durability check finds a row count that does not
# match. Every wait and every load phase is bounded.
#
# Usage: tests/bench/webhook_intake_bench.sh [options]
#   --bin PATH          cartrelay binary (default build/release/app/cartrelay)
#   --duration SEC      length of each measured wrk run (default 10)
#   --warmup SEC        length of each warm-up run (default 2)
#   --connections N     wrk connections (default 64)
#   --threads N         wrk threads (default 1)
#   --http-threads N    daemon.http_threads (default: connections, at least 2)
#   --fixture FILE      body to send (default ../shared/fixtures/shopify/checkouts_update.json)
#   --keep              keep the run directory (config, database, daemon log)
# The same settings may be given as BENCH_DURATION, BENCH_CONNECTIONS, ...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${here}/../.." && pwd)

bin=${BENCH_BIN:-${root}/build/release/app/cartrelay}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
wrk_threads=${BENCH_THREADS:-1}
http_threads=${BENCH_HTTP_THREADS:-}
fixture=${BENCH_FIXTURE:-${root}/../shared/fixtures/shopify/checkouts_update.json}
keep=${BENCH_KEEP:-0}

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) wrk_threads=$2; shift 2 ;;
    --http-threads) http_threads=$2; shift 2 ;;
    --fixture) fixture=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "${duration}" "${warmup}" "${connections}" "${wrk_threads}"; do
  [[ "${n}" =~ ^[0-9]+$ ]] || { echo "bench: numbers only, got '${n}'" >&2; exit 2; }
done
((duration >= 1 && duration <= 300)) || { echo "bench: --duration 1..300" >&2; exit 2; }
((warmup <= 60)) || { echo "bench: --warmup 0..60" >&2; exit 2; }
((connections >= 1 && connections <= 256)) || { echo "bench: --connections 1..256" >&2; exit 2; }
((wrk_threads >= 1 && wrk_threads <= connections)) || {
  echo "bench: --threads 1..connections" >&2
  exit 2
}
# Poco serves one keep-alive connection per thread: fewer threads than
# connections would leave connections queued behind idle keep-alives.
[[ -n "${http_threads}" ]] || http_threads=$((connections < 2 ? 2 : connections))
((http_threads >= 2 && http_threads <= 256)) || { echo "bench: --http-threads 2..256" >&2; exit 2; }

[[ -x "${bin}" ]] || { echo "bench: no binary at ${bin} (make bench builds it)" >&2; exit 2; }
[[ -r "${fixture}" ]] || { echo "bench: cannot read fixture ${fixture}" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
  "${root}/scripts/install-deps.sh" bench
fi
for tool in wrk curl openssl sqlite3; do
  command -v "${tool}" >/dev/null || {
    echo "bench: ${tool} is missing (scripts/install-deps.sh bench dev)" >&2
    exit 2
  }
done

mkdir -p "${root}/build/bench-run"
run_dir=$(mktemp -d "${root}/build/bench-run/run.XXXXXX")
daemon_pid=""

stop_daemon() {
  [[ -n "${daemon_pid}" ]] || return 0
  if kill -0 "${daemon_pid}" 2>/dev/null; then
    kill -TERM "${daemon_pid}" 2>/dev/null || true
    for _ in $(seq 1 150); do # up to 15 s
      kill -0 "${daemon_pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${daemon_pid}" 2>/dev/null; then
      echo "bench: daemon ignored SIGTERM for 15 s, killing it" >&2
      kill -KILL "${daemon_pid}" 2>/dev/null || true
    fi
  fi
  wait "${daemon_pid}" 2>/dev/null || true
  daemon_pid=""
}
cleanup() {
  stop_daemon
  if [[ "${keep}" == 1 ]]; then
    echo "bench: run directory kept: ${run_dir}" >&2
  else
    rm -rf "${run_dir}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret=$(openssl rand -hex 32)
db="${run_dir}/cartrelay.db"
config="${run_dir}/cartrelay.ini"
cat >"${config}" <<EOF
[daemon]
listen = 127.0.0.1:0
state_dir = ${run_dir}
key_dir = ${run_dir}/keys
database = sqlite://${db}
http_threads = ${http_threads}
shutdown_timeout = 10s
log_level = info

[whatsapp]
sandbox_log = ${run_dir}/sandbox.jsonl

[shop.bench]
platform = shopify
shop_domain = bench.myshopify.com
webhook_secret = ${secret}
EOF
chmod 0600 "${config}"

"${bin}" keygen --config "${config}" >"${run_dir}/keygen.log" 2>&1 || {
  cat "${run_dir}/keygen.log" >&2
  exit 1
}
"${bin}" run --config "${config}" 2>"${run_dir}/daemon.log" &
daemon_pid=$!

port=""
for _ in $(seq 1 300); do # up to 30 s
  port=$(sed -n 's/.*daemon\.ready listen=127\.0\.0\.1:\([0-9]*\).*/\1/p' "${run_dir}/daemon.log" |
    head -n1)
  [[ -n "${port}" ]] && break
  kill -0 "${daemon_pid}" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "${port}" ]]; then
  echo "bench: the daemon did not become ready; its log:" >&2
  cat "${run_dir}/daemon.log" >&2
  exit 1
fi
base="http://127.0.0.1:${port}"

hmac=$(openssl dgst -sha256 -hmac "${secret}" -binary "${fixture}" | openssl base64 -A)
payload_bytes=$(wc -c <"${fixture}")
run_id=$(openssl rand -hex 6)

# One value from /metrics: the sum of every sample of NAME whose labels
# contain each of the given label="value" pairs.
metrics_file="${run_dir}/metrics.txt"
fetch_metrics() {
  curl -sf --max-time 5 "${base}/metrics" >"${metrics_file}" && return 0
  echo "bench: GET /metrics failed; the daemon's last log lines:" >&2
  tail -n 20 "${run_dir}/daemon.log" >&2
  return 1
}
metric_sum() {
  local name=$1
  shift
  awk -v name="${name}" -v filters="$*" '
    BEGIN { n = split(filters, want, " ") }
    $1 ~ "^" name "({|$)" {
      ok = 1
      for (i = 1; i <= n; i++) if (index($1, want[i]) == 0) ok = 0
      if (ok) sum += $NF
    }
    END { printf "%d\n", sum }' "${metrics_file}"
}
accepted_total() { metric_sum cartrelay_webhooks_total 'outcome="accepted"'; }
processed_total() {
  echo $(($(metric_sum cartrelay_inbox_events_total 'outcome="done"') + \
    $(metric_sum cartrelay_inbox_events_total 'outcome="duplicate"') + \
    $(metric_sum cartrelay_inbox_events_total 'outcome="quarantined"')))
}
inbox_rows() {
  sqlite3 -readonly "${db}" ".timeout 5000" "SELECT count(*) FROM inbox;"
}
now_ms() { date +%s%3N; }

# run_wrk NAME SECONDS SCRIPT URL [SCRIPT ARGS...]: wrk's report goes to
# NAME.out; the BENCH lines are left in NAME.vars as shell assignments.
run_wrk() {
  local name=$1 seconds=$2 script=$3 url=$4
  shift 4
  # wrk stops itself after -d; the outer timeout only guards against a hang.
  timeout --kill-after=5 $((seconds + 30)) \
    wrk -t "${wrk_threads}" -c "${connections}" -d "${seconds}s" --timeout 10s --latency \
    -s "${script}" "${url}" -- "$@" >"${run_dir}/${name}.out" 2>&1 || {
    echo "bench: wrk ${name} failed:" >&2
    cat "${run_dir}/${name}.out" >&2
    exit 1
  }
  sed -n 's/^BENCH \([a-z0-9_]*\)=\([0-9]*\)$/\1=\2/p' "${run_dir}/${name}.out" >"${run_dir}/${name}.vars"
}
# var NAME KEY: one BENCH value of a finished wrk run.
var() { sed -n "s/^$2=//p" "${run_dir}/$1.vars"; }
per_second() { awk -v n="$1" -v us="$2" 'BEGIN { printf "%.0f", (us > 0 ? n * 1e6 / us : 0) }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

webhook_script="${here}/shopify_webhook.lua"
webhook_url="${base}/webhooks/shopify/bench"

# Wait until the processor caught up with every accepted webhook (bounded).
# Prints the processed total when it did, nothing when it did not.
wait_processed() {
  local limit_s=$1 deadline accepted processed
  deadline=$(($(now_ms) + limit_s * 1000))
  while (($(now_ms) < deadline)); do
    fetch_metrics || return 0
    accepted=$(accepted_total)
    processed=$(processed_total)
    if ((processed >= accepted)); then
      echo "${processed}"
      return 0
    fi
    sleep 0.05
  done
  return 0
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
echo "cartrelay webhook intake benchmark"
echo "  machine:        $(nproc) CPU cores; wrk runs on the same cores as the daemon (loopback);" \
  "load average before: $(loadavg)"
echo "  store:          SQLite (WAL, synchronous=FULL) at ${db}"
echo "  payload:        $(basename "${fixture}"), ${payload_bytes} bytes as is, topic checkouts/update"
echo "  load:           wrk -t${wrk_threads} -c${connections}, ${duration} s per run (warm-up ${warmup} s);" \
  "daemon.http_threads=${http_threads}"

if ((warmup > 0)); then
  run_wrk warm_healthz "${warmup}" "${here}/report.lua" "${base}/healthz"
  run_wrk warm_webhooks "${warmup}" "${webhook_script}" "${webhook_url}" \
    "${fixture}" "${hmac}" "warm-${run_id}"
  [[ -n "$(wait_processed 120)" ]] || echo "bench: warm-up backlog not processed within 120 s" >&2
fi

# Baseline: the cheapest route of the same server, same connections.
run_wrk healthz "${duration}" "${here}/report.lua" "${base}/healthz"

fetch_metrics
accepted_before=$(accepted_total)
processed_before=$(processed_total)
rows_before=$(inbox_rows)
load_start_ms=$(now_ms)
run_wrk webhooks "${duration}" "${webhook_script}" "${webhook_url}" \
  "${fixture}" "${hmac}" "run-${run_id}"
load_end_ms=$(now_ms)
fetch_metrics
processed_at_end=$(processed_total)
backlog_at_end=$(($(accepted_total) - processed_at_end))
processed_after=$(wait_processed 300)
drain_end_ms=$(now_ms)

fetch_metrics
accepted_after=$(accepted_total)
rows_after=$(inbox_rows)
accepted_delta=$((accepted_after - accepted_before))
rows_delta=$((rows_after - rows_before))

hz_rps=$(per_second "$(var healthz requests)" "$(var healthz duration_us)")
wh_accepted=$(var webhooks accepted)
wh_rps=$(per_second "${wh_accepted}" "$(var webhooks duration_us)")
ratio=$(awk -v a="${wh_rps}" -v b="${hz_rps}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')

echo
echo "GET /healthz (baseline)"
echo "  requests/s:     ${hz_rps}"
echo "  latency:        p50 $(ms "$(var healthz p50_us)") ms, p99 $(ms "$(var healthz p99_us)") ms"
echo "  non-2xx:        $(var healthz non2xx), socket errors $(var healthz socket_errors)"
echo
echo "POST /webhooks/shopify/bench (checkouts/update, ${payload_bytes} bytes)"
echo "  accepted/s:     ${wh_rps}   (target >= 5000 durably committed)"
echo "  latency:        p50 $(ms "$(var webhooks p50_us)") ms, p90 $(ms "$(var webhooks p90_us)") ms," \
  "p99 $(ms "$(var webhooks p99_us)") ms, max $(ms "$(var webhooks max_us)") ms   (target p99 < 50 ms)"
echo "  responses:      $(var webhooks requests) total, ${wh_accepted} accepted," \
  "$(var webhooks duplicate) duplicate, $(var webhooks other) other;" \
  "non-2xx $(var webhooks non2xx), socket errors $(var webhooks socket_errors)"
echo "  ratio:          ${ratio}   (accepted webhooks/s ÷ healthz requests/s; target >= 0.5)"
echo
status=0
echo "Durability"
echo "  inbox rows added: ${rows_delta}; accepted by the daemon (cartrelay_webhooks_total): ${accepted_delta};" \
  "accepted answers seen by wrk: ${wh_accepted}"
# wrk stops with requests in flight: the daemon may have committed (and
# counted) up to one request per connection that wrk never saw answered.
if ((rows_delta != accepted_delta)); then
  echo "  MISMATCH: inbox rows differ from accepted webhooks" >&2
  status=1
elif ((wh_accepted > rows_delta || rows_delta - wh_accepted > connections)); then
  echo "  MISMATCH: answers seen by wrk do not match the committed rows" >&2
  status=1
else
  echo "  ok: every accepted webhook has its inbox row" \
    "($((rows_delta - wh_accepted)) committed while wrk was stopping)"
fi
echo
echo "Processing (inbox rows mapped and applied by the background processor)"
load_ms=$((load_end_ms - load_start_ms))
echo "  during the load: $(per_second $((processed_at_end - processed_before)) $((load_ms * 1000))) rows/s" \
  "($((processed_at_end - processed_before)) rows in $(ms $((load_ms * 1000))) ms, sharing the machine with the intake)"
if [[ -z "${processed_after}" ]]; then
  echo "  backlog of ${backlog_at_end} rows not worked off within 300 s of the end of the load" >&2
  status=1
else
  window_ms=$((drain_end_ms - load_start_ms))
  drain_ms=$((drain_end_ms - load_end_ms))
  processed_delta=$((processed_after - processed_before))
  echo "  after the load:  ${backlog_at_end} rows left, worked off in $(ms $((drain_ms * 1000))) ms" \
    "$( ((backlog_at_end >= 1000)) && echo "= $(per_second "${backlog_at_end}" $((drain_ms * 1000))) rows/s with no intake running" ||
      echo "(too few for a rate)")"
  echo "  rows/s:         $(per_second "${processed_delta}" $((window_ms * 1000)))" \
    "(all ${processed_delta} rows, from the start of the load until the backlog was 0: $(ms $((window_ms * 1000))) ms)"
  echo "  outcomes since start: $(metric_sum cartrelay_inbox_events_total 'outcome="done"') done," \
    "$(metric_sum cartrelay_inbox_events_total 'outcome="duplicate"') duplicate," \
    "$(metric_sum cartrelay_inbox_events_total 'outcome="quarantined"') quarantined," \
    "$(metric_sum cartrelay_inbox_events_total 'outcome="retry"') retried"
fi
echo
echo "load average after: $(loadavg) (other work on the machine lowers every figure; the ratio is"
echo "measured against /healthz in the same run to make runs comparable; figures, not assertions)"

stop_daemon
exit "${status}"
