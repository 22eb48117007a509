-- wrk script for the GET baseline (e.g. /healthz): no request changes, only
-- the same machine-readable "BENCH key=value" summary as shopify_webhook.lua
-- (latencies in microseconds).

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d\n", summary.requests))
  io.write(string.format("BENCH duration_us=%d\n", summary.duration))
  io.write(string.format("BENCH non2xx=%d\n", e.status))
  io.write(string.format("BENCH socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts=%d\n", e.timeout))
  io.write(string.format("BENCH p50_us=%d\n", latency:percentile(50)))
  io.write(string.format("BENCH p90_us=%d\n", latency:percentile(90)))
  io.write(string.format("BENCH p99_us=%d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us=%d\n", latency.max))
end
