#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

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
    // Non-empty: a free-form text message with this body, not a template
    // (meta_template and language are then empty). The gate clears one only
    // inside the recipient's customer service window.
    std::string text;
    nlohmann::json params = nlohmann::json::object();
    std::string journey;  // "" for a manual send
    std::string step;
    int attempt = 1;  // 1 for the first try, 2 for the first retry, ...
  };

  ClearedMessage(GateKey, Content content) : content_(std::move(content)) {}

  const Content& content() const { return content_; }

 private:
  Content content_;
};

// What became of one hand-over, in the terms the outbox acts on. The
// channel owns the provider's error taxonomy; the outbox owns the states.
struct SendResult {
  enum class Outcome {
    kAccepted,  // the provider took it: provider_message_id is set
    kRetry,     // not sent; may be tried again after retry_after_ms
    kFailed,    // not sent and never will be (permanent for this message)
    kOptedOut,  // refused because the recipient stopped marketing messages
    kHalted,    // nothing can be sent on this channel until a human acts
                // (token, account); this message was not sent
    kUnknown,   // the request may have reached the provider, its answer was
                // lost: never sent again automatically
  };
  Outcome outcome = Outcome::kUnknown;
  std::string provider_message_id;  // WhatsApp's wamid, or the sandbox's id
  int error_code = 0;               // the provider's code; 0 if none
  std::string reason;               // short snake_case, safe to log
  std::int64_t retry_after_ms = 0;  // kRetry
  bool recipient_only = false;      // kRetry: only this recipient must wait (pair rate)
  bool slow_down = false;           // kRetry: the whole channel must wait (throughput)
  bool simulated_delivery = false;  // kAccepted by a rehearsal channel: delivered at once
  // kFailed because the provider refused the template itself: its status
  // there in the template registry's terms ("PAUSED", "DISABLED",
  // "DELETED"), so later messages of it wait instead of failing too.
  std::string template_status;
};

// A way out for cleared messages. send() never throws and reports every
// failure in the SendResult. Implementations state their own
// thread-safety.
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual SendResult send(const ClearedMessage& message) = 0;
  // "whatsapp" or "sandbox": for logs, metrics and the outbox list.
  virtual std::string_view name() const = 0;
};

}  // namespace cartrelay::core::ports
