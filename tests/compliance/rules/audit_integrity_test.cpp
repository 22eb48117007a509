// Table tests for compliance/rules/audit_integrity: AUDIT_INTEGRITY_FAILED for COMMERCIAL only
// (rule 43).
#include "compliance/rules/audit_integrity.h"

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
  in.facts.audit_intact = true;
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"an intact chain passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"an intact chain passes, TRANSACTIONAL",
       [](Inputs& in) { in.purpose_class = kTransactional; }, std::nullopt},
      {"SAFE_MODE denies COMMERCIAL", [](Inputs& in) { in.facts.audit_intact = false; },
       Decision::deny(Reason::kAuditIntegrityFailed, kCommercial)},
      {"SAFE_MODE lets TRANSACTIONAL through",
       [](Inputs& in) {
         in.facts.audit_intact = false;
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"SAFE_MODE denies COMMERCIAL even with a valid ONAY",
       [](Inputs& in) {
         in.facts.audit_intact = false;
         in.facts.consent.status = ConsentState::Status::kOnay;
         in.facts.consent.event_id = 3;
       },
       Decision::deny(Reason::kAuditIntegrityFailed, kCommercial)},
  };
  return table;
}

TEST(RuleAuditIntegrity, Table) { run(cases(), base, auditIntegrity); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
