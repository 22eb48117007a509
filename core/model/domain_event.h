#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartrelay::core::model {

// What happened to a shop's picture, as the inbox applier saw it. Journeys,
// segments and the compliance side consume these in id order; they are
// written in the same transaction as the change they describe.
enum class DomainEventKind {
  kCartUpdated,
  kCartDeleted,
  kCheckoutCompleted,
  kOrderPlaced,
  kOrderUpdated,
  kOrderPaid,
  kOrderFulfilled,
  kOrderCancelled,
  kOrderDeleted,
  kCustomerUpdated,
  kCustomerDeleted,
  kConsentObserved,
  kSubjectDataRequested,
  kSubjectRedactionRequested,
  kShopRedactionRequested,
  kProductUpdated,
};

// "CartUpdated", "OrderPaid", ...: the stored value.
constexpr std::string_view toString(DomainEventKind kind) {
  switch (kind) {
    case DomainEventKind::kCartUpdated:
      return "CartUpdated";
    case DomainEventKind::kCartDeleted:
      return "CartDeleted";
    case DomainEventKind::kCheckoutCompleted:
      return "CheckoutCompleted";
    case DomainEventKind::kOrderPlaced:
      return "OrderPlaced";
    case DomainEventKind::kOrderUpdated:
      return "OrderUpdated";
    case DomainEventKind::kOrderPaid:
      return "OrderPaid";
    case DomainEventKind::kOrderFulfilled:
      return "OrderFulfilled";
    case DomainEventKind::kOrderCancelled:
      return "OrderCancelled";
    case DomainEventKind::kOrderDeleted:
      return "OrderDeleted";
    case DomainEventKind::kCustomerUpdated:
      return "CustomerUpdated";
    case DomainEventKind::kCustomerDeleted:
      return "CustomerDeleted";
    case DomainEventKind::kConsentObserved:
      return "ConsentObserved";
    case DomainEventKind::kSubjectDataRequested:
      return "SubjectDataRequested";
    case DomainEventKind::kSubjectRedactionRequested:
      return "SubjectRedactionRequested";
    case DomainEventKind::kShopRedactionRequested:
      return "ShopRedactionRequested";
    case DomainEventKind::kProductUpdated:
      return "ProductUpdated";
  }
  return "CartUpdated";
}

constexpr std::optional<DomainEventKind> parseDomainEventKind(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(DomainEventKind::kProductUpdated); ++i) {
    auto kind = static_cast<DomainEventKind>(i);
    if (toString(kind) == text) return kind;
  }
  return std::nullopt;
}

// One stored domain event. `payload_json` is a JSON object with the facts a
// consumer needs that are not in the referenced rows (e.g. a consent
// observation's channel, state and source); it never holds personal data in
// clear: a person is referenced by customer_id and by `subject_hash`, the
// keyed hash of the E.164 phone (KeyedHasher domain "phone"), empty when the
// phone is unknown or invalid.
struct DomainEvent {
  std::int64_t id = 0;  // store id, increasing; 0 before append
  std::int64_t shop_id = 0;
  DomainEventKind kind = DomainEventKind::kCartUpdated;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> cart_id;
  std::optional<std::int64_t> order_id;
  std::string subject_hash;
  std::optional<std::int64_t> inbox_id;  // the inbox event that caused it
  std::int64_t occurred_at_ms = 0;       // when it happened on the platform (UTC epoch ms)
  std::string payload_json = "{}";
  std::int64_t created_at_ms = 0;  // set by the store

  bool operator==(const DomainEvent&) const = default;
};

}  // namespace cartrelay::core::model
