#include "core/ports/message_channel.h"

#include <type_traits>

#include <gtest/gtest.h>

// The proof that no send path bypasses the gate (DESIGN.md "The gate"): a
// channel takes only a ClearedMessage, a ClearedMessage needs a GateKey, and
// nothing but compliance::SendGate can make a GateKey. If any of these
// stopped holding, this file would stop compiling.
namespace cartrelay::core::ports {
namespace {

static_assert(!std::is_default_constructible_v<GateKey>, "only the gate makes a GateKey");
static_assert(!std::is_constructible_v<ClearedMessage, ClearedMessage::Content>,
              "a ClearedMessage needs a GateKey");
static_assert(!std::is_default_constructible_v<ClearedMessage>);
static_assert(std::is_copy_constructible_v<ClearedMessage>,
              "a channel may retry a cleared message");

struct AnyChannel : MessageChannel {
  SendResult send(const ClearedMessage&) override { return {}; }
  std::string_view name() const override { return "any"; }
};

TEST(MessageChannel, TheOnlyWayInIsAClearedMessage) {
  // Compile-time facts above; at run time a channel is usable through the
  // port alone.
  AnyChannel channel;
  MessageChannel& port = channel;
  (void)port;
  SUCCEED();
}

}  // namespace
}  // namespace cartrelay::core::ports
