// Table tests for compliance/rules/block_all: BLOCKED for every class, and only for the block-all
// flag (rule 29).
#include "compliance/rules/block_all.h"

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
  in.facts.consent.status = ConsentState::Status::kOnay;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"no block-all flag passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"no block-all flag passes, TRANSACTIONAL",
       [](Inputs& in) { in.purpose_class = kTransactional; }, std::nullopt},
      {"a block-all RET is denied, COMMERCIAL",
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.facts.consent.block_all = true;
       },
       Decision::deny(Reason::kBlocked, kCommercial)},
      {"a block-all RET stops TRANSACTIONAL too (rule 29)",
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.facts.consent.block_all = true;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kBlocked, kTransactional)},
      {"a plain RET is not a block: TRANSACTIONAL keeps flowing",
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"a plain RET is left to the consent rules, COMMERCIAL",
       [](Inputs& in) { in.facts.consent.status = ConsentState::Status::kRet; }, std::nullopt},
  };
  return table;
}

TEST(RuleBlockAll, Table) { run(cases(), base, blockAll); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
