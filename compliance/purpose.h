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
  // opt_out_confirmation: the reply that confirms a withdrawal (Meta lists it
  // as a utility use case). Built in, not a [template.*] purpose.
  kOptOutConfirmation,
};

enum class PurposeClass { kTransactional, kCommercial };

// The name of the built-in free-form reply that confirms an opt-out
// (purpose kOptOutConfirmation, text from [compliance] opt_out_confirmation);
// reserved: no [template.*] may take it.
inline constexpr std::string_view kOptOutConfirmationTemplate = "opt_out_confirmation";

// Meta's template category (whatsapp-cloud-api.md).
enum class TemplateCategory { kMarketing, kUtility, kAuthentication };

// Rules 1-3 and 39: abandoned cart, win-back, loyalty, campaign, greeting and
// review request are COMMERCIAL whatever the template says; order update,
// shipping, payment and the opt-out confirmation are TRANSACTIONAL unless the
// template's Meta category is MARKETING.
PurposeClass classifyPurpose(Purpose purpose, TemplateCategory category);

std::string_view toString(Purpose purpose);
std::optional<Purpose> parsePurpose(std::string_view text);
std::string_view toString(PurposeClass purpose_class);  // TRANSACTIONAL | COMMERCIAL
std::string_view toString(TemplateCategory category);   // MARKETING | UTILITY | AUTHENTICATION
std::optional<TemplateCategory> parseTemplateCategory(std::string_view text);

}  // namespace cartrelay::compliance
