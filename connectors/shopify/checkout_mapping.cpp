#include "connectors/shopify/checkout_mapping.h"

#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/shopify/commerce_fields.h"
#include "connectors/shopify/consent_mapping.h"
#include "connectors/shopify/customer_mapping.h"
#include "connectors/shopify/json_fields.h"
#include "core/util/phone.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::Status;
using core::model::Cart;
using core::model::CartChange;
using core::model::ChangeSet;
using core::model::Customer;

constexpr std::string_view kEmailBoxSource = "shopify:checkout.buyer_accepts_marketing";
constexpr std::string_view kSmsBoxSource = "shopify:checkout.buyer_accepts_sms_marketing";

// The checkout's own contact fields, apart from the buyer reference.
struct CheckoutContact {
  std::string email;
  core::NormalisedPhone phone;
  core::NormalisedPhone sms_phone;  // sms_marketing_phone
};

bool usableEmail(const std::string& email) { return email.find('@') != std::string::npos; }

// The region for numbers typed at checkout: the buyer's address country,
// else the shop's (DESIGN.md "Phones").
Result<std::string> checkoutRegion(const JsonField& root, const PayloadContext& context) {
  for (const char* key : {"billing_address", "shipping_address"}) {
    CARTRELAY_ASSIGN_OR_RETURN(std::string country, root[key]["country_code"].text());
    if (!country.empty()) return core::asciiUpper(country);
  }
  return context.shop.country;
}

Result<CheckoutContact> contactOf(const JsonField& root, const PayloadContext& context) {
  CheckoutContact contact;
  CARTRELAY_ASSIGN_OR_RETURN(contact.email, root["email"].text());
  CARTRELAY_ASSIGN_OR_RETURN(const std::string region, checkoutRegion(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(std::string phone, root["phone"].text());
  contact.phone = core::normalisePhone(phone, region);
  CARTRELAY_ASSIGN_OR_RETURN(std::string sms_phone, root["sms_marketing_phone"].text());
  contact.sms_phone = core::normalisePhone(sms_phone, region);
  return contact;
}

// "Contact captured" is what makes a checkout abandoned in Shopify's sense
// (reference §3): somebody we could reach.
bool contactCaptured(const CheckoutContact& contact, const std::optional<Customer>& buyer) {
  if (usableEmail(contact.email) || contact.phone.valid || contact.sms_phone.valid) return true;
  return buyer && (usableEmail(buyer->email) || buyer->phone_valid);
}

Result<Cart> cartFrom(const JsonField& root, const PayloadContext& context) {
  Cart cart;
  CARTRELAY_ASSIGN_OR_RETURN(cart.platform_cart_id, root["token"].requiredText());
  CARTRELAY_ASSIGN_OR_RETURN(cart.cart_token, root["cart_token"].text());
  CARTRELAY_ASSIGN_OR_RETURN(const std::string currency, currencyOf(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(cart.total, totalOf(root, currency));
  CARTRELAY_ASSIGN_OR_RETURN(auto lines, lineItemsOf(root, currency));
  cart.items = toItems<core::model::CartItem>(lines);
  CARTRELAY_ASSIGN_OR_RETURN(cart.recovery_url, root["abandoned_checkout_url"].text());
  CARTRELAY_ASSIGN_OR_RETURN(auto completed, root["completed_at"].time());
  cart.state = completed ? core::model::CartState::kCompleted : core::model::CartState::kOpen;
  CARTRELAY_ASSIGN_OR_RETURN(auto updated, root["updated_at"].time());
  cart.platform_updated_at_ms = updated.value_or(context.fallback_time_ms);
  CARTRELAY_ASSIGN_OR_RETURN(auto created, root["created_at"].time());
  cart.platform_created_at_ms = created.value_or(cart.platform_updated_at_ms);
  return cart;
}

// Observations are evidence of a ticked box only; an unticked box says nothing.
Status appendTickedBoxes(const JsonField& root, const CheckoutContact& contact,
                         const std::optional<Customer>& buyer, std::int64_t observed_at_ms,
                         std::vector<core::model::ConsentObservation>& out) {
  const Customer base = buyer ? identityOf(*buyer) : Customer();
  CARTRELAY_ASSIGN_OR_RETURN(const bool email_box, root["buyer_accepts_marketing"].flag());
  if (email_box) {
    Customer subject = base;
    if (!contact.email.empty()) subject.email = contact.email;
    if (identifiesSomebody(subject)) {
      out.push_back(
          tickedBoxObservation(subject, "email", std::string(kEmailBoxSource), observed_at_ms));
    }
  }
  CARTRELAY_ASSIGN_OR_RETURN(const bool sms_box, root["buyer_accepts_sms_marketing"].flag());
  if (sms_box) {
    Customer subject = base;
    if (!contact.sms_phone.value.empty()) {
      subject.phone = contact.sms_phone.value;
      subject.phone_valid = contact.sms_phone.valid;
    }
    if (identifiesSomebody(subject)) {
      out.push_back(
          tickedBoxObservation(subject, "sms", std::string(kSmsBoxSource), observed_at_ms));
    }
  }
  return Status::ok();
}

}  // namespace

Result<ChangeSet> mapCheckout(const nlohmann::json& payload, const PayloadContext& context) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  CartChange change;
  CARTRELAY_ASSIGN_OR_RETURN(change.cart, cartFrom(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(change.buyer, buyerOf(root, context));
  CARTRELAY_ASSIGN_OR_RETURN(const CheckoutContact contact, contactOf(root, context));
  change.cart.contact_captured = contactCaptured(contact, change.buyer);

  ChangeSet changes;
  CARTRELAY_RETURN_IF_ERROR(appendTickedBoxes(
      root, contact, change.buyer, change.cart.platform_updated_at_ms, changes.consents));
  if (change.buyer && !root["customer"].isNull()) {
    CARTRELAY_RETURN_IF_ERROR(
        appendCustomerConsents(root["customer"], *change.buyer, context, changes.consents));
  }
  changes.carts.push_back(std::move(change));
  return changes;
}

Result<ChangeSet> mapCheckoutDeletion(const nlohmann::json& payload, const PayloadContext&) {
  const JsonField root(payload, "");
  CARTRELAY_RETURN_IF_ERROR(root.requireObject());
  core::model::Deletion deletion;
  deletion.kind = core::model::DeletionKind::kCart;
  CARTRELAY_ASSIGN_OR_RETURN(deletion.platform_id, root["token"].text());
  CARTRELAY_ASSIGN_OR_RETURN(deletion.cart_token, root["cart_token"].text());
  if (deletion.platform_id.empty() && deletion.cart_token.empty()) {
    return Status::invalidArgument("token, cart_token: missing");
  }
  ChangeSet changes;
  changes.deletions.push_back(std::move(deletion));
  return changes;
}

}  // namespace cartrelay::connectors::shopify
