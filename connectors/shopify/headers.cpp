#include "connectors/shopify/headers.h"

namespace cartrelay::connectors::shopify {

std::optional<std::string> findHeader(const HeaderLookup& lookup,
                                      std::string_view unprefixed_name) {
  if (!lookup) return std::nullopt;
  // Un-prefixed first: shopify-api-ruby (commit 34c98fd, lib/shopify_api/webhooks/request.rb)
  // prefers it when both families are present.
  if (auto value = lookup(unprefixed_name)) return value;
  std::string prefixed = "x-";
  prefixed.append(unprefixed_name);
  return lookup(prefixed);
}

std::optional<std::string> findHmacHeader(const HeaderLookup& lookup) {
  return findHeader(lookup, kHmacHeader);
}

}  // namespace cartrelay::connectors::shopify
