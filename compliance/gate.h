#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compliance/consent_state.h"
#include "compliance/purpose.h"
#include "compliance/quiet_hours.h"
#include "compliance/reason.h"
#include "core/util/clock.h"
#include "core/util/time_zone.h"

// The send gate (DESIGN.md "The gate"; compliance-rules.md rules 1-43):
// every message a journey, an operator or a reply wants to send is decided
// here before anything leaves, and the decision is audited with the outbox
// row (rule 40).
//
// decide() is a pure function of the MessageIntent, the facts the caller
// read from the store for that subject (GateFacts), the policy from the
// configuration (GatePolicy) and `now`: the same inputs always give the same
// decision, which is what `cartrelay simulate` and the tests rely on.
namespace cartrelay::compliance {

enum class Jurisdiction { kTR, kEU };

// Whether Meta lets a template be sent now (rule 38; whatsapp_templates.h
// maps Meta's statuses onto these).
enum class TemplateAvailability {
  kApproved,     // APPROVED: sendable
  kPaused,       // paused, disabled, in review, not (yet) known: the step waits
  kNotApproved,  // rejected or deleted: never sendable as it is
};

struct MessageTemplate {
  std::string name;  // [template.NAME]
  // Meta's category when the template registry knows it, else the configured one.
  TemplateCategory category = TemplateCategory::kMarketing;
  TemplateAvailability availability = TemplateAvailability::kApproved;
  // A free-form text rather than a Meta template: only allowed inside the
  // recipient's 24-hour customer service window (rule 38).
  bool free_form = false;
};

// One message somebody wants to send.
struct MessageIntent {
  std::string subject_ref;  // keyed hash of the E.164 phone (64 hex)
  MessageTemplate message_template;
  Purpose purpose = Purpose::kCampaign;
  std::string journey;  // "" for a manual send
  std::string step;
  std::optional<std::int64_t> cart_id;   // the cart the message is about, if any
  std::optional<std::int64_t> order_id;  // the order the message is about, if any
};

// The cart a message is about, as stored.
enum class CartState { kOpen, kCompleted, kDeleted };

// What the store knows about the subject and the things the message is
// about, read by the caller in the transaction that will also write the
// decision. Times are UTC epoch milliseconds.
struct GateFacts {
  bool phone_valid = false;  // E.164 parsed (DESIGN.md "Phones")
  std::string country;       // ISO 3166-1 alpha-2 of the phone, "TR", "DE"; "" unknown
  // The recipient's time zone (rule 36: from the phone's country, else the
  // shop's). Must not be null.
  const core::TimeZone* zone = nullptr;
  ConsentState consent;              // the fold of the subject's consent events
  bool erased = false;               // `subject erase` ran for this subject (rule 46)
  bool has_completed_order = false;  // a completed order for this phone (rule 22)
  // Send times of the COMMERCIAL messages this subject was allowed in the
  // last 7 days, any order (rule 35).
  std::vector<core::EpochMillis> commercial_sends;
  std::optional<CartState> cart_state;                // when intent.cart_id is set
  std::optional<core::EpochMillis> cart_activity_at;  // last activity of that cart
  bool audit_intact = true;  // AuditService::integrity() == kIntact (rule 43)
  // İYS (TR, compliance.iys = api): the recipient's status there, as last
  // checked, and whether that check is fresh enough to rely on (rule 9).
  enum class IysStatus { kUnknown, kOnay, kRet, kNotFound };
  IysStatus iys_status = IysStatus::kUnknown;
  bool iys_fresh = false;
  // When the subject last wrote to the business on WhatsApp (their message's
  // time; whatsapp_contacts), for the customer service window. Read for
  // free-form messages only.
  std::optional<core::EpochMillis> last_inbound_at;
};

struct FrequencyCaps {
  int per_day = 1;   // commercial messages per rolling 24 h; 0 = none allowed
  int per_week = 3;  // per rolling 7 days
};

// The configuration's part of the decision ([compliance], and the journey's
// own caps when it sets them).
struct GatePolicy {
  Jurisdiction jurisdiction = Jurisdiction::kTR;
  std::string transfer_basis;  // KVKK Art. 9 basis; "" = not recorded (rule 49)
  SendingHours sending_hours;
  FrequencyCaps caps;
  bool iys_enabled = false;
  // EU: countries (ISO alpha-2) where the ePrivacy soft opt-in is enabled
  // (rule 22, off by default).
  std::set<std::string> soft_optin_countries;
  // Abandoned-cart messages stop this long after the cart's last activity
  // (rule 35, CART_EXPIRED).
  std::int64_t cart_expiry_ms = 7LL * 24 * 60 * 60 * 1000;
};

struct Decision {
  enum class Outcome { kAllow, kDefer, kDeny };
  Outcome outcome = Outcome::kDeny;
  std::optional<Reason> reason;    // set for kDefer and kDeny
  core::EpochMillis retry_at = 0;  // kDefer: the earliest time worth asking again
  PurposeClass purpose_class = PurposeClass::kCommercial;
  // ALLOW of a COMMERCIAL message: the consent event it relied on (rule 41);
  // 0 when allowed without one (TRANSACTIONAL, TACIR).
  std::int64_t consent_event_id = 0;

  static Decision allow(PurposeClass purpose_class) {
    return Decision{Outcome::kAllow, std::nullopt, 0, purpose_class, 0};
  }
  static Decision deny(Reason reason, PurposeClass purpose_class) {
    return Decision{Outcome::kDeny, reason, 0, purpose_class, 0};
  }
  static Decision defer(Reason reason, core::EpochMillis retry_at, PurposeClass purpose_class) {
    return Decision{Outcome::kDefer, reason, retry_at, purpose_class, 0};
  }
};

// "ALLOW" | "DEFER" | "DENY": the outbox's decision column and the audit
// record's spelling.
std::string_view toString(Decision::Outcome outcome);

// The decision. Rules are applied in a fixed order and the first DENY wins;
// if none denies, the DEFERs are combined (retry at the latest of their
// times, reason of that one); otherwise ALLOW. Pure and thread-safe.
Decision decide(const MessageIntent& intent, const GateFacts& facts, const GatePolicy& policy,
                core::EpochMillis now);

}  // namespace cartrelay::compliance
