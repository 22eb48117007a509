#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "compliance/gate.h"
#include "compliance/tracked_links.h"
#include "core/ports/message_channel.h"
#include "core/util/batch_worker.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/phone.h"
#include "core/util/result.h"
#include "core/util/time_zone.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// One message somebody wants sent: a journey step, an operator's `send`.
struct SendRequest {
  std::int64_t shop_id = 0;
  std::string phone;          // as known; normalised with the shop's country
  std::string template_name;  // [template.NAME]
  nlohmann::json params = nlohmann::json::object();
  std::string journey;  // "" for a manual send
  std::string step;
  std::optional<std::int64_t> cart_id;
  std::optional<std::int64_t> order_id;
};

// The configuration's view of a template ([template.NAME]).
struct GateTemplate {
  std::string meta_name;
  std::string language;
  TemplateCategory category = TemplateCategory::kMarketing;
  Purpose purpose = Purpose::kCampaign;
  // kNotApproved only for a template the configuration no longer has; Meta's
  // status comes from the template registry (Options::template_registry).
  TemplateAvailability availability = TemplateAvailability::kApproved;
  // Params that go out as tracked links (buttons = tracked_url:PARAM,
  // body_params = PARAM:link): submit() refuses a message whose target is
  // no http(s) URL, and claim() replaces each target by a fresh link.
  std::vector<TrackedParam> tracked_links{};
  // Non-empty: not a Meta template but a free-form text with this body
  // (meta_name stays empty), sent only inside the recipient's customer
  // service window (OUTSIDE_SERVICE_WINDOW otherwise).
  std::string text{};
};

// How Meta's view of the templates (whatsapp_templates.h, filled by the
// registry sync and the template webhooks) overrides the configuration's:
enum class TemplateRegistry {
  kOff,            // the configuration is the truth (sandbox: nothing is at Meta)
  kWhenKnown,      // a template Meta told us about has Meta's status and
                   // category; any other is as configured (live, no waba_id:
                   // only webhooks inform)
  kAuthoritative,  // as kWhenKnown, and a template Meta never listed is not
                   // sendable yet (live with waba_id: the registry is synced)
};

// The configuration's view of a shop.
struct GateShop {
  std::string name;
  std::string country;    // default region for phone numbers
  std::string time_zone;  // IANA name: the fallback for recipients outside TR (rule 36)
};

// The gate in front of every channel (rules 40-43; DESIGN.md "The gate").
// submit() reads the facts about the recipient (consent fold, suppression,
// recent commercial sends, the cart, past orders; Meta's status and category
// of the template, see TemplateRegistry) in a transaction, asks the
// pure decide(), and writes in that same transaction the outbox row (state
// queued, deferred or suppressed) and a `gate.decision` audit record that
// holds the decision, its reason, the consent event relied on, the template
// and the policy version, but no personal data. An allowed message waits
// in the outbox (queued) until a sender claim()s it: only claim() hands out
// a ClearedMessage, the one thing a channel will send, and only after the
// row is durably `sending`, so a crash can never cause a second send.
//
// If that transaction fails for any reason (the audit chain or the store is
// unavailable), nothing was recorded and nothing may be sent: the outcome is
// DENY(AUDIT_UNAVAILABLE) without an outbox row, and the caller may try
// again later.
//
// A journey message is sent at most once per (journey, step, subject): a
// second submit returns the first row's decision with `duplicate` set.
//
// Ownership: every reference must outlive the gate. Thread-safety: submit()
// and claim() may be called concurrently. Concurrent submits are recorded
// together: the gate's own thread writes everything queued in one
// transaction (group commit, one disk sync), each with its own decision,
// row and audit record; if that transaction fails, each is tried alone.
// So submit() must never be called from inside a store transaction.
class SendGate {
 public:
  struct Options {
    GatePolicy policy;
    std::map<std::string, GateTemplate, std::less<>> templates;  // by [template.NAME]
    std::map<std::int64_t, GateShop> shops;                      // by shop id
    std::string policy_version;  // SHA-256 of the configuration (rule 41)
    TemplateRegistry template_registry = TemplateRegistry::kOff;
    // AuditService::integrity() == kIntact; unset means intact (tests).
    std::function<bool()> audit_intact;
    // The recipient's İYS status for the shop's brand and whether it is
    // fresh (rule 9); unset
    // means unknown and stale, which defers every TR commercial send while
    // compliance.iys = api.
    std::function<std::pair<GateFacts::IysStatus, bool>(std::int64_t shop_id,
                                                        const std::string& e164)>
        iys;
    // The base URL and lifetime of tracked links.
    LinkOptions links;
  };

  struct Outcome {
    Decision decision;
    std::int64_t outbox_id = 0;  // 0 when nothing was recorded (AUDIT_UNAVAILABLE)
    std::int64_t audit_seq = 0;
    bool duplicate = false;
  };

  // Loads the time zones the options name. kInvalidArgument for a zone
  // that does not load.
  static core::Result<std::unique_ptr<SendGate>> create(
      core::store::Database& db, const core::KeyRing& keys, const core::Clock& clock,
      const AuditLog& audit, const ConsentLedger& ledger, Options options);

  SendGate(const SendGate&) = delete;
  SendGate& operator=(const SendGate&) = delete;

  // kInvalidArgument for an unknown shop or template or bad params (the
  // message names which, never the phone or a param's value; a tracked
  // link's target must be an absolute http(s) URL); otherwise an Outcome.
  core::Result<Outcome> submit(const SendRequest& request) const;

  // submit() inside the caller's transaction, for a message that follows
  // from what that transaction records (the confirmation of an opt-out
  // that a webhook carries): both commit or neither. Only for messages
  // whose class is TRANSACTIONAL by configuration, since a COMMERCIAL one
  // may need İYS, a network call that must not hold the transaction
  // (kInvalidArgument otherwise). Errors as submit(); a store error is
  // returned (the caller's transaction rolls back), not turned into
  // AUDIT_UNAVAILABLE.
  core::Result<Outcome> submitWithin(soci::session& s, const SendRequest& request) const;

  struct Claimed {
    std::vector<core::ports::ClearedMessage> messages;  // now `sending`
    int deferred = 0;    // decided again: not yet (quiet hours, caps, İYS)
    int suppressed = 0;  // decided again: never (withdrawn, erased, bought, ...)
    int skipped = 0;     // no longer due (another worker took it, or gone)
  };
  // Takes due messages for sending (the ids come from OutboxDelivery::due,
  // or deferred rows whose time came). Each row still queued or deferred is
  // moved to `sending` durably, before any request leaves, and comes back
  // as a ClearedMessage rebuilt from its sealed content.
  //
  // A decision is only as good as the facts it was made on: a row decided
  // more than kFreshDecisionMs ago, or being retried, is decided again in
  // place first (a withdrawal, an erasure, a purchase, quiet hours, a failed
  // audit verification since then win) and only an ALLOW is claimed; each
  // new decision is audited like the first.
  //
  // All rows are taken in one transaction; if it fails, each row is tried
  // in its own, so one bad row never holds back the others. A store error
  // then ends the claim: kUnavailable etc. when nothing was taken, else the
  // rows taken so far are returned (the rest stay due) and it is logged.
  //
  // In the transaction each tracked param of the template gets a new
  // link (TrackedLinks::mint), and the message carries the token or the
  // tracked URL instead of the target. A row whose links cannot be made (a
  // target that is no URL any more after a configuration change) fails
  // with error_reason `bad_link` instead of coming back due for ever.
  core::Result<Claimed> claim(const std::vector<std::int64_t>& outbox_ids) const;

  // How long a decision may be acted on without being made again.
  static constexpr std::int64_t kFreshDecisionMs = 60'000;

 private:
  // A message on its way through the gate: what was asked, and what the
  // gate derived from it.
  struct Pending {
    SendRequest request;
    core::NormalisedPhone phone;
    const GateShop* shop = nullptr;
    const GateTemplate* tmpl = nullptr;
    MessageIntent intent;
    std::string dedupe;  // "" for a manual send
  };
  // In the caller's transaction: reads the facts, decides, writes the
  // outbox row (a new one, or `existing_id` decided again), seals what a
  // later send needs (recipient, params) for ALLOW and DEFER, and appends
  // the gate.decision audit record.
  core::Result<Outcome> decideAndRecord(soci::session& s, const Pending& pending, GateFacts facts,
                                        std::int64_t existing_id) const;
  // A submit() waiting for its decision to be recorded; both point into the
  // waiting caller's frame.
  struct Submission {
    const Pending* pending = nullptr;
    const GateFacts* facts = nullptr;
  };
  // In the caller's transaction: the dedupe check, then decideAndRecord.
  core::Result<Outcome> recordSubmission(soci::session& s, const Submission& submission) const;
  // The group commit behind submit() (runs on submits_'s thread).
  std::vector<core::Result<Outcome>> recordSubmissions(std::vector<Submission>& batch) const;
  // A Pending for `request`; `subject_ref` as stored, or "" to derive it
  // from the phone.
  Pending pendingFor(SendRequest request, const GateShop& shop, const GateTemplate& tmpl,
                     std::string subject_ref) const;
  // What submit() checks and derives before anything is read: kInvalidArgument
  // for an unknown shop or template or bad params.
  core::Result<Pending> prepare(const SendRequest& request) const;
  // The facts that need no store: phone, zone, audit integrity, İYS (for
  // a COMMERCIAL message only).
  GateFacts outsideFacts(const Pending& pending) const;
  core::ports::ClearedMessage clear(const Pending& pending, std::int64_t outbox_id,
                                    int attempt) const;
  // A due row that cannot be sent (its content retention already cleared,
  // or its links cannot be made): failed with `reason`, audited.
  core::Status failWithoutContent(std::int64_t outbox_id,
                                  std::string_view reason = "content_gone") const;

  SendGate(core::store::Database& db, const core::KeyRing& keys, const core::Clock& clock,
           const AuditLog& audit, const ConsentLedger& ledger, Options options)
      : db_(db),
        keys_(keys),
        clock_(clock),
        audit_(audit),
        ledger_(ledger),
        options_(std::move(options)),
        submits_(std::make_unique<core::BatchWorker<Submission, core::Result<Outcome>>>(
            kMaxSubmitBatch,
            [this](std::vector<Submission>& batch) { return recordSubmissions(batch); },
            core::Status::unavailable("send gate is stopping"))) {}

  const core::TimeZone& zoneFor(const std::string& region, const GateShop& shop) const;

  core::store::Database& db_;
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  const AuditLog& audit_;
  const ConsentLedger& ledger_;
  Options options_;
  std::map<std::string, core::TimeZone, std::less<>> zones_;
  // Concurrent submits share one transaction (see recordSubmissions). Last,
  // so its thread stops before anything it uses goes away.
  static constexpr std::size_t kMaxSubmitBatch = 256;
  std::unique_ptr<core::BatchWorker<Submission, core::Result<Outcome>>> submits_;
};

}  // namespace cartrelay::compliance
