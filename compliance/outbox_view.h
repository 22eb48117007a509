#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::compliance {

// One outbox row as operators see it (`cartrelay outbox list`, `send`, the
// admin API): what was decided and what became of it. No personal data:
// the recipient appears only as its keyed hash.
struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string subject_ref;
  std::string journey;  // "" for a manual send
  std::string step;
  std::string template_name;
  std::string purpose_class;  // COMMERCIAL | TRANSACTIONAL
  std::string decision;       // ALLOW | DEFER | DENY
  std::string reason;         // the gate's reason code; "" for ALLOW
  std::string state;          // DeliveryState name
  std::string wamid;
  int attempts = 0;
  int error_code = 0;
  std::string error_reason;
  core::EpochMillis retry_at_ms = 0;  // 0 when not waiting
  core::EpochMillis created_at_ms = 0;
  core::EpochMillis sent_at_ms = 0;
  core::EpochMillis delivered_at_ms = 0;
  core::EpochMillis read_at_ms = 0;
  std::string pricing_category;
  std::string pricing_type;
  std::int64_t clicks = 0;  // clicks on the message's tracked links, all attempts
};

struct OutboxFilter {
  std::optional<std::int64_t> shop_id;
  std::string state;          // "" = any
  std::int64_t after_id = 0;  // only ids greater (paging)
  int limit = 100;
};

// Rows in id order. Store errors as kUnavailable / kInternal.
core::Result<std::vector<OutboxEntry>> listOutbox(soci::session& s, const OutboxFilter& filter);
// One row; std::nullopt when there is none.
core::Result<std::optional<OutboxEntry>> loadOutboxEntry(soci::session& s, std::int64_t id);

}  // namespace cartrelay::compliance
