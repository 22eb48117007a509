// Table tests for compliance/rules/consent_eu: the EU basis: consent or soft opt-in (rules 21, 22,
// 24).
#include "compliance/rules/consent_eu.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

using Status = ConsentState::Status;

// An EU recipient in Germany with an ONAY for every purpose; the soft opt-in
// is enabled for DE.
Inputs base() {
  Inputs in;
  in.intent.purpose = Purpose::kWinback;
  in.facts.phone_valid = true;
  in.facts.country = "DE";
  in.facts.consent.status = Status::kOnay;
  in.facts.consent.event_id = 11;
  in.policy.jurisdiction = Jurisdiction::kEU;
  in.policy.soft_optin_countries = {"DE"};
  return in;
}

void noConsent(Inputs& in) { in.facts.consent = ConsentState{}; }

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"an ONAY without a scope limit passes", [](Inputs&) {}, std::nullopt},
      {"an ONAY whose scope holds the purpose passes",
       [](Inputs& in) { in.facts.consent.purpose_scope = {Purpose::kWinback}; }, std::nullopt},
      {"an ONAY whose scope lacks the purpose is OUT_OF_CONSENT_SCOPE",
       [](Inputs& in) { in.facts.consent.purpose_scope = {Purpose::kLoyalty}; },
       Decision::deny(Reason::kOutOfConsentScope, kCommercial)},
      {"TR record checks (name, verification, KVKK notice) do not apply",
       [](Inputs& in) {
         in.facts.consent.complete = false;
         in.facts.consent.verified = false;
         in.facts.consent.kvkk_notice_version.clear();
       },
       std::nullopt},
      {"RET (withdrawal or Art. 21 objection) is CONSENT_WITHDRAWN",
       [](Inputs& in) { in.facts.consent.status = Status::kRet; },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"RET beats a soft opt-in the recipient would otherwise qualify for",
       [](Inputs& in) {
         in.facts.consent.status = Status::kRet;
         in.facts.has_completed_order = true;
       },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"soft opt-in country, completed order: passes",
       [](Inputs& in) {
         noConsent(in);
         in.facts.has_completed_order = true;
       },
       std::nullopt},
      {"soft opt-in country, no completed order: SOFT_OPTIN_NOT_ELIGIBLE", &noConsent,
       Decision::deny(Reason::kSoftOptinNotEligible, kCommercial)},
      {"country without the soft opt-in: NO_CONSENT, even with an order",
       [](Inputs& in) {
         noConsent(in);
         in.facts.country = "FR";
         in.facts.has_completed_order = true;
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"soft opt-in off everywhere (the default): NO_CONSENT",
       [](Inputs& in) {
         noConsent(in);
         in.facts.has_completed_order = true;
         in.policy.soft_optin_countries.clear();
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"unknown country: NO_CONSENT",
       [](Inputs& in) {
         noConsent(in);
         in.facts.country.clear();
         in.facts.has_completed_order = true;
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"country codes match exactly (\"de\" is not \"DE\")",
       [](Inputs& in) {
         noConsent(in);
         in.facts.country = "de";
         in.facts.has_completed_order = true;
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"TRANSACTIONAL needs no marketing basis",
       [](Inputs& in) {
         noConsent(in);
         in.facts.country = "FR";
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"under TR this rule does not apply",
       [](Inputs& in) {
         noConsent(in);
         in.facts.country = "FR";
         in.policy.jurisdiction = Jurisdiction::kTR;
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleConsentEu, Table) { run(cases(), base, consentEu); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
