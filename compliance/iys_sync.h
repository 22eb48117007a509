#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "compliance/gate.h"
#include "compliance/iys_client.h"
#include "core/store/database.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"
#include "core/util/time_zone.h"

namespace cartrelay::compliance {

// (Named IysSyncService because compliance::IysSync is already the ledger's
// per-event sync state enum in consent_state.h.)
//
// Keeps one shop's consent ledger and İYS in step (compliance-rules.md rules
// 8-11 and (b) `iys_sync`):
//
//   pushPending()  uploads the consents and withdrawals the shop collected
//                  itself (rules 10, 11) and marks their ledger rows
//                  registered (with İYS's transactionId) or failed;
//   pullChanges()  records the changes made on İYS itself (a citizen's RET on
//                  the İYS portal) as IYS_SYNC ledger events;
//   view()         answers SendGate::Options::iys (rule 9) from the
//                  iys_status cache table or a live status query;
//   overdue()      lists the events still not in İYS 3 Türkiye business days
//                  after the daemon learnt of them (IYS_UPLOAD_OVERDUE /
//                  IYS_RET_UPLOAD_OVERDUE alerts are the caller's job).
//
// Only the WhatsApp channel is synced, as İYS type MESAJ (open question 2 of
// the reference). İYS keeps BIREYSEL and TACIR records apart; view() asks
// about the recipient type the subject's ledger state has (rule 12 needs the
// TACIR record), and the cache row remembers which type it holds.
//
// Personal data: the phone is decrypted from consent_events.recipient_enc
// only to be sent to İYS; it never reaches a log line, a Status message or
// an audit payload (audit records carry the subject's keyed hash).
//
// Ownership: every reference must outlive the IysSyncService.
// Thread-safety: view() and overdue() may be called concurrently from any
// thread (SendGate does). pushPending() and pullChanges() are serialised by
// an internal mutex, so two runs in this process never upload the same event
// twice; running them from two processes against one database is not
// supported (the row UPDATE is guarded, but both could call İYS).
class IysSyncService {
 public:
  struct Options {
    // How long a cached İYS status may be relied on (rule 9,
    // iys_max_staleness), ms.
    std::int64_t max_staleness_ms = 60LL * 60 * 1000;
    // Rules 10-11: an event is overdue when it is still not in İYS this many
    // Türkiye business days after received_at.
    int upload_business_days = 3;
    // Events uploaded per pushPending() run (oldest first); the rest wait
    // for the next run.
    int push_batch = 100;
    // Page size asked of /consents/changes, and the most pages one
    // pullChanges() run reads (a guard against a feed that never ends).
    int pull_page_size = 100;
    int pull_max_pages = 50;
  };

  // kInternal when the Europe/Istanbul zone cannot be loaded from the
  // system's tz database (needed for business days).
  static core::Result<std::unique_ptr<IysSyncService>> create(
      std::int64_t shop_id, IysClient& client, core::store::Database& db, const core::KeyRing& keys,
      const core::Clock& clock, const ConsentLedger& ledger, const AuditLog& audit,
      Options options);

  IysSyncService(const IysSyncService&) = delete;
  IysSyncService& operator=(const IysSyncService&) = delete;

  // Uploads up to Options::push_batch of the shop's events that İYS does
  // not have yet, oldest (lowest id) first: channel whatsapp, not
  // evidence-only, not IYS_SYNC or of an İYS-side source (IYS_*), no
  // iys_transaction_id, not marked failed, and with the phone still present
  // (not erased). Each goes out as addConsent(status, source,
  // recipient_type, consent_at = event_at, type MESAJ).
  //
  //   success           the row gets iys_sync = 'registered' and the
  //                     transactionId, and an "iys.registered" audit record
  //                     {consent_event_id, shop_id, transaction_id}, in one
  //                     transaction (only those two bookkeeping columns
  //                     change; the consent facts stay as recorded)
  //   kInvalidArgument  İYS refused this record (e.g. a RET as the first
  //                     record): the row gets iys_sync = 'failed', is not
  //                     tried again and stays overdue(); the run goes on
  //   other errors      the run stops and returns the error (kUnavailable:
  //                     İYS down, try again next run); rows registered
  //                     before it stay registered
  //
  // A row whose phone no longer decrypts is marked failed as well. Returns
  // how many rows were registered.
  core::Result<int> pushPending();

  // Reads /consents/changes from the shop's cursor (poll_cursors, resource
  // "iys_changes") until İYS returns an empty page (at most
  // Options::pull_max_pages pages). Each MESAJ change becomes a ledger event
  // of the subject (keyed hash of the E.164): event_type IYS_SYNC, status
  // ONAY/RET, source İYS's (or IYS_UNKNOWN when it is not an İYS source
  // code), event_at = consentDate (else creationDate, else now; never later
  // than now), iys_sync registered, iys_transaction_id, actor "iys". The
  // ledger itself refuses a stale ONAY or an ONAY for an erased subject
  // (audited); a change whose transactionId the subject's ledger already
  // holds (our own upload echoed back) records no second event. An ONAY
  // from İYS carries none of the shop's evidence, so it is recorded as
  // unverified and incomplete: it never makes a sendable consent by itself.
  // Every MESAJ change also refreshes the iys_status cache. Each page's events,
  // cache rows and the advanced cursor commit in one transaction.
  // Changes with an unusable recipient or status are skipped (logged
  // without personal data). Returns how many ledger events were recorded;
  // errors from İYS or the store stop the run (pages committed before stay).
  core::Result<int> pullChanges();

  // The recipient's İYS status for SendGate (rule 9), {status, fresh}, for
  // the İYS record of the recipient type of the subject's ledger state
  // (BIREYSEL when there is none; TACIR for rule 12):
  //   a cache row of that type checked within   -> it, fresh (no request)
  //   max_staleness
  //   else a live status query (type MESAJ)     -> ONAY / RET / kNotFound,
  //                                                fresh, and cached
  //   the live query fails                      -> the cached status of that
  //                                                type if any (else
  //                                                kUnknown), not fresh: the
  //                                                gate defers (fail closed)
  // A cache row counts from its check (a live call or a pull that carried a
  // change of this subject). `e164` must be the normalised phone
  // ("+905321234567"). One ledger read, one cache read and at most one İYS
  // request and one cache write per call. Never throws.
  std::pair<GateFacts::IysStatus, bool> view(const std::string& e164) const;

  // Ids (ascending) of this shop's events that should be in İYS and are not
  // (no iys_transaction_id; channel whatsapp; not evidence-only; not
  // IYS_SYNC or of an IYS_* source; phone still present, i.e. not erased),
  // whose received_at is more than Options::upload_business_days Türkiye
  // business days ago (see iysUploadDueAt). Rows marked failed count: they
  // are not in İYS either. ONAY rows are IYS_UPLOAD_OVERDUE (rule 10), RET
  // rows IYS_RET_UPLOAD_OVERDUE (rule 11).
  core::Result<std::vector<std::int64_t>> overdue() const;

 private:
  IysSyncService(std::int64_t shop_id, IysClient& client, core::store::Database& db,
                 const core::KeyRing& keys, const core::Clock& clock, const ConsentLedger& ledger,
                 const AuditLog& audit, Options options, core::TimeZone zone)
      : shop_id_(shop_id),
        client_(client),
        db_(db),
        keys_(keys),
        clock_(clock),
        ledger_(ledger),
        audit_(audit),
        options_(options),
        zone_(std::move(zone)) {}

  std::int64_t shop_id_;
  IysClient& client_;
  core::store::Database& db_;
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  const ConsentLedger& ledger_;
  const AuditLog& audit_;
  Options options_;
  core::TimeZone zone_;  // Europe/Istanbul
  std::mutex run_mu_;    // serialises pushPending() and pullChanges()
};

// Rules 10-11: when an event received at `received_at` must be in İYS: the
// end (24:00 local time) of the `business_days`-th business day after the
// local date of `received_at` in `zone` (Europe/Istanbul). Business days are
// Monday to Friday. Türkiye's public holidays (fixed and the moving
// religious bayrams) are NOT modelled, so around a holiday the deadline
// comes early: an alert fires sooner, never later. Example: received Friday
// 20:00 -> Monday, Tuesday, Wednesday -> due Thursday 00:00.
core::EpochMillis iysUploadDueAt(core::EpochMillis received_at, int business_days,
                                 const core::TimeZone& zone);

}  // namespace cartrelay::compliance
