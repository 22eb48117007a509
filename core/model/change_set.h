#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/cart.h"
#include "core/model/customer.h"
#include "core/model/order.h"
#include "core/model/product.h"

namespace cartrelay::core::model {

// What one inbox event says about a shop, in the normalised model: the output
// of a connector's pure mapping (raw body + headers in) and the input of the
// inbox applier (core/inbox), which resolves references, upserts and emits
// domain events. Store ids (`id`, `shop_id`, `customer_id`) are left 0/empty by
// mappers; the applier fills them.
//
// A customer reference ("who is this about") is a Customer carrying whatever
// identity the payload had: platform_customer_id when the platform knows the
// customer, else only phone/e-mail (a guest). The applier finds or creates
// the customer from it. A reference with no platform id, no phone and no
// e-mail means "nobody known" and is ignored.

// A cart or checkout plus the buyer it belongs to, if any.
struct CartChange {
  Cart cart;  // customer_id ignored; state as the platform reported it
  std::optional<Customer> buyer;
};

// An order plus its buyer. The applier links the order to its cart through
// order.checkout_token / order.cart_token (Shopify) or the cart whose
// platform_cart_id equals the checkout_token (WooCommerce order id).
struct OrderChange {
  Order order;
  std::optional<Customer> buyer;
};

// What a platform said about marketing consent: evidence for the compliance
// ledger, never consent by itself.
struct ConsentObservation {
  Customer subject;            // identity only (platform id / phone / e-mail)
  std::string channel;         // "whatsapp" | "sms" | "email"
  std::string state;           // the platform's word, lower case: "subscribed", "unsubscribed", ...
  std::string opt_in_level;    // "single_opt_in" | "confirmed_opt_in" | "unknown" | ""
  std::string collected_from;  // the platform's capture point ("SHOPIFY", "OTHER", meta key, ...)
  std::string
      source;  // which field said it: "shopify:customers_whats_app_marketing_consent/update"
  std::int64_t observed_at_ms = 0;  // when the platform says it changed (UTC epoch ms)

  bool operator==(const ConsentObservation&) const = default;
};

enum class SubjectRequestKind { kDataRequest, kCustomerRedact, kShopRedact };

// A platform's data-subject request (Shopify customers/data_request,
// customers/redact, shop/redact), stored as an event for the compliance side.
struct SubjectRequest {
  SubjectRequestKind kind = SubjectRequestKind::kDataRequest;
  Customer subject;  // empty for kShopRedact
  std::string request_id;
  std::vector<std::string> platform_order_ids;

  bool operator==(const SubjectRequest&) const = default;
};

enum class DeletionKind { kCart, kOrder, kCustomer };

// The platform deleted something (checkouts/delete, orders/delete, ...).
struct Deletion {
  DeletionKind kind = DeletionKind::kCart;
  std::string platform_id;  // may be empty for kCart when cart_token is set
  // kCart: Shopify checkouts/delete names the cart token, not the checkout
  // token; the applier matches on it when platform_id is empty.
  std::string cart_token;
  std::int64_t deleted_at_ms = 0;  // 0 = when processed

  bool operator==(const Deletion&) const = default;
};

struct ChangeSet {
  std::vector<Customer> customers;
  std::vector<CartChange> carts;
  std::vector<OrderChange> orders;
  std::vector<Product> products;
  std::vector<ConsentObservation> consents;
  std::vector<SubjectRequest> subject_requests;
  std::vector<Deletion> deletions;
  // Set when the event is understood but deliberately changes nothing (a
  // topic cartrelay does not use, a WooCommerce draft without contact data):
  // the inbox marks it done with this note.
  std::string ignored_because;

  bool empty() const {
    return customers.empty() && carts.empty() && orders.empty() && products.empty() &&
           consents.empty() && subject_requests.empty() && deletions.empty();
  }
};

}  // namespace cartrelay::core::model
