#include "compliance/consent_observations.h"

#include <optional>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "core/store/consumer_offset_repo.h"
#include "core/store/database.h"
#include "core/store/domain_event_repo.h"
#include "core/util/log.h"

namespace cartrelay::compliance {
namespace {

using core::Result;
using core::Status;
using core::model::DomainEvent;
using core::model::DomainEventKind;

std::string text(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The ledger event an observation stands for, or nullopt when it says
// nothing about WhatsApp consent we can act on.
std::optional<ConsentEvent> eventOf(const DomainEvent& observed, const PlatformCapture& capture) {
  nlohmann::json payload =
      nlohmann::json::parse(observed.payload_json, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || observed.subject_hash.empty()) return std::nullopt;
  if (text(payload, "channel") != "whatsapp") return std::nullopt;
  const std::string state = text(payload, "state");
  ConsentEvent e;
  e.subject_ref = observed.subject_hash;
  e.event_type = "OBSERVED";
  // Collected on the shop's own website or checkout.
  e.source = "HS_WEB";
  e.capture_point = text(payload, "source");
  e.event_at = observed.occurred_at_ms;
  if (state == "subscribed") {
    e.status = ConsentStatus::kOnay;
    e.evidence_only = !capture.counts_as_consent;
    e.verified = text(payload, "opt_in_level") == "confirmed_opt_in";
    e.kvkk_notice_version = capture.kvkk_notice_version;
    // The platform does not say whether a name was recorded with the
    // consent; rule 14 needs it, so this never claims it.
    e.complete = false;
  } else if (state == "unsubscribed" || state == "redacted") {
    e.status = ConsentStatus::kRet;
    e.withdrawal_channel = "platform";
  } else {
    return std::nullopt;
  }
  return e;
}

}  // namespace

Result<int> ConsentObservationConsumer::runOnce(int limit) {
  core::store::DomainEventRepo events(clock_);
  core::store::ConsumerOffsetRepo offsets(clock_);
  return db_.queryTransaction([&](soci::session& s) -> Result<int> {
    CARTRELAY_ASSIGN_OR_RETURN(std::int64_t after, offsets.get(s, kConsumerName));
    core::store::DomainEventRepo::Filter filter;
    filter.after_id = after;
    filter.kinds = std::vector<DomainEventKind>{DomainEventKind::kConsentObserved};
    filter.limit = limit;
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<DomainEvent> batch, events.list(s, filter));
    if (batch.empty()) return 0;
    for (const DomainEvent& observed : batch) {
      auto capture = captures_.find(observed.shop_id);
      if (capture == captures_.end()) continue;  // a shop no longer configured
      std::optional<ConsentEvent> event = eventOf(observed, capture->second);
      if (!event) continue;
      auto outcome = ledger_.record(s, observed.shop_id, *event, "", nlohmann::json::object(),
                                    "shop:" + capture->second.shop_name);
      if (!outcome.isOk()) {
        if (outcome.status().code() != Status::Code::kInvalidArgument) return outcome.status();
        core::log::warn("consent.observation_refused")
            .kv("domain_event", observed.id)
            .kv("subject", observed.subject_hash)
            .status(outcome.status());
      }
    }
    CARTRELAY_RETURN_IF_ERROR(offsets.put(s, kConsumerName, batch.back().id));
    return static_cast<int>(batch.size());
  });
}

}  // namespace cartrelay::compliance
