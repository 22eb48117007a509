// Table tests for compliance/rules/service_window: a free-form message only
// inside the 24-hour customer service window (rule 38), for every class.
#include "compliance/rules/service_window.h"

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
  in.intent.purpose = Purpose::kOptOutConfirmation;
  in.intent.message_template.name = "opt_out_confirmation";
  in.intent.message_template.category = TemplateCategory::kUtility;
  in.intent.message_template.free_form = true;
  in.purpose_class = kTransactional;
  in.facts.last_inbound_at = kNow - 60'000;  // wrote a minute ago
  return in;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"a reply a minute after the user wrote passes", [](Inputs&) {}, std::nullopt},
      {"just inside the window passes",
       [](Inputs& in) { in.facts.last_inbound_at = kNow - kServiceWindowMs + 1; }, std::nullopt},
      {"exactly 24 h later the window is closed",
       [](Inputs& in) { in.facts.last_inbound_at = kNow - kServiceWindowMs; },
       Decision::deny(Reason::kOutsideServiceWindow, kTransactional)},
      {"a user who never wrote has no window", [](Inputs& in) { in.facts.last_inbound_at.reset(); },
       Decision::deny(Reason::kOutsideServiceWindow, kTransactional)},
      {"COMMERCIAL free-form is held to the window too",
       [](Inputs& in) {
         in.facts.last_inbound_at = kNow - 2 * kServiceWindowMs;
         in.purpose_class = kCommercial;
       },
       Decision::deny(Reason::kOutsideServiceWindow, kCommercial)},
      {"a template needs no window",
       [](Inputs& in) {
         in.intent.message_template.free_form = false;
         in.facts.last_inbound_at.reset();
       },
       std::nullopt},
  };
  return table;
}

TEST(RuleServiceWindow, Table) { run(cases(), base, serviceWindow); }

}  // namespace
}  // namespace cartrelay::compliance::rules::table
