// Table tests for compliance/rules/transfer_basis: TRANSFER_BASIS_MISSING for every TR send (rule
// 49).
#include "compliance/rules/transfer_basis.h"

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
  in.policy.jurisdiction = Jurisdiction::kTR;
  in.policy.transfer_basis = "standard_contract_2024-09";
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"TR with a recorded basis passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"TR with a recorded basis passes, TRANSACTIONAL",
       [](Inputs& in) { in.purpose_class = kTransactional; }, std::nullopt},
      {"TR without a basis is denied, COMMERCIAL",
       [](Inputs& in) { in.policy.transfer_basis.clear(); },
       Decision::deny(Reason::kTransferBasisMissing, kCommercial)},
      {"TR without a basis is denied, TRANSACTIONAL too (every send goes abroad)",
       [](Inputs& in) {
         in.policy.transfer_basis.clear();
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kTransferBasisMissing, kTransactional)},
      {"TR with only blanks recorded is denied",
       [](Inputs& in) { in.policy.transfer_basis = " \t "; },
       Decision::deny(Reason::kTransferBasisMissing, kCommercial)},
      {"the default policy (TR, nothing recorded) is denied",
       [](Inputs& in) { in.policy = GatePolicy{}; },
       Decision::deny(Reason::kTransferBasisMissing, kCommercial)},
      {"EU without a basis passes (not a gate condition there, rule 50)",
       [](Inputs& in) {
         in.policy.jurisdiction = Jurisdiction::kEU;
         in.policy.transfer_basis.clear();
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleTransferBasis, Table) { run(cases(), base, transferBasis); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
