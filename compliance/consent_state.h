#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "compliance/purpose.h"
#include "core/util/clock.h"

// A subject's consent as events and as the state they fold into
// (compliance-rules.md (b) and rule 28). The ledger (consent_ledger.h) stores
// the events; everything that asks "may we send?" works on the fold.
namespace cartrelay::compliance {

enum class ConsentStatus { kOnay, kRet };        // İYS spelling: ONAY | RET
enum class RecipientType { kBireysel, kTacir };  // BIREYSEL | TACIR (rule 12)
// Where our copy of a locally collected event stands with İYS (rules 8, 10, 11).
enum class IysSync { kNotApplicable, kPending, kRegistered, kFailed };

// One consent event, append-only. No personal data in clear: the subject is
// its keyed hash; evidence is stored encrypted by the ledger, not here.
struct ConsentEvent {
  std::int64_t id = 0;               // assigned by the ledger, increasing
  std::string subject_ref;           // keyed hash of the E.164 phone
  std::string channel = "whatsapp";  // İYS type MESAJ
  ConsentStatus status = ConsentStatus::kOnay;
  // GRANT | WITHDRAW | REFUSE | OBJECT_ART21 | IMPORT | IYS_SYNC | OBSERVED
  std::string event_type;
  RecipientType recipient_type = RecipientType::kBireysel;
  std::string source;         // İYS source code: HS_WEB, HS_MESAJ, ...
  std::string capture_point;  // shopify_checkout, woo_checkout, wa_reply, manual, ...
  // Purposes the person agreed to; empty means every commercial purpose.
  std::set<Purpose> purpose_scope;
  std::string consent_text_id;
  std::string consent_text_version;
  std::string consent_text_sha256;
  std::string kvkk_notice_version;  // TR: the aydınlatma metni shown (rule 19)
  std::string legal_basis;          // TR_6563_ONAY+KVKK_ACIK_RIZA, GDPR_6_1_a, ...
  bool verified = true;             // phone verified (OTP, link, WhatsApp reply; rule 15)
  bool complete = true;             // name and surname on record (rule 14)
  // A RET that also stops TRANSACTIONAL messages ("stop everything", a
  // block or report on WhatsApp; rule 29). An ONAY clears it.
  bool block_all = false;
  // Recorded as evidence only: a platform's "subscribed" from a capture the
  // shop has not declared compliant ([shop.NAME] consent_capture). The fold
  // ignores it; a RET is never evidence-only (a withdrawal always counts).
  bool evidence_only = false;
  std::string withdrawal_channel;  // wa_keyword, button, link, iys, shopify_webhook, ...
  IysSync iys_sync = IysSync::kNotApplicable;
  std::string iys_transaction_id;
  core::EpochMillis event_at = 0;     // when the person said it (İYS consentDate)
  core::EpochMillis received_at = 0;  // when we learnt it
  std::int64_t audit_seq = 0;         // the audit record of this event
};

// The fold (rule 28): the latest event by event_at wins, ties to the later
// received_at, then to the higher id. Evidence-only events take no part.
struct ConsentState {
  enum class Status { kNone, kOnay, kRet };
  Status status = Status::kNone;
  std::int64_t event_id = 0;  // the event that decided the state; 0 for kNone
  core::EpochMillis event_at = 0;
  RecipientType recipient_type = RecipientType::kBireysel;
  std::set<Purpose> purpose_scope;  // of the deciding ONAY; empty = all
  std::string kvkk_notice_version;
  std::string legal_basis;
  bool verified = false;
  bool complete = false;
  bool block_all = false;  // the deciding event is a block-all RET
  IysSync iys_sync = IysSync::kNotApplicable;
  std::optional<core::EpochMillis> last_ret_at;  // event_at of the latest RET, if any
};

ConsentState foldConsent(std::span<const ConsentEvent> events);

// Rule 28: an imported ONAY dated before the subject's last RET is stale and
// must be rejected (STALE_CONSENT_IMPORT); a fresh affirmative act is needed.
bool isStaleOnay(const ConsentEvent& candidate, const ConsentState& current);

std::string_view toString(ConsentStatus status);  // ONAY | RET
std::optional<ConsentStatus> parseConsentStatus(std::string_view text);
std::string_view toString(RecipientType type);  // BIREYSEL | TACIR
std::optional<RecipientType> parseRecipientType(std::string_view text);
std::string_view toString(IysSync sync);  // not_applicable | pending | registered | failed
std::optional<IysSync> parseIysSync(std::string_view text);

}  // namespace cartrelay::compliance
