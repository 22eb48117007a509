#include "compliance/retention.h"

#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/detail/errors.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

// One class: which rows (a WHERE clause over `table` with one :cutoff
// parameter) and what to do with them (DELETE, or an UPDATE's SET list).
struct DataClass {
  const char* name;
  const char* table;
  const char* where;
  const char* set;                        // nullptr: delete the rows
  std::int64_t RetentionPolicy::*period;  // nullptr: the cut-off is now
};

// The consent histories to drop: every event of a (shop, subject) whose
// latest event is a withdrawal older than the cut-off. A subject who said
// yes again later is not touched.
// The inner SELECT is wrapped in a derived table because MySQL refuses a
// DELETE whose subquery reads the table being deleted from (error 1093).
constexpr const char* kEndedConsents =
    "(shop_id, subject_ref) IN (SELECT shop_id, subject_ref FROM (SELECT e.shop_id,"
    " e.subject_ref FROM consent_events e WHERE e.status = 'RET' AND e.event_at_ms < :cutoff"
    " AND NOT EXISTS (SELECT 1 FROM consent_events later WHERE later.shop_id = e.shop_id AND"
    " later.subject_ref = e.subject_ref AND later.event_at_ms > e.event_at_ms)) ended)";

const DataClass kClasses[] = {
    {"carts", "carts", "state <> 'completed' AND platform_updated_at_ms < :cutoff", nullptr,
     &RetentionPolicy::carts_ms},
    {"message_content", "outbox",
     "created_at_ms < :cutoff AND (data_key IS NOT NULL OR recipient_enc IS NOT NULL OR"
     " params_enc IS NOT NULL)",
     "data_key = NULL, recipient_enc = NULL, params_enc = NULL",
     &RetentionPolicy::message_content_ms},
    {"commercial_records", "outbox", "purpose_class = 'COMMERCIAL' AND created_at_ms < :cutoff",
     nullptr, &RetentionPolicy::commercial_records_ms},
    {"transactional_records", "outbox",
     "purpose_class = 'TRANSACTIONAL' AND created_at_ms < :cutoff", nullptr,
     &RetentionPolicy::transactional_records_ms},
    // After the message classes above. A link's target never outlives its
    // message's content (cleared just now or by an erasure) nor the link's
    // own expiry (the cut-off is now); the click count stays with the send
    // record, like its delivery times, and goes with it.
    {"tracked_link_targets", "tracked_links",
     "target_enc IS NOT NULL AND (expires_at_ms < :cutoff OR NOT EXISTS (SELECT 1 FROM outbox"
     " o WHERE o.id = tracked_links.outbox_id AND o.data_key IS NOT NULL))",
     "target_enc = NULL", nullptr},
    {"tracked_links", "tracked_links",
     "created_at_ms < :cutoff AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id ="
     " tracked_links.outbox_id)",
     nullptr, nullptr},
    {"consent_proof", "consent_events", kEndedConsents, nullptr,
     &RetentionPolicy::consent_proof_ms},
    {"orders", "orders", "placed_at_ms < :cutoff", nullptr, &RetentionPolicy::orders_ms},
    // Carts still pointing at the customer keep their own keys; the
    // profile's key is what makes it readable.
    {"inactive_customers", "customers", "data_key IS NOT NULL AND updated_at_ms < :cutoff",
     "data_key = NULL, phone_hash = NULL, email_hash = NULL, erased_at_ms = :now",
     &RetentionPolicy::inactive_customers_ms},
};

}  // namespace

Result<std::vector<RetentionJob::ClassResult>> RetentionJob::run(bool dry_run,
                                                                 std::string_view actor) const {
  std::vector<ClassResult> out;
  const core::EpochMillis now = clock_.nowMillis();
  for (const DataClass& c : kClasses) {
    ClassResult result;
    result.data_class = c.name;
    result.cutoff_ms = c.period == nullptr ? now : now - policy_.*c.period;
    Status done = db_.withTransaction([&](soci::session& s) -> Status {
      CARTRELAY_RETURN_IF_ERROR(detail::guarded(c.name, [&]() -> Status {
        std::int64_t cutoff = result.cutoff_ms;
        long long count = 0;
        s << std::string("SELECT COUNT(*) FROM ") + c.table + " WHERE " + c.where,
            soci::use(cutoff, "cutoff"), soci::into(count);
        result.rows = count;
        if (dry_run || count == 0) return Status::ok();
        std::string sql =
            c.set == nullptr
                ? std::string("DELETE FROM ") + c.table + " WHERE " + c.where
                : std::string("UPDATE ") + c.table + " SET " + c.set + " WHERE " + c.where;
        std::int64_t stamp = now;
        if (std::string_view(c.set == nullptr ? "" : c.set).find(":now") != std::string::npos) {
          s << sql, soci::use(stamp, "now"), soci::use(cutoff, "cutoff");
        } else {
          s << sql, soci::use(cutoff, "cutoff");
        }
        return Status::ok();
      }));
      if (dry_run || result.rows == 0) return Status::ok();
      AuditEvent audited{"retention.destroyed",
                         std::string(actor),
                         "",
                         {{"data_class", c.name},
                          {"rows", result.rows},
                          {"cutoff_ms", result.cutoff_ms},
                          {"action", c.set == nullptr ? "deleted" : "anonymised"}}};
      return audit_.append(s, audited).status();
    });
    if (!done.isOk()) return done;
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace cartrelay::compliance
