#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "compliance/consent_ledger.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// How a shop's platform collects WhatsApp consent, from [shop.NAME]
// consent_capture and consent_kvkk_notice.
struct PlatformCapture {
  std::string shop_name;
  // True only when the shop has declared that its storefront's WhatsApp
  // opt-in meets the rules (own heading, not pre-ticked, the KVKK notice
  // shown separately, ...). Otherwise a platform's "subscribed" is kept as
  // evidence and never counts as consent (compliance-rules.md rules 13-19).
  bool counts_as_consent = false;
  std::string kvkk_notice_version;  // the notice shown at that capture point
};

// Turns the platforms' consent observations (ConsentObserved domain events,
// written by the inbox applier from Shopify's and WooCommerce's consent
// fields) into consent ledger events:
//   subscribed    -> ONAY, evidence-only unless the capture counts as consent;
//                    verified only for a confirmed (double) opt-in
//   unsubscribed, redacted -> RET (a withdrawal always counts)
//   anything else (pending, not_subscribed), other channels (sms, email),
//   or no valid phone -> nothing
// Events are consumed in id order from the offset "consent_observations";
// each batch is one transaction with its ledger events, audit records and
// the new offset, so every observation is recorded exactly once. An
// observation the ledger refuses (e.g. a date in the future) is logged
// (consent.observation_refused, no personal data) and skipped, never
// blocking the ones after it.
//
// Ownership: db, ledger and clock must outlive the consumer.
// Thread-safety: one caller at a time (the daemon's consumer task).
class ConsentObservationConsumer {
 public:
  static constexpr const char* kConsumerName = "consent_observations";

  ConsentObservationConsumer(core::store::Database& db, const ConsentLedger& ledger,
                             const core::Clock& clock,
                             std::map<std::int64_t, PlatformCapture> captures_by_shop_id)
      : db_(db), ledger_(ledger), clock_(clock), captures_(std::move(captures_by_shop_id)) {}

  // Consumes up to `limit` events; returns how many domain events it read
  // (0 when caught up). Store errors roll the whole batch back.
  core::Result<int> runOnce(int limit = 200);

 private:
  core::store::Database& db_;
  const ConsentLedger& ledger_;
  const core::Clock& clock_;
  std::map<std::int64_t, PlatformCapture> captures_;
};

}  // namespace cartrelay::compliance
