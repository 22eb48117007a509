// The intake stores only supportedTopics(); every one of them must reach a
// mapping function, or a stored event would be marked done without effect.
#include "connectors/woocommerce/topics.h"

#include <gtest/gtest.h>

#include "connectors/woocommerce/event_mapper.h"

namespace cartrelay::connectors::woocommerce {
namespace {

TEST(WooCommerceTopics, EverySupportedTopicIsMapped) {
  WooCommerceEventMapper mapper;
  for (std::string_view topic : supportedTopics()) {
    core::model::InboxEvent event;
    event.platform = "woocommerce";
    event.topic = std::string(topic);
    event.body = "{}";
    event.headers_json = "{}";
    auto mapped = mapper.map(event, core::ports::MappingContext{"TR", "TRY", ""});
    if (mapped.isOk()) {
      EXPECT_EQ(mapped->ignored_because.find("is not used by cartrelay"), std::string::npos)
          << topic;
    }
    EXPECT_TRUE(isSupportedTopic(topic));
  }
  EXPECT_FALSE(isSupportedTopic("coupon.created"));
}

}  // namespace
}  // namespace cartrelay::connectors::woocommerce
