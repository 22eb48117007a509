#include "compliance/outbox_delivery.h"

#include <array>
#include <utility>

#include <soci/soci.h>

#include "compliance/rules/service_window.h"
#include "core/store/database.h"
#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

constexpr std::array<std::pair<DeliveryState, std::string_view>, 9> kStateNames = {{
    {DeliveryState::kDeferred, "deferred"},
    {DeliveryState::kSuppressed, "suppressed"},
    {DeliveryState::kQueued, "queued"},
    {DeliveryState::kSending, "sending"},
    {DeliveryState::kSent, "sent"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kRead, "read"},
    {DeliveryState::kFailed, "failed"},
    {DeliveryState::kUnknown, "unknown"},
}};

// How far along a delivered message is; a status only ever raises it.
// unknown is 0: any news about such a message is progress.
int progressOf(DeliveryState state) {
  switch (state) {
    case DeliveryState::kSent:
      return 1;
    case DeliveryState::kDelivered:
      return 2;
    case DeliveryState::kRead:
      return 3;
    default:
      return 0;
  }
}

// The row a transition or a status is about.
struct Row {
  std::int64_t id = 0;
  DeliveryState state = DeliveryState::kQueued;
  std::string subject_ref;
  std::string wamid;
};

Result<std::optional<Row>> loadRow(soci::session& s, const std::string& where_sql,
                                   const std::string& key_text, std::int64_t key_int) {
  return detail::guarded("outbox.load", [&]() -> Result<std::optional<Row>> {
    Row row;
    std::string state;
    detail::NullableText wamid;
    std::string text = key_text;
    std::int64_t number = key_int;
    const std::string sql = "SELECT id, state, subject_ref, wamid FROM outbox WHERE " + where_sql;
    if (where_sql.find(":w") != std::string::npos) {
      s << sql, soci::use(text), soci::into(row.id), soci::into(state), soci::into(row.subject_ref),
          soci::into(wamid.value, wamid.ind);
    } else {
      s << sql, soci::use(number), soci::into(row.id), soci::into(state),
          soci::into(row.subject_ref), soci::into(wamid.value, wamid.ind);
    }
    if (!s.got_data()) return std::optional<Row>();
    auto parsed = parseDeliveryState(state);
    if (!parsed) return Status::internal("outbox " + std::to_string(row.id) + ": bad state");
    row.state = *parsed;
    row.wamid = wamid.get();
    return std::optional<Row>(std::move(row));
  });
}

Result<Row> rowById(soci::session& s, std::int64_t id) {
  CARTRELAY_ASSIGN_OR_RETURN(auto row, loadRow(s, "id = :id", {}, id));
  if (!row) return Status::notFound("outbox: no message " + std::to_string(id));
  return std::move(*row);
}

Status expectState(const Row& row, DeliveryState expected) {
  if (row.state == expected) return Status::ok();
  return Status::permanent("outbox " + std::to_string(row.id) + ": state " +
                           std::string(toString(row.state)) + ", expected " +
                           std::string(toString(expected)));
}

Status audit(soci::session& s, const AuditLog& log, std::string_view kind, const Row& row,
             nlohmann::json payload) {
  payload["outbox_id"] = row.id;
  AuditEvent event{std::string(kind), "daemon", row.subject_ref, std::move(payload)};
  return log.append(s, event).status();
}

// Moves `row` forward to report.status if that is progress, in the caller's
// transaction. Returns whether it moved.
Result<bool> advance(soci::session& s, const AuditLog& log, core::EpochMillis now, Row& row,
                     const StatusReport& report) {
  const bool failed = report.status == DeliveryState::kFailed;
  if (row.state == DeliveryState::kFailed) return false;
  if (failed) {
    // Delivery is the stronger fact: a failure reported after it is noise.
    if (progressOf(row.state) >= progressOf(DeliveryState::kDelivered)) return false;
  } else if (progressOf(report.status) <= progressOf(row.state)) {
    return false;
  }
  std::string state(toString(report.status));
  std::string wamid = report.provider_message_id;
  detail::NullableText category(report.pricing_category);
  detail::NullableText type(report.pricing_type);
  std::int64_t at = report.at_ms;
  std::int64_t id = row.id;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.status", [&]() -> Status {
    // The timestamp columns keep the first time each status was seen.
    const char* column = report.status == DeliveryState::kSent        ? "sent_at_ms"
                         : report.status == DeliveryState::kDelivered ? "delivered_at_ms"
                         : report.status == DeliveryState::kRead      ? "read_at_ms"
                                                                      : nullptr;
    std::string sql =
        "UPDATE outbox SET state = :st, wamid = :w, updated_at_ms = :now,"
        " pricing_category = COALESCE(pricing_category, :pc),"
        " pricing_type = COALESCE(pricing_type, :pt)";
    if (column != nullptr) {
      sql += std::string(", ") + column + " = COALESCE(" + column + ", :at)";
    } else {
      sql += ", error_code = :code, error_reason = 'meta_status_failed'";
    }
    sql += " WHERE id = :id";
    if (column != nullptr) {
      s << sql, soci::use(state), soci::use(wamid), soci::use(now),
          soci::use(category.value, category.ind), soci::use(type.value, type.ind), soci::use(at),
          soci::use(id);
    } else {
      int code = report.error_code;
      s << sql, soci::use(state), soci::use(wamid), soci::use(now),
          soci::use(category.value, category.ind), soci::use(type.value, type.ind), soci::use(code),
          soci::use(id);
    }
    return Status::ok();
  }));
  nlohmann::json payload = {{"status", state}, {"at_ms", report.at_ms}};
  if (failed) payload["error_code"] = report.error_code;
  if (!report.pricing_category.empty()) payload["pricing_category"] = report.pricing_category;
  if (!report.pricing_type.empty()) payload["pricing_type"] = report.pricing_type;
  CARTRELAY_RETURN_IF_ERROR(audit(s, log, "message.status", row, std::move(payload)));
  row.state = report.status;
  row.wamid = report.provider_message_id;
  return true;
}

// Statuses buffered for `wamid`, in progress order, removed from the buffer.
Result<std::vector<StatusReport>> takeBuffered(soci::session& s, const std::string& wamid) {
  return detail::guarded("delivery_status_buffer.take", [&]() -> Result<std::vector<StatusReport>> {
    std::vector<StatusReport> out;
    std::string key = wamid;
    std::string status;
    std::int64_t at = 0;
    detail::NullableInt code;
    detail::NullableText category;
    detail::NullableText type;
    soci::statement st =
        (s.prepare << "SELECT status, status_at_ms, error_code, pricing_category, pricing_type"
                      " FROM delivery_status_buffer WHERE wamid = :w",
         soci::use(key), soci::into(status), soci::into(at), soci::into(code.value, code.ind),
         soci::into(category.value, category.ind), soci::into(type.value, type.ind));
    st.execute();
    bool found = false;
    while (st.fetch()) {
      found = true;
      auto parsed = parseDeliveryState(status);
      if (!parsed) continue;
      StatusReport r;
      r.provider_message_id = wamid;
      r.status = *parsed;
      r.at_ms = at;
      r.error_code = static_cast<int>(code.get().value_or(0));
      r.pricing_category = category.get();
      r.pricing_type = type.get();
      out.push_back(std::move(r));
    }
    // Almost always nothing waits: skip the DELETE then (one statement per
    // send saved).
    if (found) s << "DELETE FROM delivery_status_buffer WHERE wamid = :w", soci::use(key);
    std::stable_sort(out.begin(), out.end(), [](const StatusReport& a, const StatusReport& b) {
      return progressOf(a.status) < progressOf(b.status);
    });
    return out;
  });
}

using Transition = OutboxDelivery::Transition;

// What check/writeTransition's callers may skip: the move does not apply,
// and nothing was written for it.
bool doesNotApply(const Status& status) {
  return status.code() == Status::Code::kNotFound || status.code() == Status::Code::kPermanent ||
         status.code() == Status::Code::kInvalidArgument;
}

// The reads of a transition, before anything is written: the row, which
// must be `sending`. kInvalidArgument for an accept without an id,
// kNotFound, kPermanent; store errors.
Result<Row> checkTransition(soci::session& s, const Transition& t) {
  if (t.kind == Transition::Kind::kAccepted && t.provider_message_id.empty()) {
    return Status::invalidArgument("outbox " + std::to_string(t.outbox_id) + ": empty message id");
  }
  CARTRELAY_ASSIGN_OR_RETURN(Row row, rowById(s, t.outbox_id));
  CARTRELAY_RETURN_IF_ERROR(expectState(row, DeliveryState::kSending));
  return row;
}

// The writes of a transition checked by checkTransition, with its audit
// record. Any error leaves the transaction half done: roll it back.
Status writeTransition(soci::session& s, const AuditLog& log, core::EpochMillis now,
                       const Transition& t, Row row) {
  std::string why = t.reason;
  int code = t.error_code;
  switch (t.kind) {
    case Transition::Kind::kAccepted: {
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.accepted", [&]() -> Status {
        std::string wamid = t.provider_message_id;
        s << "UPDATE outbox SET state = 'sent', wamid = :w, sent_at_ms = :now, error_code = NULL,"
             " error_reason = NULL, updated_at_ms = :now2 WHERE id = :id",
            soci::use(wamid), soci::use(now), soci::use(now), soci::use(row.id);
        return Status::ok();
      }));
      CARTRELAY_RETURN_IF_ERROR(
          audit(s, log, "message.sent", row, {{"provider_message_id", t.provider_message_id}}));
      row.state = DeliveryState::kSent;
      row.wamid = t.provider_message_id;
      CARTRELAY_ASSIGN_OR_RETURN(auto buffered, takeBuffered(s, t.provider_message_id));
      for (const StatusReport& report : buffered) {
        CARTRELAY_RETURN_IF_ERROR(advance(s, log, now, row, report).status());
      }
      return Status::ok();
    }
    case Transition::Kind::kRetry: {
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.retry", [&]() -> Status {
        std::int64_t at = t.retry_at;
        s << "UPDATE outbox SET state = 'queued', retry_at_ms = :t, error_code = :c,"
             " error_reason = :r, updated_at_ms = :now WHERE id = :id",
            soci::use(at), soci::use(code), soci::use(why), soci::use(now), soci::use(row.id);
        return Status::ok();
      }));
      return audit(
          s, log, "message.retry", row,
          {{"error_code", t.error_code}, {"reason", t.reason}, {"retry_at_ms", t.retry_at}});
    }
    case Transition::Kind::kFailed: {
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.failed", [&]() -> Status {
        s << "UPDATE outbox SET state = 'failed', error_code = :c, error_reason = :r,"
             " updated_at_ms = :now WHERE id = :id",
            soci::use(code), soci::use(why), soci::use(now), soci::use(row.id);
        return Status::ok();
      }));
      return audit(s, log, "message.failed", row,
                   {{"error_code", t.error_code}, {"reason", t.reason}});
    }
    case Transition::Kind::kUnknown: {
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.unknown", [&]() -> Status {
        s << "UPDATE outbox SET state = 'unknown', error_reason = :r, updated_at_ms = :now"
             " WHERE id = :id",
            soci::use(why), soci::use(now), soci::use(row.id);
        return Status::ok();
      }));
      return audit(s, log, "message.unknown", row, {{"reason", t.reason}});
    }
    case Transition::Kind::kRelease:
      return detail::guarded("outbox.release", [&]() -> Status {
        // The claim counted an attempt that never happened. Not audited:
        // nothing happened to the message.
        s << "UPDATE outbox SET state = 'queued', attempts = attempts - 1, updated_at_ms = :now"
             " WHERE id = :id",
            soci::use(now), soci::use(row.id);
        return Status::ok();
      });
  }
  return Status::internal("outbox: unknown transition");
}

}  // namespace

std::string_view toString(DeliveryState state) {
  for (const auto& [value, name] : kStateNames) {
    if (value == state) return name;
  }
  return "unknown";
}

std::optional<DeliveryState> parseDeliveryState(std::string_view text) {
  for (const auto& [value, name] : kStateNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

Result<std::vector<DueMessage>> OutboxDelivery::due(int limit) const {
  const core::EpochMillis now = clock_.nowMillis();
  return db_.querySession([&](soci::session& s) -> Result<std::vector<DueMessage>> {
    return detail::guarded("outbox.due", [&]() -> Result<std::vector<DueMessage>> {
      std::vector<DueMessage> out;
      DueMessage m;
      std::int64_t last_inbound = 0;
      std::int64_t at = now;
      int max = limit;
      soci::statement st =
          (s.prepare << "SELECT o.id, o.shop_id, o.subject_ref, o.purpose_class, o.attempts,"
                        " COALESCE(c.last_inbound_at_ms, 0) FROM outbox o"
                        " LEFT JOIN whatsapp_contacts c ON c.subject_ref = o.subject_ref"
                        " WHERE (o.state = 'queued' OR o.state = 'deferred')"
                        " AND (o.retry_at_ms IS NULL OR o.retry_at_ms <= :now)"
                        " ORDER BY o.id LIMIT :n",
           soci::use(at), soci::use(max), soci::into(m.outbox_id), soci::into(m.shop_id),
           soci::into(m.subject_ref), soci::into(m.purpose_class), soci::into(m.attempts),
           soci::into(last_inbound));
      st.execute();
      while (st.fetch()) {
        m.in_service_window = last_inbound > 0 && now - last_inbound < rules::kServiceWindowMs;
        out.push_back(m);
      }
      return out;
    });
  });
}

Result<std::vector<std::pair<std::string, core::EpochMillis>>> OutboxDelivery::recentRecipients(
    core::EpochMillis since) const {
  using Reached = std::vector<std::pair<std::string, core::EpochMillis>>;
  return db_.querySession([&](soci::session& s) -> Result<Reached> {
    return detail::guarded("outbox.recent_recipients", [&]() -> Result<Reached> {
      Reached out;
      std::string subject;
      std::int64_t first = 0;
      std::int64_t from = since;
      soci::statement st =
          (s.prepare << "SELECT subject_ref, MIN(sent_at_ms) FROM outbox WHERE sent_at_ms >= :t"
                        " GROUP BY subject_ref",
           soci::use(from), soci::into(subject), soci::into(first));
      st.execute();
      while (st.fetch()) out.emplace_back(subject, first);
      return out;
    });
  });
}

Result<int> OutboxDelivery::recoverInterrupted() const {
  const core::EpochMillis now = clock_.nowMillis();
  return db_.queryTransaction([&](soci::session& s) -> Result<int> {
    std::vector<Row> rows;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.interrupted", [&]() -> Status {
      Row row;
      soci::statement st =
          (s.prepare << "SELECT id, subject_ref FROM outbox WHERE state = 'sending'",
           soci::into(row.id), soci::into(row.subject_ref));
      st.execute();
      while (st.fetch()) rows.push_back(row);
      return Status::ok();
    }));
    for (Row& row : rows) {
      row.state = DeliveryState::kSending;
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("outbox.unknown", [&]() -> Status {
        s << "UPDATE outbox SET state = 'unknown', error_reason = 'interrupted',"
             " updated_at_ms = :now WHERE id = :id AND state = 'sending'",
            soci::use(now), soci::use(row.id);
        return Status::ok();
      }));
      CARTRELAY_RETURN_IF_ERROR(
          audit(s, audit_, "message.unknown", row, {{"reason", "interrupted"}}));
    }
    return static_cast<int>(rows.size());
  });
}

Status OutboxDelivery::postpone(std::int64_t outbox_id, core::EpochMillis until) const {
  return db_.withTransaction([&](soci::session& s) -> Status {
    CARTRELAY_ASSIGN_OR_RETURN(Row row, rowById(s, outbox_id));
    CARTRELAY_RETURN_IF_ERROR(expectState(row, DeliveryState::kQueued));
    return detail::guarded("outbox.postpone", [&]() -> Status {
      std::int64_t at = until;
      std::int64_t now = clock_.nowMillis();
      s << "UPDATE outbox SET retry_at_ms = :t, updated_at_ms = :now WHERE id = :id", soci::use(at),
          soci::use(now), soci::use(row.id);
      return Status::ok();
    });
  });
}

Status OutboxDelivery::recordAccepted(std::int64_t outbox_id,
                                      const std::string& provider_message_id) const {
  return recordOne(Transition::accepted(outbox_id, provider_message_id));
}

Status OutboxDelivery::recordRetry(std::int64_t outbox_id, core::EpochMillis retry_at,
                                   int error_code, std::string_view reason) const {
  return recordOne(Transition::retry(outbox_id, retry_at, error_code, reason));
}

Status OutboxDelivery::recordFailed(std::int64_t outbox_id, int error_code,
                                    std::string_view reason) const {
  return recordOne(Transition::failed(outbox_id, error_code, reason));
}

Status OutboxDelivery::recordUnknown(std::int64_t outbox_id, std::string_view reason) const {
  return recordOne(Transition::unknown(outbox_id, reason));
}

Status OutboxDelivery::release(std::int64_t outbox_id) const {
  return recordOne(Transition::release(outbox_id));
}

Status OutboxDelivery::recordOne(const Transition& transition) const {
  const core::EpochMillis now = clock_.nowMillis();
  return db_.withTransaction([&](soci::session& s) -> Status {
    CARTRELAY_ASSIGN_OR_RETURN(Row row, checkTransition(s, transition));
    return writeTransition(s, audit_, now, transition, std::move(row));
  });
}

std::vector<Status> OutboxDelivery::record(const std::vector<Transition>& transitions) const {
  std::vector<Status> out(transitions.size());
  if (transitions.size() == 1) {
    out[0] = recordOne(transitions[0]);
    return out;
  }
  const core::EpochMillis now = clock_.nowMillis();
  const Status batch = db_.withTransaction([&](soci::session& s) -> Status {
    for (std::size_t i = 0; i < transitions.size(); ++i) {
      auto row = checkTransition(s, transitions[i]);
      if (!row.isOk()) {
        // Nothing was written for it: report it and go on with the others.
        if (!doesNotApply(row.status())) return row.status();
        out[i] = row.status();
        continue;
      }
      CARTRELAY_RETURN_IF_ERROR(writeTransition(s, audit_, now, transitions[i], std::move(*row)));
      out[i] = Status::ok();
    }
    return Status::ok();
  });
  if (batch.isOk()) return out;
  for (std::size_t i = 0; i < transitions.size(); ++i) out[i] = recordOne(transitions[i]);
  return out;
}

Result<OutboxDelivery::StatusResult> OutboxDelivery::applyStatus(const StatusReport& report) const {
  return db_.queryTransaction(
      [&](soci::session& s) -> Result<StatusResult> { return applyStatus(s, report); });
}

Result<OutboxDelivery::StatusResult> OutboxDelivery::applyStatus(soci::session& s,
                                                                 const StatusReport& report) const {
  if (report.provider_message_id.empty()) {
    return Status::invalidArgument("status: empty message id");
  }
  const core::EpochMillis now = clock_.nowMillis();
  {
    CARTRELAY_ASSIGN_OR_RETURN(auto row, loadRow(s, "wamid = :w", report.provider_message_id, 0));
    if (!row && report.outbox_id) {
      // Our own id came back (biz_opaque_callback_data): a message whose
      // send answer was lost (unknown) learns its wamid and fate here.
      CARTRELAY_ASSIGN_OR_RETURN(auto by_id, loadRow(s, "id = :id", {}, *report.outbox_id));
      if (by_id && by_id->wamid.empty() && by_id->state == DeliveryState::kUnknown) {
        row = std::move(by_id);
      }
    }
    if (row) {
      CARTRELAY_ASSIGN_OR_RETURN(bool moved, advance(s, audit_, now, *row, report));
      return moved ? StatusResult::kApplied : StatusResult::kStale;
    }
    return detail::guarded("delivery_status_buffer.put", [&]() -> Result<StatusResult> {
      std::string wamid = report.provider_message_id;
      std::string status(toString(report.status));
      long long count = 0;
      s << "SELECT COUNT(*) FROM delivery_status_buffer WHERE wamid = :w AND status = :s",
          soci::use(wamid), soci::use(status), soci::into(count);
      if (count > 0) return StatusResult::kDuplicate;
      std::int64_t at = report.at_ms;
      detail::NullableInt code(
          report.error_code != 0 ? std::optional<std::int64_t>(report.error_code) : std::nullopt);
      detail::NullableText category(report.pricing_category);
      detail::NullableText type(report.pricing_type);
      std::int64_t received = now;
      s << "INSERT INTO delivery_status_buffer (wamid, status, status_at_ms, error_code,"
           " pricing_category, pricing_type, received_at_ms) VALUES (:w, :s, :at, :c, :pc, :pt,"
           " :r)",
          soci::use(wamid), soci::use(status), soci::use(at), soci::use(code.value, code.ind),
          soci::use(category.value, category.ind), soci::use(type.value, type.ind),
          soci::use(received);
      return StatusResult::kBuffered;
    });
  }
}

}  // namespace cartrelay::compliance
