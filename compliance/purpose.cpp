#include "compliance/purpose.h"

#include <array>
#include <utility>

namespace cartrelay::compliance {
namespace {

constexpr std::array<std::pair<Purpose, std::string_view>, 10> kPurposes = {{
    {Purpose::kOrderUpdate, "order_update"},
    {Purpose::kShipping, "shipping"},
    {Purpose::kPayment, "payment"},
    {Purpose::kAbandonedCart, "abandoned_cart"},
    {Purpose::kReviewRequest, "review_request"},
    {Purpose::kWinback, "winback"},
    {Purpose::kLoyalty, "loyalty"},
    {Purpose::kCampaign, "campaign"},
    {Purpose::kGreeting, "greeting"},
    {Purpose::kOptOutConfirmation, "opt_out_confirmation"},
}};

constexpr std::array<std::pair<TemplateCategory, std::string_view>, 3> kCategories = {{
    {TemplateCategory::kMarketing, "MARKETING"},
    {TemplateCategory::kUtility, "UTILITY"},
    {TemplateCategory::kAuthentication, "AUTHENTICATION"},
}};

}  // namespace

PurposeClass classifyPurpose(Purpose purpose, TemplateCategory category) {
  switch (purpose) {
    case Purpose::kOrderUpdate:
    case Purpose::kShipping:
    case Purpose::kPayment:
    case Purpose::kOptOutConfirmation:
      // Rule 39: Meta's MARKETING category makes the content commercial,
      // whatever the journey calls it.
      return category == TemplateCategory::kMarketing ? PurposeClass::kCommercial
                                                      : PurposeClass::kTransactional;
    case Purpose::kAbandonedCart:
    case Purpose::kReviewRequest:
    case Purpose::kWinback:
    case Purpose::kLoyalty:
    case Purpose::kCampaign:
    case Purpose::kGreeting:
      break;
  }
  // Rule 3 (no sale concluded, or the goal is a new one) and rule 4's
  // conservative default: never downgraded here.
  return PurposeClass::kCommercial;
}

std::string_view toString(Purpose purpose) {
  for (const auto& [value, text] : kPurposes) {
    if (value == purpose) return text;
  }
  return {};
}

std::optional<Purpose> parsePurpose(std::string_view text) {
  for (const auto& [value, name] : kPurposes) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view toString(PurposeClass purpose_class) {
  return purpose_class == PurposeClass::kCommercial ? "COMMERCIAL" : "TRANSACTIONAL";
}

std::string_view toString(TemplateCategory category) {
  for (const auto& [value, text] : kCategories) {
    if (value == category) return text;
  }
  return {};
}

std::optional<TemplateCategory> parseTemplateCategory(std::string_view text) {
  for (const auto& [value, name] : kCategories) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance
