#pragma once

#include <span>
#include <string_view>

namespace cartrelay::connectors::woocommerce {

// The webhook topics cartrelay maps (WooCommerceEventMapper), including the
// Abandoned Cart Lite topics. Intake stores only these; any other topic is
// answered 200, counted and dropped.
std::span<const std::string_view> supportedTopics();
bool isSupportedTopic(std::string_view topic);

// Topic under which the unsigned CartFlows form posts to
// /webhooks/cart/{shop}/{token} are stored.
inline constexpr std::string_view kCartFlowsTopic = "cartflows";

}  // namespace cartrelay::connectors::woocommerce
