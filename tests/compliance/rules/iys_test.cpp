// Table tests for compliance/rules/iys: the İYS check, fail closed (rule 9).
#include "compliance/rules/iys.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "core/util/clock.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

using Iys = GateFacts::IysStatus;

constexpr core::EpochMillis kRetryAt = kNow + 5 * 60 * 1000;

// TR with İYS on; a BIREYSEL recipient whose fresh İYS status is ONAY.
Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  in.facts.consent.status = ConsentState::Status::kOnay;
  in.facts.consent.recipient_type = RecipientType::kBireysel;
  in.facts.iys_status = Iys::kOnay;
  in.facts.iys_fresh = true;
  in.policy.jurisdiction = Jurisdiction::kTR;
  in.policy.iys_enabled = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"fresh ONAY passes", [](Inputs&) {}, std::nullopt},
      {"fresh RET is IYS_NO_CONSENT", [](Inputs& in) { in.facts.iys_status = Iys::kRet; },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"fresh not-found is IYS_NO_CONSENT",
       [](Inputs& in) { in.facts.iys_status = Iys::kNotFound; },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"fresh but unknown defers five minutes",
       [](Inputs& in) { in.facts.iys_status = Iys::kUnknown; },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"a stale ONAY is not relied on: defer", [](Inputs& in) { in.facts.iys_fresh = false; },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"a stale RET defers too (it may have changed; asking again is cheap)",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"never checked (the GateFacts default) defers",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kUnknown;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"the retry follows now",
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = kNow + 1;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt + 1, kCommercial)},
      {"TACIR: a fresh view passes whatever it says (consentTr checks it)",
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_status = Iys::kNotFound;
       },
       std::nullopt},
      {"TACIR: a stale view defers as well",
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_fresh = false;
       },
       Decision::defer(Reason::kIysUnavailable, kRetryAt, kCommercial)},
      {"İYS off: not checked",
       [](Inputs& in) {
         in.policy.iys_enabled = false;
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
      {"EU: not checked",
       [](Inputs& in) {
         in.policy.jurisdiction = Jurisdiction::kEU;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
      {"TRANSACTIONAL: not checked",
       [](Inputs& in) {
         in.purpose_class = kTransactional;
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleIys, Table) { run(cases(), base, iys); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
