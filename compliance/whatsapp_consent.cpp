#include "compliance/whatsapp_consent.h"

#include "core/store/database.h"
#include "core/util/phone.h"

namespace cartrelay::compliance {
namespace {

std::string_view withdrawalChannel(WhatsAppSignal signal) {
  switch (signal) {
    case WhatsAppSignal::kKeywordStop:
      return "wa_keyword";
    case WhatsAppSignal::kPreferenceStop:
      return "user_preferences";
    case WhatsAppSignal::kMarketingOptOutError:
      return "meta_131050";
    case WhatsAppSignal::kPreferenceResume:
    case WhatsAppSignal::kKeywordStart:
      return "";
  }
  return "";
}

}  // namespace

core::Result<int> WhatsAppConsent::record(soci::session& s, WhatsAppSignal signal,
                                          std::string_view phone_e164, core::EpochMillis event_at,
                                          const nlohmann::json& evidence) const {
  const core::NormalisedPhone phone = core::normalisePhone(phone_e164, "");
  if (!phone.valid) return core::Status::invalidArgument("whatsapp consent: invalid phone");
  ConsentEvent event;
  event.subject_ref = keys_.hasher().hash("phone", phone.value);
  event.source = "HS_MESAJ";
  event.event_at = event_at;
  if (signal == WhatsAppSignal::kPreferenceResume || signal == WhatsAppSignal::kKeywordStart) {
    event.status = ConsentStatus::kOnay;
    event.event_type = "OBSERVED";
    event.capture_point =
        signal == WhatsAppSignal::kKeywordStart ? "wa_reply" : "wa_user_preferences";
    event.evidence_only = true;
  } else {
    event.status = ConsentStatus::kRet;
    event.event_type = "WITHDRAW";
    event.capture_point =
        signal == WhatsAppSignal::kKeywordStop ? "wa_reply" : "wa_user_preferences";
    event.withdrawal_channel = std::string(withdrawalChannel(signal));
  }
  int recorded = 0;
  for (std::int64_t shop_id : shop_ids_) {
    CARTRELAY_ASSIGN_OR_RETURN(
        auto outcome, ledger_.record(s, shop_id, event, phone.value, evidence, "whatsapp"));
    if (outcome.recorded) ++recorded;
  }
  return recorded;
}

core::Result<int> WhatsAppConsent::record(WhatsAppSignal signal, std::string_view phone_e164,
                                          core::EpochMillis event_at,
                                          const nlohmann::json& evidence) const {
  return db_.queryTransaction([&](soci::session& s) -> core::Result<int> {
    return record(s, signal, phone_e164, event_at, evidence);
  });
}

}  // namespace cartrelay::compliance
