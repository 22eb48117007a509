#include "connectors/shopify/topics.h"

#include <algorithm>
#include <array>

namespace cartrelay::connectors::shopify {
namespace {

constexpr std::array<std::string_view, 22> kTopics = {
    "checkouts/create",
    "checkouts/update",
    "checkouts/delete",
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/cancelled",
    "orders/edited",
    "orders/delete",
    "customers/create",
    "customers/update",
    "customers/delete",
    "customers_whats_app_marketing_consent/update",
    "customers_marketing_consent/update",
    "customers_email_marketing_consent/update",
    "customers/data_request",
    "customers/redact",
    "shop/redact",
    "products/create",
    "products/update",
};

}  // namespace

std::span<const std::string_view> supportedTopics() { return kTopics; }

bool isSupportedTopic(std::string_view topic) {
  return std::find(kTopics.begin(), kTopics.end(), topic) != kTopics.end();
}

}  // namespace cartrelay::connectors::shopify
