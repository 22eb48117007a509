#include "compliance/consent_state.h"

#include <tuple>

namespace cartrelay::compliance {

ConsentState foldConsent(std::span<const ConsentEvent> events) {
  const ConsentEvent* latest = nullptr;
  ConsentState state;
  for (const ConsentEvent& e : events) {
    if (e.evidence_only && e.status == ConsentStatus::kOnay) continue;
    // Order by when the person said it, not when we heard: an İYS change
    // pulled late must not override a reply the person sent afterwards.
    auto key = [](const ConsentEvent& x) { return std::tie(x.event_at, x.received_at, x.id); };
    if (latest == nullptr || key(*latest) < key(e)) latest = &e;
    if (e.status == ConsentStatus::kRet &&
        (!state.last_ret_at || *state.last_ret_at < e.event_at)) {
      state.last_ret_at = e.event_at;
    }
  }
  if (latest == nullptr) return state;
  state.status = latest->status == ConsentStatus::kOnay ? ConsentState::Status::kOnay
                                                        : ConsentState::Status::kRet;
  state.event_id = latest->id;
  state.event_at = latest->event_at;
  state.recipient_type = latest->recipient_type;
  state.purpose_scope = latest->purpose_scope;
  state.kvkk_notice_version = latest->kvkk_notice_version;
  state.legal_basis = latest->legal_basis;
  state.verified = latest->verified;
  state.complete = latest->complete;
  state.block_all = latest->status == ConsentStatus::kRet && latest->block_all;
  state.iys_sync = latest->iys_sync;
  return state;
}

bool isStaleOnay(const ConsentEvent& candidate, const ConsentState& current) {
  return candidate.status == ConsentStatus::kOnay && current.last_ret_at &&
         candidate.event_at < *current.last_ret_at;
}

std::string_view toString(ConsentStatus status) {
  return status == ConsentStatus::kOnay ? "ONAY" : "RET";
}

std::optional<ConsentStatus> parseConsentStatus(std::string_view text) {
  if (text == "ONAY") return ConsentStatus::kOnay;
  if (text == "RET") return ConsentStatus::kRet;
  return std::nullopt;
}

std::string_view toString(RecipientType type) {
  return type == RecipientType::kBireysel ? "BIREYSEL" : "TACIR";
}

std::optional<RecipientType> parseRecipientType(std::string_view text) {
  if (text == "BIREYSEL") return RecipientType::kBireysel;
  if (text == "TACIR") return RecipientType::kTacir;
  return std::nullopt;
}

std::string_view toString(IysSync sync) {
  switch (sync) {
    case IysSync::kNotApplicable:
      return "not_applicable";
    case IysSync::kPending:
      return "pending";
    case IysSync::kRegistered:
      return "registered";
    case IysSync::kFailed:
      return "failed";
  }
  return "not_applicable";
}

std::optional<IysSync> parseIysSync(std::string_view text) {
  for (IysSync s :
       {IysSync::kNotApplicable, IysSync::kPending, IysSync::kRegistered, IysSync::kFailed}) {
    if (toString(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance
