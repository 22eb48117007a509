#include "compliance/iys_sync.h"

#include <memory>

#include <soci/soci.h>

#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/store/poll_cursor_repo.h"
#include "core/util/log.h"
#include "core/util/phone.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

constexpr const char* kCursorResource = "iys_changes";
constexpr const char* kIysType = "MESAJ";  // WhatsApp -> MESAJ (reference open question 2)
constexpr const char* kNotFound = "NOT_FOUND";
constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr std::size_t kMaxTransactionIdBytes = 255;  // consent_events.iys_transaction_id ${KEY}

// The rows that belong in İYS: what the shop collected itself on WhatsApp
// and relies on. IYS_SYNC rows and İYS-side sources came from İYS, so
// uploading them back would only echo İYS to itself; evidence-only rows are
// not relied on (consent_state.h).
constexpr const char* kUploadable =
    " shop_id = :shop AND channel = 'whatsapp' AND evidence_only = 0"
    " AND event_type <> 'IYS_SYNC' AND SUBSTR(source, 1, 4) <> 'IYS_'"
    " AND iys_transaction_id = '' AND recipient_enc IS NOT NULL AND data_key IS NOT NULL";

// Days since 1970-01-01 of a proleptic Gregorian date and back (H. Hinnant's
// civil-date algorithms), for counting business days without time_t.
std::int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int year, month, day;
};

CivilDate civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return {y, m, d};
}

// 0 = Sunday .. 6 = Saturday; 1970-01-01 was a Thursday.
int weekdayOfDays(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

std::string_view cacheCode(GateFacts::IysStatus status) {
  switch (status) {
    case GateFacts::IysStatus::kOnay:
      return "ONAY";
    case GateFacts::IysStatus::kRet:
      return "RET";
    case GateFacts::IysStatus::kNotFound:
      return kNotFound;
    case GateFacts::IysStatus::kUnknown:
      break;
  }
  return "";
}

GateFacts::IysStatus fromCacheCode(std::string_view code) {
  if (code == "ONAY") return GateFacts::IysStatus::kOnay;
  if (code == "RET") return GateFacts::IysStatus::kRet;
  if (code == kNotFound) return GateFacts::IysStatus::kNotFound;
  return GateFacts::IysStatus::kUnknown;
}

// Writes one cache row inside the caller's session.
Status putCache(soci::session& s, std::int64_t shop_id, const std::string& subject_ref,
                RecipientType recipient_type, GateFacts::IysStatus status,
                const std::string& transaction_id, core::EpochMillis checked_at) {
  return detail::guarded("iys_status.put", [&]() -> Status {
    std::int64_t shop = shop_id;
    std::string subject = subject_ref;
    std::string rtype(toString(recipient_type));
    std::string code(cacheCode(status));
    std::string txn = transaction_id.size() <= kMaxTransactionIdBytes ? transaction_id : "";
    std::int64_t at = checked_at;
    s << detail::upsertSql(
        detail::backendOf(s), "iys_status",
        {"shop_id", "subject_ref", "recipient_type", "status", "transaction_id", "checked_at_ms"},
        {"shop_id", "subject_ref"}),
        soci::use(shop), soci::use(subject), soci::use(rtype), soci::use(code), soci::use(txn),
        soci::use(at);
    return Status::ok();
  });
}

struct CacheRow {
  std::string recipient_type;  // BIREYSEL | TACIR: which İYS record the status is of
  GateFacts::IysStatus status = GateFacts::IysStatus::kUnknown;
  core::EpochMillis checked_at = 0;
};

// One uploadable row as read for pushPending().
struct PendingRow {
  std::int64_t id = 0;
  std::string subject_ref, status, recipient_type, source, data_key, recipient_enc;
  std::int64_t event_at = 0;
};

// Marks a row İYS refused (or that cannot be uploaded) so the next runs
// skip it; overdue() still reports it because it has no transaction id.
Status markFailed(core::store::Database& db, std::int64_t shop_id, std::int64_t id) {
  return db.withTransaction([&](soci::session& s) {
    return detail::guarded("consent_events.iys_failed", [&]() -> Status {
      std::int64_t row = id;
      std::int64_t shop = shop_id;
      s << "UPDATE consent_events SET iys_sync = 'failed' WHERE id = :id AND shop_id = :shop"
           " AND iys_transaction_id = ''",
          soci::use(row), soci::use(shop);
      return Status::ok();
    });
  });
}

// What view() reads in one session: the recipient type the ledger holds
// for the subject (the İYS record the gate needs: rule 12 checks TACIR
// records) and the cache row, if any.
struct ViewRead {
  RecipientType recipient_type = RecipientType::kBireysel;
  std::optional<CacheRow> cached;
};

}  // namespace

core::EpochMillis iysUploadDueAt(core::EpochMillis received_at, int business_days,
                                 const core::TimeZone& zone) {
  if (business_days <= 0) return received_at;
  const core::TimeZone::Local local = zone.localAt(received_at);
  std::int64_t days = daysFromCivil(local.year, local.month, local.day);
  int counted = 0;
  while (counted < business_days) {
    ++days;
    const int weekday = weekdayOfDays(days);
    if (weekday >= 1 && weekday <= 5) ++counted;
  }
  // The deadline is the end of that day, i.e. the next day's local midnight.
  const CivilDate next = civilFromDays(days + 1);
  return zone.utcOf(next.year, next.month, next.day, 0, 0);
}

Result<std::unique_ptr<IysSyncService>> IysSyncService::create(
    std::int64_t shop_id, IysClient& client, core::store::Database& db, const core::KeyRing& keys,
    const core::Clock& clock, const ConsentLedger& ledger, const AuditLog& audit, Options options) {
  if (options.max_staleness_ms < 0 || options.upload_business_days < 1 || options.push_batch < 1 ||
      options.pull_page_size < 1 || options.pull_max_pages < 1) {
    return Status::invalidArgument("iys sync: options out of range");
  }
  auto zone = core::TimeZone::load("Europe/Istanbul");
  if (!zone.isOk()) {
    return Status::internal("iys sync: cannot load Europe/Istanbul: " + zone.status().message());
  }
  return std::unique_ptr<IysSyncService>(new IysSyncService(
      shop_id, client, db, keys, clock, ledger, audit, options, std::move(*zone)));
}

Result<int> IysSyncService::pushPending() {
  std::lock_guard<std::mutex> lock(run_mu_);
  auto rows = db_.querySession([&](soci::session& s) {
    return detail::guarded("consent_events.iys_pending", [&]() -> Result<std::vector<PendingRow>> {
      std::int64_t shop = shop_id_;
      PendingRow r;
      // The batch size is a number from the options, never input, so it is
      // written into the text: LIMIT with a bound value is not portable.
      soci::statement st =
          (s.prepare << "SELECT id, subject_ref, status, recipient_type, source, event_at_ms,"
                        " data_key, recipient_enc FROM consent_events WHERE" +
                            std::string(kUploadable) +
                            " AND iys_sync <> 'failed' ORDER BY id LIMIT " +
                            std::to_string(options_.push_batch),
           soci::into(r.id), soci::into(r.subject_ref), soci::into(r.status),
           soci::into(r.recipient_type), soci::into(r.source), soci::into(r.event_at),
           soci::into(r.data_key), soci::into(r.recipient_enc), soci::use(shop));
      st.execute();
      std::vector<PendingRow> out;
      while (st.fetch()) out.push_back(r);
      return out;
    });
  });
  if (!rows.isOk()) return rows.status();

  int registered = 0;
  for (const PendingRow& row : *rows) {
    // The phone exists in clear only for the duration of this request.
    Result<std::string> phone = [&]() -> Result<std::string> {
      CARTRELAY_ASSIGN_OR_RETURN(detail::RawKey key,
                                 detail::unwrapRowKey(keys_.cipher(), row.data_key));
      return detail::openCell(key, row.recipient_enc, "consent_events.recipient", row.id);
    }();
    if (!phone.isOk() || phone->empty()) {
      // Retrying cannot help a cell that does not decrypt; flag it so it
      // stops blocking the batch and shows up in overdue().
      core::log::warn("iys.push_failed")
          .kv("shop_id", shop_id_)
          .kv("consent_event_id", row.id)
          .kv("reason", "recipient_unreadable");
      CARTRELAY_RETURN_IF_ERROR(markFailed(db_, shop_id_, row.id));
      continue;
    }
    IysConsent consent;
    consent.recipient = *phone;
    consent.recipient_type = row.recipient_type;
    consent.type = kIysType;
    consent.source = row.source;
    consent.status = row.status;
    consent.consent_at = row.event_at;
    Result<IysRegistration> added = client_.addConsent(consent);
    if (!added.isOk()) {
      if (added.status().code() != Status::Code::kInvalidArgument) {
        // İYS unreachable, our credentials refused, ...: nothing is wrong
        // with this row, so it stays pending for the next run.
        return added.status();
      }
      // The client's messages carry İYS's error code but never the phone.
      core::log::warn("iys.push_refused")
          .kv("shop_id", shop_id_)
          .kv("consent_event_id", row.id)
          .kv("error", added.status().message());
      CARTRELAY_RETURN_IF_ERROR(markFailed(db_, shop_id_, row.id));
      continue;
    }
    if (added->transaction_id.empty() || added->transaction_id.size() > kMaxTransactionIdBytes) {
      return Status::unavailable("iys sync: İYS answered without a usable transactionId");
    }
    Status stored = db_.withTransaction([&](soci::session& s) -> Status {
      long long changed = 0;
      CARTRELAY_RETURN_IF_ERROR(detail::guarded("consent_events.iys_registered", [&]() -> Status {
        std::int64_t id = row.id;
        std::int64_t shop = shop_id_;
        std::string txn = added->transaction_id;
        // Only the sync bookkeeping changes; the consent facts stay as the
        // ledger recorded them. The '' guard keeps a concurrent runner from
        // overwriting a registration.
        soci::statement st =
            (s.prepare << "UPDATE consent_events SET iys_sync = 'registered',"
                          " iys_transaction_id = :txn WHERE id = :id AND shop_id = :shop"
                          " AND iys_transaction_id = ''",
             soci::use(txn), soci::use(id), soci::use(shop));
        st.execute(true);
        changed = st.get_affected_rows();
        return Status::ok();
      }));
      if (changed == 0) return Status::ok();
      AuditEvent audited{"iys.registered",
                         "daemon",
                         row.subject_ref,
                         {{"consent_event_id", row.id},
                          {"shop_id", shop_id_},
                          {"transaction_id", added->transaction_id}}};
      Result<AuditRecord> appended = audit_.append(s, audited);
      if (!appended.isOk()) return appended.status();
      ++registered;
      return Status::ok();
    });
    // İYS has the record but our row does not say so: the next run uploads
    // it again (İYS keeps the latest), which is harmless.
    CARTRELAY_RETURN_IF_ERROR(stored);
  }
  if (registered > 0) {
    core::log::info("iys.pushed").kv("shop_id", shop_id_).kv("registered", registered);
  }
  return registered;
}

Result<int> IysSyncService::pullChanges() {
  std::lock_guard<std::mutex> lock(run_mu_);
  core::store::PollCursorRepo cursors(clock_);
  auto stored_cursor =
      db_.querySession([&](soci::session& s) { return cursors.get(s, shop_id_, kCursorResource); });
  if (!stored_cursor.isOk()) return stored_cursor.status();
  std::string cursor = stored_cursor->value_or("");

  int recorded = 0;
  for (int page_no = 0; page_no < options_.pull_max_pages; ++page_no) {
    Result<IysChangesPage> page = client_.changes(cursor, options_.pull_page_size);
    if (!page.isOk()) return page.status();

    const core::EpochMillis now = clock_.nowMillis();
    std::vector<ConsentEvent> pulled;
    int skipped = 0;
    for (const IysChange& change : page->changes) {
      if (change.type != kIysType) continue;  // another channel (ARAMA, EPOSTA)
      const core::NormalisedPhone phone = core::normalisePhone(change.recipient, "TR");
      auto status = parseConsentStatus(change.status);
      auto recipient_type = parseRecipientType(change.recipient_type);
      if (!phone.valid || !status || !recipient_type ||
          change.transaction_id.size() > kMaxTransactionIdBytes) {
        ++skipped;
        continue;
      }
      ConsentEvent e;
      e.subject_ref = keys_.hasher().hash("phone", phone.value);
      e.status = *status;
      e.event_type = "IYS_SYNC";
      e.recipient_type = *recipient_type;
      e.source = isIysSource(change.source) ? change.source : "IYS_UNKNOWN";
      e.capture_point = "iys";
      // İYS holds none of the shop's evidence (name, verification, KVKK
      // notice): an ONAY learnt from İYS must not look like a complete,
      // verified consent of our own (rules 14, 15, 19).
      e.verified = false;
      e.complete = false;
      if (e.status == ConsentStatus::kRet) e.withdrawal_channel = "iys";
      e.iys_sync = IysSync::kRegistered;
      e.iys_transaction_id = change.transaction_id;
      core::EpochMillis at = 0;
      if (change.consent_at) {
        at = *change.consent_at;
      } else if (auto created = parseIysDate(change.creation_date, zone_); created.isOk()) {
        at = *created;
      }
      // A date in our future (clock skew) or none at all would make the
      // ledger refuse the event, and a citizen's RET must not be lost.
      e.event_at = (at <= 0 || at > now) ? now : at;
      pulled.push_back(std::move(e));
    }
    if (skipped > 0) {
      core::log::warn("iys.changes_skipped").kv("shop_id", shop_id_).kv("count", skipped);
    }

    auto committed = db_.queryTransaction([&](soci::session& s) -> Result<int> {
      int n = 0;
      for (const ConsentEvent& e : pulled) {
        long long known = 0;
        if (!e.iys_transaction_id.empty()) {
          CARTRELAY_RETURN_IF_ERROR(detail::guarded("consent_events.iys_known", [&]() -> Status {
            std::int64_t shop = shop_id_;
            std::string subject = e.subject_ref;
            std::string txn = e.iys_transaction_id;
            s << "SELECT COUNT(*) FROM consent_events WHERE shop_id = :shop AND"
                 " subject_ref = :s AND iys_transaction_id = :t",
                soci::use(shop), soci::use(subject), soci::use(txn), soci::into(known);
            return Status::ok();
          }));
        }
        if (known == 0) {
          auto outcome = ledger_.record(s, shop_id_, e, "", nlohmann::json(), "iys");
          if (!outcome.isOk()) {
            if (outcome.status().code() != Status::Code::kInvalidArgument) {
              return outcome.status();
            }
            // The ledger's messages name the field, never a value. One bad
            // change must not pin the cursor for ever.
            core::log::warn("iys.change_refused")
                .kv("shop_id", shop_id_)
                .kv("error", outcome.status().message());
          } else if (outcome->recorded) {
            ++n;
          }
        }
        // İYS's feed is in order, so the last change of a subject is its
        // current record there.
        CARTRELAY_RETURN_IF_ERROR(putCache(s, shop_id_, e.subject_ref, e.recipient_type,
                                           e.status == ConsentStatus::kOnay
                                               ? GateFacts::IysStatus::kOnay
                                               : GateFacts::IysStatus::kRet,
                                           e.iys_transaction_id, now));
      }
      if (page->next_cursor != cursor) {
        CARTRELAY_RETURN_IF_ERROR(cursors.put(s, shop_id_, kCursorResource, page->next_cursor));
      }
      return n;
    });
    if (!committed.isOk()) return committed.status();
    recorded += *committed;

    if (page->changes.empty()) break;
    if (page->next_cursor == cursor) {
      // The same cursor again would return the same page for ever.
      core::log::warn("iys.changes_cursor_stuck").kv("shop_id", shop_id_);
      break;
    }
    cursor = page->next_cursor;
  }
  if (recorded > 0) {
    core::log::info("iys.pulled").kv("shop_id", shop_id_).kv("recorded", recorded);
  }
  return recorded;
}

std::pair<GateFacts::IysStatus, bool> IysSyncService::view(const std::string& e164) const {
  const std::string subject = keys_.hasher().hash("phone", e164);
  auto read = db_.querySession([&](soci::session& s) -> Result<ViewRead> {
    ViewRead out;
    CARTRELAY_ASSIGN_OR_RETURN(ConsentState state, ledger_.current(s, shop_id_, subject));
    out.recipient_type = state.recipient_type;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("iys_status.get", [&]() -> Status {
      std::int64_t shop = shop_id_;
      std::string subject_ref = subject;
      CacheRow row;
      std::string code;
      s << "SELECT recipient_type, status, checked_at_ms FROM iys_status WHERE shop_id = :shop"
           " AND subject_ref = :s",
          soci::use(shop), soci::use(subject_ref), soci::into(row.recipient_type), soci::into(code),
          soci::into(row.checked_at);
      if (s.got_data()) {
        row.status = fromCacheCode(code);
        out.cached = row;
      }
      return Status::ok();
    }));
    return out;
  });
  ViewRead known;
  if (read.isOk()) {
    known = std::move(*read);
  } else {
    // A store hiccup only costs the cache (and the TACIR distinction: the
    // gate cannot read the ledger then either); İYS itself may still answer.
    core::log::warn("iys.cache_unavailable")
        .kv("shop_id", shop_id_)
        .kv("error", read.status().message());
  }
  const std::string recipient_type(toString(known.recipient_type));
  const std::optional<CacheRow>& row = known.cached;
  const core::EpochMillis now = clock_.nowMillis();
  // A row about the other İYS record (BIREYSEL vs TACIR) says nothing here.
  if (row && row->recipient_type == recipient_type &&
      row->status != GateFacts::IysStatus::kUnknown && row->checked_at <= now &&
      now - row->checked_at <= options_.max_staleness_ms) {
    return {row->status, true};
  }

  Result<IysStatusAnswer> live = client_.status(e164, recipient_type, kIysType);
  GateFacts::IysStatus status = GateFacts::IysStatus::kUnknown;
  std::string transaction_id;
  if (live.isOk()) {
    status = fromCacheCode(live->status);  // ONAY | RET; anything else stays kUnknown
    transaction_id = live->transaction_id;
  } else if (live.status().code() == Status::Code::kNotFound) {
    status = GateFacts::IysStatus::kNotFound;
  }
  if (status == GateFacts::IysStatus::kUnknown) {
    // Fail closed (rule 9): what we knew is too old to allow on, so it is
    // handed back as not fresh and the gate defers.
    core::log::warn("iys.status_unavailable")
        .kv("shop_id", shop_id_)
        .kv("error", live.isOk() ? std::string("unreadable status") : live.status().message());
    const bool same_record = row && row->recipient_type == recipient_type;
    return {same_record ? row->status : GateFacts::IysStatus::kUnknown, false};
  }
  Status put = db_.withTransaction([&](soci::session& s) {
    return putCache(s, shop_id_, subject, known.recipient_type, status, transaction_id, now);
  });
  if (!put.isOk()) {
    // The answer is fresh even if it could not be kept.
    core::log::warn("iys.cache_write_failed").kv("shop_id", shop_id_).kv("error", put.message());
  }
  return {status, true};
}

Result<std::vector<std::int64_t>> IysSyncService::overdue() const {
  const core::EpochMillis now = clock_.nowMillis();
  // N business days never take less than N calendar days; the two hours of
  // slack cover a daylight-saving day, so the SQL bound never drops a row
  // the exact check below would report.
  const core::EpochMillis bound = now - options_.upload_business_days * kDayMs + 2 * 3'600'000;
  auto rows = db_.querySession([&](soci::session& s) {
    return detail::guarded(
        "consent_events.iys_overdue",
        [&]() -> Result<std::vector<std::pair<std::int64_t, std::int64_t>>> {
          std::int64_t shop = shop_id_;
          std::int64_t before = bound;
          std::int64_t id = 0, received_at = 0;
          soci::statement st =
              (s.prepare << "SELECT id, received_at_ms FROM consent_events WHERE" +
                                std::string(kUploadable) +
                                " AND received_at_ms < :before ORDER BY id",
               soci::into(id), soci::into(received_at), soci::use(shop), soci::use(before));
          st.execute();
          std::vector<std::pair<std::int64_t, std::int64_t>> out;
          while (st.fetch()) out.emplace_back(id, received_at);
          return out;
        });
  });
  if (!rows.isOk()) return rows.status();
  std::vector<std::int64_t> out;
  for (const auto& [id, received_at] : *rows) {
    if (iysUploadDueAt(received_at, options_.upload_business_days, zone_) <= now) {
      out.push_back(id);
    }
  }
  return out;
}

}  // namespace cartrelay::compliance
