#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/result.h"

namespace cartrelay::compliance {
class SendGate;
}  // namespace cartrelay::compliance

// The port every message leaves through (DESIGN.md "The gate"): a channel
// (WhatsApp Cloud API, the sandbox log) sends only a ClearedMessage, and only
// the compliance gate can make one, after it has allowed the message and
// written the decision, the outbox row and the audit record in one
// transaction. No send path can bypass the gate: without a GateKey there is
// no ClearedMessage, and only compliance::SendGate can make a GateKey
// (tests/core/ports/message_channel_test.cpp proves both at compile time).
namespace cartrelay::core::ports {

// The passkey: its constructor is private and compliance::SendGate its only
// friend.
class GateKey {
 private:
  friend class cartrelay::compliance::SendGate;
  GateKey() = default;
};

// One allowed message, exactly as the gate cleared it. Copyable (a channel
// may retry with the same message) but not constructible without a GateKey.
// It holds the recipient's phone in clear: never log it.
class ClearedMessage {
 public:
  struct Content {
    std::int64_t outbox_id = 0;
    std::int64_t shop_id = 0;
    std::string to;             // E.164
    std::string subject_ref;    // keyed hash of `to`, for logs
    std::string template_name;  // [template.NAME]
    std::string meta_template;  // the template's name at Meta
    std::string language;       // "tr", "en_US"
    std::string category;       // MARKETING | UTILITY | AUTHENTICATION
    nlohmann::json params = nlohmann::json::object();
    std::string journey;  // "" for a manual send
    std::string step;
  };

  ClearedMessage(GateKey, Content content) : content_(std::move(content)) {}

  const Content& content() const { return content_; }

 private:
  Content content_;
};

// What a channel learnt from handing a message over.
struct SendReceipt {
  std::string provider_message_id;  // WhatsApp's wamid, or the sandbox's id
};

// A way out for cleared messages. Errors follow core/util/status.h: a
// retryable failure is kUnavailable, a permanent one kPermanent; the
// outbox decides what to do with them. Implementations state their own
// thread-safety.
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual Result<SendReceipt> send(const ClearedMessage& message) = 0;
};

}  // namespace cartrelay::core::ports
