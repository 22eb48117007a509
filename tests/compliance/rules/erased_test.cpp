// Table tests for compliance/rules/erased: ERASED for every class (rule 46).
#include "compliance/rules/erased.h"

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
      {"a subject not erased passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"a subject not erased passes, TRANSACTIONAL",
       [](Inputs& in) { in.purpose_class = kTransactional; }, std::nullopt},
      {"an erased subject is denied, COMMERCIAL", [](Inputs& in) { in.facts.erased = true; },
       Decision::deny(Reason::kErased, kCommercial)},
      {"an erased subject is denied, TRANSACTIONAL too",
       [](Inputs& in) {
         in.facts.erased = true;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kErased, kTransactional)},
      {"an ONAY left on record after erasure does not help",
       [](Inputs& in) {
         in.facts.erased = true;
         in.facts.consent.status = ConsentState::Status::kOnay;
         in.facts.consent.event_id = 9;
       },
       Decision::deny(Reason::kErased, kCommercial)},
  };
  return table;
}

TEST(RuleErased, Table) { run(cases(), base, erased); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
