#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartrelay::core::model {

// Where an inbox event is in its life:
//   received     durably stored, not processed yet (or failed transiently)
//   done         processed
//   duplicate    processing found it repeats work already done (e.g. the
//                poller and a webhook delivered the same change)
//   quarantined  processing failed for good; `reason` says why. Never retried
//                automatically and never blocks other events.
enum class InboxState { kReceived, kDone, kDuplicate, kQuarantined };

// "received" | "done" | "duplicate" | "quarantined": the stored value and
// what `cartrelay inbox list --state` accepts.
constexpr std::string_view toString(InboxState state) {
  switch (state) {
    case InboxState::kReceived:
      return "received";
    case InboxState::kDone:
      return "done";
    case InboxState::kDuplicate:
      return "duplicate";
    case InboxState::kQuarantined:
      return "quarantined";
  }
  return "received";
}

constexpr std::optional<InboxState> parseInboxState(std::string_view text) {
  if (text == "received") return InboxState::kReceived;
  if (text == "done") return InboxState::kDone;
  if (text == "duplicate") return InboxState::kDuplicate;
  if (text == "quarantined") return InboxState::kQuarantined;
  return std::nullopt;
}

// One delivery as it arrived (webhook or poll), before any mapping. The raw
// body may hold personal data, so the store keeps it encrypted.
struct InboxEvent {
  std::int64_t id = 0;  // store id, 0 before insert
  std::string source;   // who delivered it: the shop name, or "whatsapp"
  std::optional<std::int64_t> shop_id;
  std::string platform;      // "shopify" | "woocommerce" | "whatsapp" | "cart" | ...
  std::string topic;         // "orders/create", "checkouts/update", "messages", ...
  std::string delivery_id;   // the platform's delivery/event id, unique per source
  std::string headers_json;  // selected request headers as a JSON object (no secrets)
  std::string body;          // raw bytes as received
  InboxState state = InboxState::kReceived;
  std::string reason;               // why it was quarantined/duplicate, or the last error
  std::int64_t received_at_ms = 0;  // UTC epoch ms
  std::optional<std::int64_t> processed_at_ms;
  int attempts = 0;  // failed processing attempts so far

  bool operator==(const InboxEvent&) const = default;
};

}  // namespace cartrelay::core::model
