#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compliance/consent_ledger.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// What a WhatsApp user said about messages, by whichever way it reached us
// (whatsapp-cloud-api.md §6).
enum class WhatsAppSignal {
  kKeywordStop,           // an inbound text or button matching compliance.opt_out_keywords
  kPreferenceStop,        // Meta's user_preferences webhook, value "stop"
  kMarketingOptOutError,  // a send refused with 131050
  kPreferenceResume,      // user_preferences "resume"
  kKeywordStart,          // an inbound text or button matching compliance.opt_in_keywords
};

// Records WhatsApp's consent signals in the ledger of every shop (the
// business number is shared by the shops of this installation, and so is
// the person's "stop"), in one transaction:
//   - a stop (keyword, preference or 131050) is a withdrawal: RET, event
//     type WITHDRAW, İYS source HS_MESAJ, withdrawal channel wa_keyword |
//     user_preferences | meta_131050 (rules 24, 26);
//   - a resume or an opt-in keyword is evidence, not consent (a resume only
//     lifts Meta's own block, and a bare keyword names no notice, scope or
//     verified identity: consent under 6563/GDPR needs the affirmative act
//     the shop captured): an evidence-only ONAY the gate ignores, capture
//     point wa_user_preferences | wa_reply.
// `evidence` (e.g. {"wamid": ...}, {"keyword": "DUR"}) is stored encrypted
// with the event. Returns how many events were recorded.
//
// Errors: kInvalidArgument for a phone that is not E.164; store errors
// (nothing recorded). Ownership: every reference must outlive the object.
// Thread-safety: immutable; call from any thread.
class WhatsAppConsent {
 public:
  WhatsAppConsent(core::store::Database& db, const core::KeyRing& keys, const ConsentLedger& ledger,
                  std::vector<std::int64_t> shop_ids)
      : db_(db), keys_(keys), ledger_(ledger), shop_ids_(std::move(shop_ids)) {}

  core::Result<int> record(WhatsAppSignal signal, std::string_view phone_e164,
                           core::EpochMillis event_at, const nlohmann::json& evidence) const;
  // The same in the caller's transaction (the inbox processor's, for a
  // webhook), so the withdrawal and the webhook's state commit together.
  core::Result<int> record(soci::session& s, WhatsAppSignal signal, std::string_view phone_e164,
                           core::EpochMillis event_at, const nlohmann::json& evidence) const;

 private:
  core::store::Database& db_;
  const core::KeyRing& keys_;
  const ConsentLedger& ledger_;
  std::vector<std::int64_t> shop_ids_;
};

}  // namespace cartrelay::compliance
