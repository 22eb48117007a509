#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compliance/audit_log.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// The states of an outbox row (DESIGN.md "Delivery semantics"). The gate
// writes the first one (queued, deferred or suppressed); the rest are the
// delivery's:
//
//   queued --claim--> sending --accepted--> sent --> delivered --> read
//                        |--retryable--> queued (retry_at)
//                        |--permanent--> failed(code)
//                        '--no answer--> unknown   (never re-sent automatically)
//
// Statuses from Meta only move forward (sent < delivered < read; read
// without delivered is fine); failed is terminal, and a failure reported
// after delivery is ignored (delivery is the stronger fact).
enum class DeliveryState {
  kDeferred,
  kSuppressed,
  kQueued,
  kSending,
  kSent,
  kDelivered,
  kRead,
  kFailed,
  kUnknown,
};
std::string_view toString(DeliveryState state);  // "queued", "sending", ...
std::optional<DeliveryState> parseDeliveryState(std::string_view text);

// One status the channel reported for a message (a Cloud API status
// webhook item, or the sandbox's simulation), channel-neutral.
struct StatusReport {
  std::string provider_message_id;              // the wamid
  DeliveryState status = DeliveryState::kSent;  // kSent, kDelivered, kRead or kFailed
  core::EpochMillis at_ms = 0;                  // when Meta says it happened
  // biz_opaque_callback_data: the outbox id we sent with the message, which
  // also finds a row whose send answer never arrived (state unknown).
  std::optional<std::int64_t> outbox_id;
  int error_code = 0;            // for kFailed: Meta's code
  std::string pricing_category;  // "marketing", "utility", ... ("" if none)
  std::string pricing_type;      // "regular", "free_customer_service", ...
};

// A queued message that is due, as the dispatcher sees it before claiming:
// enough to apply rate limits, nothing personal.
struct DueMessage {
  std::int64_t outbox_id = 0;
  std::int64_t shop_id = 0;
  std::string subject_ref;
  std::string purpose_class;  // COMMERCIAL | TRANSACTIONAL
  int attempts = 0;           // sends tried so far
  // The recipient wrote within the last 24 h (whatsapp_contacts): a
  // message now answers them and does not count against the portfolio's
  // daily unique-recipient limit.
  bool in_service_window = false;
};

// The delivery side of the outbox: every transition after the gate's
// decision, each written together with an audit record (kinds
// message.sent, message.retry, message.failed, message.unknown,
// message.status; payloads hold the outbox id, codes and states, never
// personal data) in one transaction. Claiming a row (queued -> sending) is
// SendGate::claim, because only the gate hands out ClearedMessages.
//
// Transitions check the state they leave (UPDATE ... WHERE state = ...), so
// two daemon instances sharing one MariaDB never both move a row, and a
// repeated call changes nothing (kPermanent for the second).
//
// Errors: kNotFound for an unknown outbox id, kPermanent when the row is not
// in the state the transition leaves, kUnavailable / kInternal from the
// store (nothing was changed).
//
// Ownership: every reference must outlive the object. Thread-safety:
// immutable; call from any thread (each call uses its own session).
class OutboxDelivery {
 public:
  OutboxDelivery(core::store::Database& db, const core::Clock& clock, const AuditLog& audit)
      : db_(db), clock_(clock), audit_(audit) {}

  // Rows whose time has come, oldest first, at most `limit`: queued
  // (allowed) messages and deferred ones (to be decided again by
  // SendGate::claim).
  core::Result<std::vector<DueMessage>> due(int limit) const;

  // (subject_ref, first send time) of every recipient a message was sent to
  // since `since`: what the portfolio's moving 24-hour unique-recipient
  // limit has already used, so a restart does not reset it.
  core::Result<std::vector<std::pair<std::string, core::EpochMillis>>> recentRecipients(
      core::EpochMillis since) const;

  // At start-up: rows left in `sending` by a process that died mid-send
  // become `unknown` and are never sent again automatically (the request may
  // have reached Meta). Returns how many.
  core::Result<int> recoverInterrupted() const;

  // A queued row waits until `until` (a rate limit said not yet). Not an
  // attempt and not audited: nothing happened to the message.
  core::Status postpone(std::int64_t outbox_id, core::EpochMillis until) const;

  // sending -> sent with Meta's id; statuses that arrived before the id
  // was known (delivery_status_buffer) are applied in the same transaction.
  core::Status recordAccepted(std::int64_t outbox_id, const std::string& provider_message_id) const;
  // sending -> queued, due again at `retry_at` (a retryable error).
  core::Status recordRetry(std::int64_t outbox_id, core::EpochMillis retry_at, int error_code,
                           std::string_view reason) const;
  // sending -> failed (a permanent error, or retries exhausted).
  core::Status recordFailed(std::int64_t outbox_id, int error_code, std::string_view reason) const;
  // sending -> unknown (the request went out and no answer came back).
  core::Status recordUnknown(std::int64_t outbox_id, std::string_view reason) const;
  // sending -> queued without counting an attempt (the channel was halted
  // before the request left: nothing was sent).
  core::Status release(std::int64_t outbox_id) const;

  // One of the moves above, as a value, for record().
  struct Transition {
    enum class Kind { kAccepted, kRetry, kFailed, kUnknown, kRelease };
    Kind kind = Kind::kUnknown;
    std::int64_t outbox_id = 0;
    std::string provider_message_id;  // kAccepted: Meta's id
    core::EpochMillis retry_at = 0;   // kRetry
    int error_code = 0;               // kRetry, kFailed
    std::string reason;               // kRetry, kFailed, kUnknown

    static Transition accepted(std::int64_t id, std::string provider_message_id) {
      return {Kind::kAccepted, id, std::move(provider_message_id), 0, 0, {}};
    }
    static Transition retry(std::int64_t id, core::EpochMillis at, int code, std::string_view why) {
      return {Kind::kRetry, id, {}, at, code, std::string(why)};
    }
    static Transition failed(std::int64_t id, int code, std::string_view why) {
      return {Kind::kFailed, id, {}, 0, code, std::string(why)};
    }
    static Transition unknown(std::int64_t id, std::string_view why) {
      return {Kind::kUnknown, id, {}, 0, 0, std::string(why)};
    }
    static Transition release(std::int64_t id) { return {Kind::kRelease, id, {}, 0, 0, {}}; }
  };
  // Several moves in one transaction, so one commit (on SQLite, one sync of
  // the WAL) instead of one per message. Each move writes exactly what its
  // single call above writes, its own audit record included; the
  // transaction only holds more of them. Returns one Status per transition,
  // in order, with the single calls' meanings: a move that does not apply
  // (kNotFound, kPermanent, kInvalidArgument) changes nothing and does not
  // stop the others. When the store fails, the batch is rolled back and each
  // move is tried again in a transaction of its own, so one row that cannot
  // be written never holds back the rest.
  std::vector<core::Status> record(const std::vector<Transition>& transitions) const;

  enum class StatusResult {
    kApplied,    // the row moved forward
    kStale,      // the row is already at or past it (a late or repeated status)
    kBuffered,   // no row holds the wamid yet: kept until the send's answer is stored
    kDuplicate,  // already buffered
  };
  core::Result<StatusResult> applyStatus(const StatusReport& report) const;
  // The same in the caller's transaction (the inbox processor's, for a
  // status webhook), so the status and the webhook's state commit together.
  core::Result<StatusResult> applyStatus(soci::session& s, const StatusReport& report) const;

 private:
  core::Status recordOne(const Transition& transition) const;

  core::store::Database& db_;
  const core::Clock& clock_;
  const AuditLog& audit_;
};

}  // namespace cartrelay::compliance
