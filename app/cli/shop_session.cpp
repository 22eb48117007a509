#include "app/cli/shop_session.h"

namespace cartrelay::app::cli {

std::optional<ShopSession> openShopSession(const std::string& config_path, std::string shop_name,
                                           std::string_view command, int* exit_code) {
  ShopSession session;
  session.store = OperatorStore::open(config_path, command, exit_code);
  if (!session.store) return std::nullopt;
  const auto& shops = session.store->config().shops;
  if (shop_name.empty()) {
    if (shops.size() != 1) {
      printError(command, "--shop NAME is required when more than one shop is configured");
      *exit_code = kExitUsage;
      return std::nullopt;
    }
    shop_name = shops[0].name;
  }
  ShopSelection selection;
  if (!session.store->selectShop(command, shop_name, &selection)) {
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  if (!selection.shop) {
    printError(command, "shop '" + shop_name +
                            "' is not in the database yet: start the daemon once to add it");
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  session.shop = *selection.shop;
  const config::ShopConfig* shop_config = session.store->shopConfig(shop_name);
  session.country = shop_config ? shop_config->country : std::string();
  session.audit = std::make_unique<compliance::AuditLog>(session.store->clock());
  session.ledger = std::make_unique<compliance::ConsentLedger>(
      session.store->keys(), session.store->clock(), *session.audit);
  return session;
}

}  // namespace cartrelay::app::cli
