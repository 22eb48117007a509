// Table tests for compliance/rules/invalid_phone: INVALID_PHONE for every class.
#include "compliance/rules/invalid_phone.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"a valid phone passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"a valid phone passes, TRANSACTIONAL", [](Inputs& in) { in.purpose_class = kTransactional; },
       std::nullopt},
      {"an invalid phone is denied, COMMERCIAL", [](Inputs& in) { in.facts.phone_valid = false; },
       Decision::deny(Reason::kInvalidPhone, kCommercial)},
      {"an invalid phone is denied, TRANSACTIONAL too",
       [](Inputs& in) {
         in.facts.phone_valid = false;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kInvalidPhone, kTransactional)},
      {"an ONAY on record does not make the phone valid",
       [](Inputs& in) {
         in.facts.phone_valid = false;
         in.facts.consent.status = ConsentState::Status::kOnay;
       },
       Decision::deny(Reason::kInvalidPhone, kCommercial)},
      {"facts nobody filled in are an invalid phone (fail closed)",
       [](Inputs& in) { in.facts = GateFacts{}; },
       Decision::deny(Reason::kInvalidPhone, kCommercial)},
  };
  return table;
}

TEST(RuleInvalidPhone, Table) { run(cases(), base, invalidPhone); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
