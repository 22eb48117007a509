#include "connectors/shopify/headers.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <strings.h>

namespace cartrelay::connectors::shopify {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive, like Poco's HTTPRequest; first match wins.
HeaderLookup lookupIn(const Headers& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string> {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), key.size()) == 0) {
        return value;
      }
    }
    return std::nullopt;
  };
}

TEST(ShopifyHeaders, FindsPrefixedFormInAnyCase) {
  const Headers canonical = {{"X-Shopify-Hmac-Sha256", "a"}};
  EXPECT_EQ(findHmacHeader(lookupIn(canonical)), "a");
  const Headers upper = {{"X-SHOPIFY-HMAC-SHA256", "b"}};
  EXPECT_EQ(findHmacHeader(lookupIn(upper)), "b");
  const Headers http2 = {{"x-shopify-hmac-sha256", "c"}};
  EXPECT_EQ(findHmacHeader(lookupIn(http2)), "c");
}

TEST(ShopifyHeaders, FindsUnprefixedForm) {
  const Headers h = {{"Shopify-Hmac-Sha256", "d"}};
  EXPECT_EQ(findHmacHeader(lookupIn(h)), "d");
}

TEST(ShopifyHeaders, UnprefixedWinsWhenBothPresent) {
  const Headers prefixed_first = {{"X-Shopify-Hmac-Sha256", "old"}, {"shopify-hmac-sha256", "new"}};
  EXPECT_EQ(findHmacHeader(lookupIn(prefixed_first)), "new");
  // Present-but-empty still wins, as in shopify-api-ruby; verification then fails.
  const Headers empty_unprefixed = {{"X-Shopify-Hmac-Sha256", "x"}, {"shopify-hmac-sha256", ""}};
  EXPECT_EQ(findHmacHeader(lookupIn(empty_unprefixed)), "");
}

TEST(ShopifyHeaders, MissingHeaderIsNullopt) {
  const Headers none = {{"X-Shopify-Topic", "orders/create"}, {"Content-Type", "application/json"}};
  EXPECT_FALSE(findHmacHeader(lookupIn(none)).has_value());
  EXPECT_FALSE(findHmacHeader(HeaderLookup{}).has_value());
}

TEST(ShopifyHeaders, GenericLookupForOtherHeaders) {
  const Headers h = {{"X-Shopify-Topic", "orders/create"}, {"shopify-webhook-id", "w1"}};
  EXPECT_EQ(findHeader(lookupIn(h), "shopify-topic"), "orders/create");
  EXPECT_EQ(findHeader(lookupIn(h), "shopify-webhook-id"), "w1");
}

}  // namespace
}  // namespace cartrelay::connectors::shopify
