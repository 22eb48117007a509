#pragma once

#include <span>
#include <string_view>

namespace cartrelay::connectors::shopify {

// The webhook topics cartrelay maps (ShopifyEventMapper). Intake stores only
// these; any other topic is answered 200, counted and dropped, so a shop that
// subscribed to more than we use does not fill the inbox.
std::span<const std::string_view> supportedTopics();
bool isSupportedTopic(std::string_view topic);

}  // namespace cartrelay::connectors::shopify
