#pragma once

#include <optional>
#include <string_view>

// What a message is for, and whether that makes it commercial
// (compliance-rules.md rules 1-3 and 39). The string forms are config values
// and audit codes: stable, only ever extended.
namespace cartrelay::compliance {

enum class Purpose {
  kOrderUpdate,    // order_update
  kShipping,       // shipping
  kPayment,        // payment
  kAbandonedCart,  // abandoned_cart
  kReviewRequest,  // review_request
  kWinback,        // winback
  kLoyalty,        // loyalty
  kCampaign,       // campaign
  kGreeting,       // greeting: birthdays and celebrations (rule 2: commercial)
};

enum class PurposeClass { kTransactional, kCommercial };

// Meta's template category (whatsapp-cloud-api.md).
enum class TemplateCategory { kMarketing, kUtility, kAuthentication };

// Rules 1-3 and 39: abandoned cart, win-back, loyalty, campaign, greeting and
// review request are COMMERCIAL whatever the template says; order update,
// shipping and payment are TRANSACTIONAL unless the template's Meta category
// is MARKETING.
PurposeClass classifyPurpose(Purpose purpose, TemplateCategory category);

std::string_view toString(Purpose purpose);
std::optional<Purpose> parsePurpose(std::string_view text);
std::string_view toString(PurposeClass purpose_class);  // TRANSACTIONAL | COMMERCIAL
std::string_view toString(TemplateCategory category);   // MARKETING | UTILITY | AUTHENTICATION
std::optional<TemplateCategory> parseTemplateCategory(std::string_view text);

}  // namespace cartrelay::compliance
