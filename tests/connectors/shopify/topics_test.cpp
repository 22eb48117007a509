// The intake stores only supportedTopics(); every one of them must reach a
// mapping function, or a stored event would be marked done without effect.
#include "connectors/shopify/topics.h"

#include <gtest/gtest.h>

#include "connectors/shopify/event_mapper.h"

namespace cartrelay::connectors::shopify {
namespace {

TEST(ShopifyTopics, EverySupportedTopicIsMapped) {
  ShopifyEventMapper mapper;
  for (std::string_view topic : supportedTopics()) {
    core::model::InboxEvent event;
    event.platform = "shopify";
    event.topic = std::string(topic);
    event.body = "{}";
    event.headers_json = "{}";
    auto mapped = mapper.map(event, core::ports::MappingContext{"TR", "TRY", ""});
    // An empty body may be refused, but never as an unused topic.
    if (mapped.isOk()) {
      EXPECT_EQ(mapped->ignored_because.find("topic not used"), std::string::npos) << topic;
    }
    EXPECT_TRUE(isSupportedTopic(topic));
  }
  EXPECT_FALSE(isSupportedTopic("inventory_levels/update"));
  EXPECT_FALSE(isSupportedTopic("orders/Create"));
}

}  // namespace
}  // namespace cartrelay::connectors::shopify
