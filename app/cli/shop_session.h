#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/cli/command_support.h"
#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "core/model/shop.h"

// What the commands that record something for one shop start from (consent
// grant/withdraw/import/show, send): the operator's store, the shop, its
// audit chain and consent ledger.
namespace cartrelay::app::cli {

struct ShopSession {
  std::unique_ptr<OperatorStore> store;
  core::model::Shop shop;
  std::string country;  // the shop's, for numbers without a country code
  std::unique_ptr<compliance::AuditLog> audit;
  std::unique_ptr<compliance::ConsentLedger> ledger;
};

// Opens the store for `command` and selects `shop_name` (may be empty when
// exactly one shop is configured). On failure prints why on stderr and
// returns nullopt with *exit_code set: kExitUsage for configuration or an
// unknown shop, kExitFailure when the store cannot be opened or the shop was
// never stored (the daemon adds it at its first start).
std::optional<ShopSession> openShopSession(const std::string& config_path, std::string shop_name,
                                           std::string_view command, int* exit_code);

}  // namespace cartrelay::app::cli
