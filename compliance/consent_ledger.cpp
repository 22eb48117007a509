#include "compliance/consent_ledger.h"

#include <algorithm>
#include <array>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/crypto.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

constexpr std::int64_t kFutureToleranceMs = 5 * 60 * 1000;
constexpr std::size_t kMaxTextBytes = 255;
constexpr std::array<std::string_view, 7> kEventTypes = {
    "GRANT", "WITHDRAW", "REFUSE", "OBJECT_ART21", "IMPORT", "IYS_SYNC", "OBSERVED"};
constexpr std::array<std::string_view, 13> kIysSources = {
    "HS_WEB",          "HS_MOBIL",          "HS_MESAJ",      "HS_EPOSTA", "HS_CAGRI_MERKEZI",
    "HS_SOSYAL_MEDYA", "HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_EORTAM", "HS_ETKINLIK",
    "HS_ATM",          "HS_2015",           "HS_KARAR"};

bool isKeyedHash(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// One row as SOCI exchanges it; booleans and enums as integers and codes.
struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string subject_ref, channel, status, event_type, recipient_type, source, capture_point,
      purpose_scope, text_id, text_version, text_sha256, kvkk, legal_basis, withdrawal_channel,
      iys_sync, iys_transaction_id;
  int verified = 0, complete = 0, block_all = 0, evidence_only = 0;
  std::int64_t event_at = 0, received_at = 0, audit_seq = 0;
};

Row toRow(std::int64_t shop_id, const ConsentEvent& e) {
  Row r;
  r.shop_id = shop_id;
  r.subject_ref = e.subject_ref;
  r.channel = e.channel;
  r.status = std::string(toString(e.status));
  r.event_type = e.event_type;
  r.recipient_type = std::string(toString(e.recipient_type));
  r.source = e.source;
  r.capture_point = e.capture_point;
  r.purpose_scope = formatPurposeScope(e.purpose_scope);
  r.text_id = e.consent_text_id;
  r.text_version = e.consent_text_version;
  r.text_sha256 = e.consent_text_sha256;
  r.kvkk = e.kvkk_notice_version;
  r.legal_basis = e.legal_basis;
  r.withdrawal_channel = e.withdrawal_channel;
  r.iys_sync = std::string(toString(e.iys_sync));
  r.iys_transaction_id = e.iys_transaction_id;
  r.verified = e.verified ? 1 : 0;
  r.complete = e.complete ? 1 : 0;
  r.block_all = e.block_all ? 1 : 0;
  r.evidence_only = e.evidence_only ? 1 : 0;
  r.event_at = e.event_at;
  r.received_at = e.received_at;
  r.audit_seq = e.audit_seq;
  return r;
}

Result<ConsentEvent> fromRow(const Row& r) {
  ConsentEvent e;
  auto status = parseConsentStatus(r.status);
  auto type = parseRecipientType(r.recipient_type);
  auto sync = parseIysSync(r.iys_sync);
  auto scope = parsePurposeScope(r.purpose_scope);
  if (!status || !type || !sync || !scope.isOk()) {
    return Status::internal("consent_events: unreadable codes in row " + std::to_string(r.id));
  }
  e.id = r.id;
  e.subject_ref = r.subject_ref;
  e.channel = r.channel;
  e.status = *status;
  e.event_type = r.event_type;
  e.recipient_type = *type;
  e.source = r.source;
  e.capture_point = r.capture_point;
  e.purpose_scope = *scope;
  e.consent_text_id = r.text_id;
  e.consent_text_version = r.text_version;
  e.consent_text_sha256 = r.text_sha256;
  e.kvkk_notice_version = r.kvkk;
  e.legal_basis = r.legal_basis;
  e.verified = r.verified != 0;
  e.complete = r.complete != 0;
  e.block_all = r.block_all != 0;
  e.evidence_only = r.evidence_only != 0;
  e.withdrawal_channel = r.withdrawal_channel;
  e.iys_sync = *sync;
  e.iys_transaction_id = r.iys_transaction_id;
  e.event_at = r.event_at;
  e.received_at = r.received_at;
  e.audit_seq = r.audit_seq;
  return e;
}

Status checkEvent(const ConsentEvent& e, core::EpochMillis now) {
  auto bad = [](std::string_view field) {
    return Status::invalidArgument("consent event: invalid " + std::string(field));
  };
  if (!isKeyedHash(e.subject_ref)) return bad("subject_ref (must be a keyed hash)");
  if (e.channel != "whatsapp") return bad("channel (only whatsapp)");
  if (!isConsentEventType(e.event_type)) return bad("event_type");
  if (!isIysSource(e.source)) return bad("source (an IYS source code such as HS_WEB)");
  if (e.event_at <= 0 || e.event_at > now + kFutureToleranceMs) return bad("event_at");
  if (e.evidence_only && e.status == ConsentStatus::kRet) {
    return bad("evidence_only (a withdrawal always counts)");
  }
  for (const std::string* text :
       {&e.capture_point, &e.consent_text_id, &e.consent_text_version, &e.kvkk_notice_version,
        &e.legal_basis, &e.withdrawal_channel, &e.iys_transaction_id}) {
    if (text->size() > kMaxTextBytes) return bad("text field over 255 bytes");
  }
  if (!e.consent_text_sha256.empty() && !isKeyedHash(e.consent_text_sha256)) {
    return bad("consent_text_sha256 (64 lower-case hex)");
  }
  return Status::ok();
}

nlohmann::json auditPayload(std::int64_t shop_id, const ConsentEvent& e) {
  return {{"consent_event_id", e.id},
          {"shop_id", shop_id},
          {"status", toString(e.status)},
          {"event_type", e.event_type},
          {"recipient_type", toString(e.recipient_type)},
          {"source", e.source},
          {"capture_point", e.capture_point},
          {"purpose_scope", formatPurposeScope(e.purpose_scope)},
          {"consent_text_id", e.consent_text_id},
          {"consent_text_version", e.consent_text_version},
          {"consent_text_sha256", e.consent_text_sha256},
          {"kvkk_notice_version", e.kvkk_notice_version},
          {"legal_basis", e.legal_basis},
          {"verified", e.verified},
          {"complete", e.complete},
          {"block_all", e.block_all},
          {"evidence_only", e.evidence_only},
          {"withdrawal_channel", e.withdrawal_channel},
          {"event_at_ms", e.event_at}};
}

Result<bool> isSuppressed(soci::session& s, const std::string& subject_ref) {
  return detail::guarded("subject_suppressions.get", [&]() -> Result<bool> {
    std::string subject = subject_ref;
    long long count = 0;
    s << "SELECT COUNT(*) FROM subject_suppressions WHERE subject_ref = :s", soci::use(subject),
        soci::into(count);
    return count > 0;
  });
}

}  // namespace

bool isConsentEventType(std::string_view text) {
  return std::find(kEventTypes.begin(), kEventTypes.end(), text) != kEventTypes.end();
}

bool isIysSource(std::string_view text) {
  if (std::find(kIysSources.begin(), kIysSources.end(), text) != kIysSources.end()) return true;
  // Changes pulled from İYS carry İYS-side sources (IYS_WEB, IYS_MOBIL, ...).
  return text.size() > 4 && text.size() <= 32 && text.substr(0, 4) == "IYS_" &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

Result<std::set<Purpose>> parsePurposeScope(std::string_view text) {
  std::set<Purpose> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto purpose = parsePurpose(item);
    if (!purpose) {
      return Status::invalidArgument("unknown purpose '" + std::string(item) +
                                     "' (order_update, shipping, payment, abandoned_cart, "
                                     "review_request, winback, loyalty, campaign, greeting)");
    }
    out.insert(*purpose);
    start = comma + 1;
  }
  return out;
}

std::string formatPurposeScope(const std::set<Purpose>& scope) {
  std::string out;
  for (Purpose p : scope) {
    if (!out.empty()) out.push_back(',');
    out += toString(p);
  }
  return out;
}

Result<ConsentLedger::Outcome> ConsentLedger::record(soci::session& s, std::int64_t shop_id,
                                                     ConsentEvent event,
                                                     std::string_view phone_e164,
                                                     const nlohmann::json& evidence,
                                                     std::string_view actor) const {
  const core::EpochMillis now = clock_.nowMillis();
  CARTRELAY_RETURN_IF_ERROR(checkEvent(event, now));
  if (!evidence.is_null() && !evidence.is_object()) {
    return Status::invalidArgument("consent event: evidence must be a JSON object");
  }
  CARTRELAY_ASSIGN_OR_RETURN(ConsentState state, current(s, shop_id, event.subject_ref));
  Outcome outcome;
  CARTRELAY_ASSIGN_OR_RETURN(bool erased, isSuppressed(s, event.subject_ref));
  if (erased && event.status == ConsentStatus::kOnay) {
    // Rule 46: an erased person comes back only by a new affirmative act of
    // their own (GRANT), never through an import or a platform's copy.
    if (event.event_type != "GRANT") {
      CARTRELAY_ASSIGN_OR_RETURN(outcome.audit_seq,
                                 reject(s, shop_id, event.subject_ref, "SUBJECT_ERASED", actor));
      outcome.rejected = "SUBJECT_ERASED";
      return outcome;
    }
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("subject_suppressions.lift", [&]() -> Status {
      std::string subject = event.subject_ref;
      s << "DELETE FROM subject_suppressions WHERE subject_ref = :s", soci::use(subject);
      return Status::ok();
    }));
  }
  if (isStaleOnay(event, state)) {
    CARTRELAY_ASSIGN_OR_RETURN(
        outcome.audit_seq, reject(s, shop_id, event.subject_ref, "STALE_CONSENT_IMPORT", actor));
    outcome.rejected = "STALE_CONSENT_IMPORT";
    return outcome;
  }
  event.received_at = now;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("consent_events.insert", [&]() -> Status {
    Row r = toRow(shop_id, event);
    s << "INSERT INTO consent_events (shop_id, subject_ref, channel, status, event_type,"
         " recipient_type, source, capture_point, purpose_scope, consent_text_id,"
         " consent_text_version, consent_text_sha256, kvkk_notice_version, legal_basis, verified,"
         " complete, block_all, evidence_only, withdrawal_channel, iys_sync, iys_transaction_id,"
         " event_at_ms, received_at_ms, audit_seq) VALUES (:shop, :subject, :channel, :status,"
         " :type, :rtype, :source, :capture, :scope, :tid, :tver, :tsha, :kvkk, :basis, :verified,"
         " :complete, :block, :evidence, :wchannel, :sync, :txn, :at, :received, 0)",
        soci::use(r.shop_id), soci::use(r.subject_ref), soci::use(r.channel), soci::use(r.status),
        soci::use(r.event_type), soci::use(r.recipient_type), soci::use(r.source),
        soci::use(r.capture_point), soci::use(r.purpose_scope), soci::use(r.text_id),
        soci::use(r.text_version), soci::use(r.text_sha256), soci::use(r.kvkk),
        soci::use(r.legal_basis), soci::use(r.verified), soci::use(r.complete),
        soci::use(r.block_all), soci::use(r.evidence_only), soci::use(r.withdrawal_channel),
        soci::use(r.iys_sync), soci::use(r.iys_transaction_id), soci::use(r.event_at),
        soci::use(r.received_at);
    long long id = 0;
    if (!s.get_last_insert_id("consent_events", id)) {
      return Status::internal("consent_events: no insert id");
    }
    event.id = id;
    return Status::ok();
  }));

  // The phone and the evidence are sealed to their cells (table, column,
  // row id) under a key of their own, so erasure can shred them alone.
  const std::string evidence_text =
      evidence.is_object() && !evidence.empty() ? evidence.dump() : std::string();
  if (!phone_e164.empty() || !evidence_text.empty()) {
    CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey key, detail::newRowKey(keys_.cipher()));
    CARTRELAY_ASSIGN_OR_RETURN(
        std::string recipient,
        detail::sealCell(key.key, phone_e164, "consent_events.recipient", event.id));
    CARTRELAY_ASSIGN_OR_RETURN(
        std::string sealed_evidence,
        detail::sealCell(key.key, evidence_text, "consent_events.evidence", event.id));
    detail::NullableText recipient_cell(recipient);
    detail::NullableText evidence_cell(sealed_evidence);
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("consent_events.seal", [&]() -> Status {
      s << "UPDATE consent_events SET data_key = :k, recipient_enc = :r, evidence_enc = :e"
           " WHERE id = :id",
          soci::use(key.wrapped), soci::use(recipient_cell.value, recipient_cell.ind),
          soci::use(evidence_cell.value, evidence_cell.ind), soci::use(event.id);
      return Status::ok();
    }));
  }

  AuditEvent audited{"consent.recorded", std::string(actor), event.subject_ref,
                     auditPayload(shop_id, event)};
  CARTRELAY_ASSIGN_OR_RETURN(AuditRecord record, audit_.append(s, audited));
  event.audit_seq = record.seq;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("consent_events.link", [&]() -> Status {
    s << "UPDATE consent_events SET audit_seq = :q WHERE id = :id", soci::use(record.seq),
        soci::use(event.id);
    return Status::ok();
  }));
  outcome.audit_seq = record.seq;
  outcome.recorded = std::move(event);
  return outcome;
}

Result<std::int64_t> ConsentLedger::reject(soci::session& s, std::int64_t shop_id,
                                           const std::string& subject_ref, std::string_view code,
                                           std::string_view actor) const {
  AuditEvent audited{"consent.rejected",
                     std::string(actor),
                     isKeyedHash(subject_ref) ? subject_ref : std::string(),
                     {{"shop_id", shop_id}, {"reason", code}}};
  CARTRELAY_ASSIGN_OR_RETURN(AuditRecord record, audit_.append(s, audited));
  return record.seq;
}

Result<std::vector<ConsentEvent>> ConsentLedger::history(soci::session& s, std::int64_t shop_id,
                                                         const std::string& subject_ref) const {
  return detail::guarded("consent_events.history", [&]() -> Result<std::vector<ConsentEvent>> {
    Row r;
    std::int64_t shop = shop_id;
    std::string subject = subject_ref;
    soci::statement st =
        (s.prepare << "SELECT id, subject_ref, channel, status, event_type, recipient_type,"
                      " source, capture_point, purpose_scope, consent_text_id,"
                      " consent_text_version, consent_text_sha256, kvkk_notice_version,"
                      " legal_basis, verified, complete, block_all, evidence_only,"
                      " withdrawal_channel, iys_sync, iys_transaction_id, event_at_ms,"
                      " received_at_ms, audit_seq FROM consent_events"
                      " WHERE shop_id = :shop AND subject_ref = :subject ORDER BY id",
         soci::into(r.id), soci::into(r.subject_ref), soci::into(r.channel), soci::into(r.status),
         soci::into(r.event_type), soci::into(r.recipient_type), soci::into(r.source),
         soci::into(r.capture_point), soci::into(r.purpose_scope), soci::into(r.text_id),
         soci::into(r.text_version), soci::into(r.text_sha256), soci::into(r.kvkk),
         soci::into(r.legal_basis), soci::into(r.verified), soci::into(r.complete),
         soci::into(r.block_all), soci::into(r.evidence_only), soci::into(r.withdrawal_channel),
         soci::into(r.iys_sync), soci::into(r.iys_transaction_id), soci::into(r.event_at),
         soci::into(r.received_at), soci::into(r.audit_seq), soci::use(shop), soci::use(subject));
    st.execute();
    std::vector<ConsentEvent> out;
    while (st.fetch()) {
      CARTRELAY_ASSIGN_OR_RETURN(ConsentEvent e, fromRow(r));
      out.push_back(std::move(e));
    }
    return out;
  });
}

Result<ConsentState> ConsentLedger::current(soci::session& s, std::int64_t shop_id,
                                            const std::string& subject_ref) const {
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<ConsentEvent> events, history(s, shop_id, subject_ref));
  return foldConsent(events);
}

}  // namespace cartrelay::compliance
