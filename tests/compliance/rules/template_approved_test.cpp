// Table tests for compliance/rules/template_approved: TEMPLATE_NOT_APPROVED and
// TEMPLATE_PAUSED for every class (rule 38).
#include "compliance/rules/template_approved.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/reason.h"
#include "compliance/whatsapp_templates.h"
#include "tests/compliance/rules/rule_table.h"

namespace cartrelay::compliance::rules::table {
namespace {

Inputs base() {
  Inputs in;
  in.facts.phone_valid = true;
  in.intent.message_template = MessageTemplate{"cart_reminder_1", TemplateCategory::kMarketing,
                                               TemplateAvailability::kApproved};
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
       [](Inputs& in) {
         in.intent.message_template.availability = TemplateAvailability::kNotApproved;
       },
       Decision::deny(Reason::kTemplateNotApproved, kCommercial)},
      {"an unapproved template is denied, TRANSACTIONAL too",
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kUtility;
         in.intent.message_template.availability = TemplateAvailability::kNotApproved;
         in.purpose_class = kTransactional;
       },
       Decision::deny(Reason::kTemplateNotApproved, kTransactional)},
      {"a paused template defers, COMMERCIAL",
       [](Inputs& in) { in.intent.message_template.availability = TemplateAvailability::kPaused; },
       Decision::defer(Reason::kTemplatePaused, kNow + kTemplatePausedRetryMs, kCommercial)},
      {"a paused template defers TRANSACTIONAL too",
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kUtility;
         in.intent.message_template.availability = TemplateAvailability::kPaused;
         in.purpose_class = kTransactional;
       },
       Decision::defer(Reason::kTemplatePaused, kNow + kTemplatePausedRetryMs, kTransactional)},
  };
  return table;
}

TEST(RuleTemplateApproved, Table) { run(cases(), base, templateApproved); }

// What the registry's Meta statuses become (compliance/whatsapp_templates.h).
TEST(TemplateAvailability, MetaStatusesMapOntoSendability) {
  EXPECT_EQ(availabilityOf("APPROVED"), TemplateAvailability::kApproved);
  EXPECT_EQ(availabilityOf("REJECTED"), TemplateAvailability::kNotApproved);
  EXPECT_EQ(availabilityOf("DELETED"), TemplateAvailability::kNotApproved);
  for (const char* held : {"PAUSED", "DISABLED", "PENDING", "IN_APPEAL", "UNKNOWN", "", "NEW"}) {
    EXPECT_EQ(availabilityOf(held), TemplateAvailability::kPaused) << held;
  }
}

}  // namespace
}  // namespace cartrelay::compliance::rules::table
