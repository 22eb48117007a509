// Table tests for compliance/rules/consent_tr: the TR consent record, BIREYSEL and TACIR (rules 7,
// 12, 14, 15, 18, 19).
#include "compliance/rules/consent_tr.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

using Status = ConsentState::Status;
using Iys = GateFacts::IysStatus;

// A BIREYSEL recipient with a valid TR consent record, İYS off.
Inputs base() {
  Inputs in;
  in.intent.purpose = Purpose::kAbandonedCart;
  in.facts.phone_valid = true;
  in.facts.country = "TR";
  in.facts.consent.status = Status::kOnay;
  in.facts.consent.event_id = 7;
  in.facts.consent.recipient_type = RecipientType::kBireysel;
  in.facts.consent.complete = true;
  in.facts.consent.verified = true;
  in.facts.consent.kvkk_notice_version = "aydinlatma-2024-05";
  in.policy.jurisdiction = Jurisdiction::kTR;
  in.policy.transfer_basis = "standard_contract";
  in.policy.iys_enabled = false;
  return in;
}

void tacir(Inputs& in) {
  in.facts.consent.recipient_type = RecipientType::kTacir;
  in.facts.consent.status = Status::kNone;
  in.facts.consent.complete = false;
  in.facts.consent.verified = false;
  in.facts.consent.kvkk_notice_version.clear();
}

const std::vector<Case>& bireyselCases() {
  static const std::vector<Case> table = {
      {"a complete, verified ONAY with a notice and no scope limit passes", [](Inputs&) {},
       std::nullopt},
      {"a scope that holds the purpose passes",
       [](Inputs& in) {
         in.facts.consent.purpose_scope = {Purpose::kCampaign, Purpose::kAbandonedCart};
       },
       std::nullopt},
      {"RET is CONSENT_WITHDRAWN", [](Inputs& in) { in.facts.consent.status = Status::kRet; },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"no consent event is NO_CONSENT", [](Inputs& in) { in.facts.consent = ConsentState{}; },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"an ONAY without name and surname is CONSENT_INCOMPLETE",
       [](Inputs& in) { in.facts.consent.complete = false; },
       Decision::deny(Reason::kConsentIncomplete, kCommercial)},
      {"an ONAY from an unverified phone is CONSENT_UNVERIFIED",
       [](Inputs& in) { in.facts.consent.verified = false; },
       Decision::deny(Reason::kConsentUnverified, kCommercial)},
      {"an ONAY without the KVKK notice version is KVKK_NOTICE_MISSING",
       [](Inputs& in) { in.facts.consent.kvkk_notice_version.clear(); },
       Decision::deny(Reason::kKvkkNoticeMissing, kCommercial)},
      {"a scope without the purpose is OUT_OF_CONSENT_SCOPE",
       [](Inputs& in) { in.facts.consent.purpose_scope = {Purpose::kCampaign}; },
       Decision::deny(Reason::kOutOfConsentScope, kCommercial)},
      // Precedence inside the rule: withdrawn, none, incomplete, unverified,
      // notice, scope.
      {"RET wins over every defect of the record",
       [](Inputs& in) {
         in.facts.consent.status = Status::kRet;
         in.facts.consent.complete = false;
         in.facts.consent.purpose_scope = {Purpose::kCampaign};
       },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"incomplete wins over unverified, notice and scope",
       [](Inputs& in) {
         in.facts.consent.complete = false;
         in.facts.consent.verified = false;
         in.facts.consent.kvkk_notice_version.clear();
         in.facts.consent.purpose_scope = {Purpose::kCampaign};
       },
       Decision::deny(Reason::kConsentIncomplete, kCommercial)},
      {"unverified wins over notice and scope",
       [](Inputs& in) {
         in.facts.consent.verified = false;
         in.facts.consent.kvkk_notice_version.clear();
         in.facts.consent.purpose_scope = {Purpose::kCampaign};
       },
       Decision::deny(Reason::kConsentUnverified, kCommercial)},
      {"notice wins over scope",
       [](Inputs& in) {
         in.facts.consent.kvkk_notice_version.clear();
         in.facts.consent.purpose_scope = {Purpose::kCampaign};
       },
       Decision::deny(Reason::kKvkkNoticeMissing, kCommercial)},
      {"İYS's own answer is left to the İYS rule",
       [](Inputs& in) {
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
      {"TRANSACTIONAL needs no consent (rule 6)",
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"under EU this rule does not apply",
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.policy.jurisdiction = Jurisdiction::kEU;
       },
       std::nullopt},
  };
  return table;
}

const std::vector<Case>& tacirCases() {
  static const std::vector<Case> table = {
      {"İYS off: a TACIR without any consent passes (documented limitation)", &tacir, std::nullopt},
      {"İYS off: a TACIR's RET is CONSENT_WITHDRAWN",
       [](Inputs& in) {
         tacir(in);
         in.facts.consent.status = Status::kRet;
       },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"İYS on: a TACIR registered with ONAY passes",
       [](Inputs& in) {
         tacir(in);
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kOnay;
         in.facts.iys_fresh = true;
       },
       std::nullopt},
      {"İYS on: a TACIR İYS does not know is TACIR_NOT_IN_IYS",
       [](Inputs& in) {
         tacir(in);
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kNotFound;
         in.facts.iys_fresh = true;
       },
       Decision::deny(Reason::kTacirNotInIys, kCommercial)},
      {"İYS on: a TACIR never checked is TACIR_NOT_IN_IYS",
       [](Inputs& in) {
         tacir(in);
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kUnknown;
       },
       Decision::deny(Reason::kTacirNotInIys, kCommercial)},
      {"İYS on: a TACIR with RET in İYS is IYS_NO_CONSENT (rule 12's IYS_RET)",
       [](Inputs& in) {
         tacir(in);
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kRet;
         in.facts.iys_fresh = true;
       },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"İYS on: our own RET wins over İYS's ONAY",
       [](Inputs& in) {
         tacir(in);
         in.facts.consent.status = Status::kRet;
         in.policy.iys_enabled = true;
         in.facts.iys_status = Iys::kOnay;
         in.facts.iys_fresh = true;
       },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"a TACIR's ONAY is not held to the BIREYSEL record checks",
       [](Inputs& in) {
         tacir(in);
         in.facts.consent.status = Status::kOnay;
         in.facts.consent.purpose_scope = {Purpose::kCampaign};
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleConsentTr, Bireysel) { run(bireyselCases(), base, consentTr); }

TEST(RuleConsentTr, Tacir) { run(tacirCases(), base, consentTr); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
