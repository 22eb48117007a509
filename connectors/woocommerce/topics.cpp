#include "connectors/woocommerce/topics.h"

#include <algorithm>
#include <array>

namespace cartrelay::connectors::woocommerce {
namespace {

constexpr std::array<std::string_view, 11> kTopics = {
    "order.created",    "order.updated",    "order.restored",      "order.deleted",
    "customer.created", "customer.updated", "customer.deleted",    "product.created",
    "product.updated",  "wcap_cart.cutoff", "wcap_cart.recovered",
};

}  // namespace

std::span<const std::string_view> supportedTopics() { return kTopics; }

bool isSupportedTopic(std::string_view topic) {
  return std::find(kTopics.begin(), kTopics.end(), topic) != kTopics.end();
}

}  // namespace cartrelay::connectors::woocommerce
