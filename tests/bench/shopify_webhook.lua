-- wrk script: POSTs one signed Shopify webhook per request.
--
--   wrk ... -s shopify_webhook.lua http://127.0.0.1:PORT -- BODY_FILE HMAC_B64 RUN_ID [PATH] [TOPIC]
--
-- The body is the fixture file's bytes, sent as they are. Shopify's HMAC
-- covers only the body, so one signature computed by the caller serves every
-- request; the X-Shopify-Event-Id (the daemon's dedupe key) is unique per
-- request: RUN_ID, the wrk thread's number and a per-thread counter.
--
-- done() prints machine-readable "BENCH key=value" lines (latencies in
-- microseconds) after wrk's own report; webhook_intake_bench.sh parses them.

local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_no", next_thread)
  table.insert(threads, thread)
end

local body
local hmac
local run_id
local path
local topic
local counter = 0
-- Globals, not locals: done() reads them from each thread with thread:get().
accepted = 0
duplicate = 0
other = 0

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open body file " .. tostring(args[1]))
  body = file:read("*a")
  file:close()
  hmac = args[2]
  run_id = args[3]
  path = args[4] or "/webhooks/shopify/bench"
  topic = args[5] or "checkouts/update"
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Topic"] = topic,
    ["X-Shopify-Hmac-Sha256"] = hmac,
    ["X-Shopify-Shop-Domain"] = "bench.myshopify.com",
    ["X-Shopify-API-Version"] = "2025-07",
    ["X-Shopify-Event-Id"] = run_id .. "-" .. thread_no .. "-" .. counter,
  }
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, resp_body)
  if status == 200 and resp_body and string.find(resp_body, "accepted", 1, true) then
    accepted = accepted + 1
  elseif status == 200 and resp_body and string.find(resp_body, "duplicate", 1, true) then
    duplicate = duplicate + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local acc, dup, oth = 0, 0, 0
  for _, t in ipairs(threads) do
    acc = acc + (t:get("accepted") or 0)
    dup = dup + (t:get("duplicate") or 0)
    oth = oth + (t:get("other") or 0)
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d\n", summary.requests))
  io.write(string.format("BENCH duration_us=%d\n", summary.duration))
  io.write(string.format("BENCH accepted=%d\n", acc))
  io.write(string.format("BENCH duplicate=%d\n", dup))
  io.write(string.format("BENCH other=%d\n", oth))
  io.write(string.format("BENCH non2xx=%d\n", e.status))
  io.write(string.format("BENCH socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts=%d\n", e.timeout))
  io.write(string.format("BENCH p50_us=%d\n", latency:percentile(50)))
  io.write(string.format("BENCH p90_us=%d\n", latency:percentile(90)))
  io.write(string.format("BENCH p99_us=%d\n", latency:percentile(99)))
  io.write(string.format("BENCH max_us=%d\n", latency.max))
end
