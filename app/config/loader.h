#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/config/app_config.h"

namespace cartrelay::app::config {

// One problem found in a configuration file. `key` is "section.key" (e.g.
// "shop.acme.webhook_secret"), or "section" / the file path for problems that
// belong to no single key. Messages contain no secret values.
struct ConfigError {
  std::string key;
  std::string message;
  // "shop.acme.webhook_secret: /etc/x: accessible by others (mode 0644)"
  std::string toString() const { return key + ": " + message; }
};

struct LoadResult {
  std::optional<AppConfig> config;  // set iff errors is empty
  std::vector<ConfigError> errors;  // every problem, not just the first
};

// Reads and validates an INI file against the schema (app/config/schema.h):
// unknown sections and keys, repeated keys, bad values, missing required keys,
// unsafe "file:" secrets and cross-key rules (e.g. a Shopify shop needs
// shop_domain, a journey step must name a configured template) are all
// reported. `cartrelay check-config` and `cartrelay run` call exactly this.
// Thread-safety: reentrant; touches no global state.
LoadResult loadConfigFile(const std::string& path);

// Same, from text already in memory; `origin` names it in messages.
LoadResult loadConfigText(const std::string& text, const std::string& origin);

}  // namespace cartrelay::app::config
