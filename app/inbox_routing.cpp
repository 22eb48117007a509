#include "app/inbox_routing.h"

#include <map>
#include <memory>
#include <string>

#include "connectors/shopify/event_mapper.h"
#include "connectors/woocommerce/event_mapper.h"

namespace cartrelay::app {
namespace {

constexpr std::string_view kWhatsAppPlatform = "whatsapp";

struct ShopRoute {
  std::string platform;
  core::ports::MappingContext context;
};

}  // namespace

core::inbox::InboxProcessor::Router makeInboxRouter(
    const config::AppConfig& config, const core::ports::InboxEventHandler* whatsapp) {
  static const connectors::shopify::ShopifyEventMapper kShopify;
  static const connectors::woocommerce::WooCommerceEventMapper kWooCommerce;

  auto shops = std::make_shared<std::map<std::string, ShopRoute, std::less<>>>();
  for (const config::ShopConfig& shop : config.shops) {
    ShopRoute route;
    route.platform = shop.platform;
    route.context.country = shop.country;
    route.context.currency = shop.currency;
    route.context.consent_meta_key = shop.consent_meta_key;
    shops->emplace(shop.name, std::move(route));
  }

  return [shops, whatsapp](const core::model::InboxEvent& event)
             -> core::Result<core::inbox::InboxProcessor::Route> {
    if (event.platform == kWhatsAppPlatform) {
      if (whatsapp == nullptr) {
        return core::Status::invalidArgument("WhatsApp events are not handled here");
      }
      core::inbox::InboxProcessor::Route route;
      route.handler = whatsapp;
      return route;
    }
    auto it = shops->find(event.source);
    if (it == shops->end()) {
      return core::Status::invalidArgument("shop '" + event.source + "' is not configured");
    }
    if (event.platform != it->second.platform) {
      return core::Status::invalidArgument("event platform " + event.platform +
                                           " does not match shop platform " + it->second.platform);
    }
    core::inbox::InboxProcessor::Route route;
    route.context = it->second.context;
    route.mapper = event.platform == "shopify"
                       ? static_cast<const core::ports::EventMapper*>(&kShopify)
                       : static_cast<const core::ports::EventMapper*>(&kWooCommerce);
    return route;
  };
}

}  // namespace cartrelay::app
