#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_harness.h"
#include "tests/support/http_client.h"

namespace cartrelay::testing {

// Posts a body to the running daemon the way Shopify does: signed with
// `secret` over the exact bytes, topic and event id headers. `extra` headers
// are added (or override) last.
HttpResult postShopify(int port, const std::string& shop, const std::string& topic,
                       const std::string& body, const std::string& secret,
                       const std::string& event_id,
                       const std::map<std::string, std::string>& extra = {});

// The same for WooCommerce (X-WC-Webhook-* headers).
HttpResult postWooCommerce(int port, const std::string& shop, const std::string& topic,
                           const std::string& body, const std::string& secret,
                           const std::string& delivery_id);

// The JSON document a `--json` command printed (log lines on stderr before
// it are skipped); a null json when there is none.
nlohmann::json jsonOutput(const CommandResult& result);

// `cartrelay <args...> --json` through the harness, parsed.
nlohmann::json cliJson(const DaemonHarness& daemon, std::vector<std::string> args);

// Waits until `inbox list` shows no event in state `received` (at most 120 s).
bool inboxSettles(const DaemonHarness& daemon);

}  // namespace cartrelay::testing
