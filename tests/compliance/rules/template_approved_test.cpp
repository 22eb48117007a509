// Table tests for compliance/rules/template_approved: TEMPLATE_NOT_APPROVED for every class (rule
// 38).
#include "compliance/rules/template_approved.h"

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
  in.intent.message_template =
      MessageTemplate{"cart_reminder_1", TemplateCategory::kMarketing, true};
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"an approved template passes, COMMERCIAL", [](Inputs&) {}, std::nullopt},
      {"an approved template passes, TRANSACTIONAL",
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kUtility;
         in.purpose_class = kTransactional;
       },
       std::nullopt},
      {"a template is approved unless said otherwise",
       [](Inputs& in) { in.intent.message_template = MessageTemplate{}; }, std::nullopt},
      {"an unapproved template is denied, COMMERCIAL",
       [](Inputs& in) { in.intent.message_template.approved = false; },
       Decision::deny(Reason::kTemplateNotApproved, kCommercial)},
      {"an unapproved template is denied, TRANSACTIONAL too",
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kUtility;
         in.intent.message_template.approved = false;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kTemplateNotApproved, kTransactional)},
  };
  return table;
}

TEST(RuleTemplateApproved, Table) { run(cases(), base, templateApproved); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
