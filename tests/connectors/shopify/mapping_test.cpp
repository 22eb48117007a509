// Shopify payload mapping against the real samples in shared/fixtures/shopify
// (SOURCES.md says where each comes from). Values asserted here are read off
// the fixtures; times are the fixtures' ISO 8601 values in UTC epoch ms.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/shopify/checkout_mapping.h"
#include "connectors/shopify/customer_mapping.h"
#include "connectors/shopify/event_mapper.h"
#include "connectors/shopify/graphql_mapping.h"
#include "connectors/shopify/order_mapping.h"
#include "connectors/shopify/payload_context.h"
#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "tests/support/fixtures.h"

namespace cartrelay::connectors::shopify {
namespace {

using cartrelay::testing::readFixture;
using core::Result;
using core::Status;
using core::model::CartState;
using core::model::ChangeSet;
using core::model::ConsentObservation;
using core::model::Customer;
using core::model::DeletionKind;
using core::model::InboxEvent;
using core::model::SubjectRequestKind;
using core::ports::MappingContext;
using nlohmann::json;

constexpr std::int64_t kReceivedAt = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
constexpr std::int64_t kTriggeredAt = 1752164147000;     // 2025-07-10T16:15:47Z
constexpr std::int64_t k2021_12_31 = 1640995200000;      // 2021-12-31T19:00:00-05:00
const std::string kTriggeredHeaders =
    R"({"X-Shopify-Topic":"x","X-Shopify-Triggered-At":"2025-07-10T16:15:47.000000Z"})";

const MappingContext kUsShop{"US", "USD", ""};
const MappingContext kTrShop{"TR", "TRY", ""};

InboxEvent eventFor(std::string topic, std::string body, std::string headers = kTriggeredHeaders) {
  InboxEvent event;
  event.source = "demo";
  event.platform = "shopify";
  event.topic = std::move(topic);
  event.headers_json = std::move(headers);
  event.body = std::move(body);
  event.received_at_ms = kReceivedAt;
  return event;
}

Result<ChangeSet> mapBody(const std::string& topic, const std::string& body,
                          const MappingContext& shop = kUsShop) {
  return ShopifyEventMapper().map(eventFor(topic, body), shop);
}

ChangeSet mapOk(const std::string& topic, const std::string& body,
                const MappingContext& shop = kUsShop) {
  Result<ChangeSet> result = mapBody(topic, body, shop);
  EXPECT_TRUE(result.isOk()) << topic << ": " << result.status().toString();
  return result.isOk() ? result.value() : ChangeSet();
}

json fixtureJson(const std::string& name) { return json::parse(readFixture("shopify/" + name)); }

PayloadContext restContext(const MappingContext& shop = kUsShop) {
  PayloadContext context;
  context.shop = shop;
  context.fallback_time_ms = kReceivedAt;
  return context;
}

// Equality for the parts of a ChangeSet that have no operator== of their own.
void expectSameChangeSet(const ChangeSet& a, const ChangeSet& b) {
  EXPECT_EQ(a.customers, b.customers);
  ASSERT_EQ(a.carts.size(), b.carts.size());
  for (std::size_t i = 0; i < a.carts.size(); ++i) {
    EXPECT_EQ(a.carts[i].cart, b.carts[i].cart);
    EXPECT_EQ(a.carts[i].buyer, b.carts[i].buyer);
  }
  ASSERT_EQ(a.orders.size(), b.orders.size());
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    EXPECT_EQ(a.orders[i].order, b.orders[i].order);
    EXPECT_EQ(a.orders[i].buyer, b.orders[i].buyer);
  }
  EXPECT_EQ(a.products, b.products);
  EXPECT_EQ(a.consents, b.consents);
  EXPECT_EQ(a.subject_requests, b.subject_requests);
  EXPECT_EQ(a.deletions, b.deletions);
  EXPECT_EQ(a.ignored_because, b.ignored_because);
}

// A malformed payload is quarantined with a message that names the field and
// leaks none of the personal data in the body.
void expectInvalidWithoutPii(const Result<ChangeSet>& result, const std::string& expected_message,
                             std::initializer_list<std::string> pii) {
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(result.status().message(), expected_message);
  for (const std::string& value : pii) {
    EXPECT_EQ(result.status().message().find(value), std::string::npos) << value;
  }
}

// --- checkouts ---------------------------------------------------------------

TEST(ShopifyMapping, CheckoutCreateFixture) {
  const ChangeSet changes = mapOk("checkouts/create", readFixture("shopify/checkouts_create.json"));
  ASSERT_EQ(changes.carts.size(), 1u);
  EXPECT_TRUE(changes.ignored_because.empty());
  const auto& cart = changes.carts[0].cart;
  EXPECT_EQ(cart.platform_cart_id, "123123123");
  EXPECT_EQ(cart.cart_token, "eeafa272cebfd4b22385bc4b645e762c");
  EXPECT_EQ(cart.total.minor, 42188);
  EXPECT_EQ(cart.total.currency, "USD");
  EXPECT_EQ(
      cart.recovery_url,
      "https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token");
  EXPECT_EQ(cart.state, CartState::kOpen);
  EXPECT_TRUE(cart.contact_captured);  // checkout e-mail
  EXPECT_EQ(cart.platform_created_at_ms, k2021_12_31);
  EXPECT_EQ(cart.platform_updated_at_ms, k2021_12_31);
  ASSERT_EQ(cart.items.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(cart.items[i].line, i);
    EXPECT_EQ(cart.items[i].product_id, "632910392");
    EXPECT_EQ(cart.items[i].variant_id, "808950810");
    EXPECT_EQ(cart.items[i].title, "IPod Nano - 8GB");
    EXPECT_EQ(cart.items[i].quantity, 1);
    EXPECT_EQ(cart.items[i].unit_price_minor, 19900);
  }

  ASSERT_TRUE(changes.carts[0].buyer.has_value());
  const Customer& buyer = *changes.carts[0].buyer;
  EXPECT_EQ(buyer.platform_customer_id, "603851970716743426");
  EXPECT_EQ(buyer.email, "john@example.com");
  EXPECT_EQ(buyer.first_name, "John");
  EXPECT_EQ(buyer.last_name, "Smith");
  EXPECT_EQ(buyer.phone, "");
  EXPECT_EQ(buyer.address.address1, "123 Elm St.");
  EXPECT_EQ(buyer.address.city, "Ottawa");
  EXPECT_EQ(buyer.address.province, "Ontario");
  EXPECT_EQ(buyer.address.postal_code, "K2H7A8");
  EXPECT_EQ(buyer.address.country_code, "CA");
  // The nested customer has "updated_at": null: the delivery's trigger time stands in.
  EXPECT_EQ(buyer.platform_updated_at_ms, kTriggeredAt);
  // Both marketing boxes are false in the sample: no evidence either way.
  EXPECT_TRUE(changes.consents.empty());
}

TEST(ShopifyMapping, CheckoutUpdateFixtureMapsLikeCreate) {
  const ChangeSet create = mapOk("checkouts/create", readFixture("shopify/checkouts_create.json"));
  const ChangeSet update = mapOk("checkouts/update", readFixture("shopify/checkouts_update.json"));
  expectSameChangeSet(create, update);
}

TEST(ShopifyMapping, CheckoutCompletedAndTickedBoxes) {
  json body = fixtureJson("checkouts_create.json");
  body["completed_at"] = "2022-01-01T01:00:00Z";
  body["buyer_accepts_marketing"] = true;
  body["buyer_accepts_sms_marketing"] = true;
  body["sms_marketing_phone"] = "+1 613 612 0707";
  const ChangeSet changes = mapOk("checkouts/update", body.dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  EXPECT_EQ(changes.carts[0].cart.state, CartState::kCompleted);
  ASSERT_EQ(changes.consents.size(), 2u);
  const ConsentObservation& email = changes.consents[0];
  EXPECT_EQ(email.channel, "email");
  EXPECT_EQ(email.state, "subscribed");
  EXPECT_EQ(email.source, "shopify:checkout.buyer_accepts_marketing");
  EXPECT_EQ(email.subject.platform_customer_id, "603851970716743426");
  EXPECT_EQ(email.subject.email, "example@email.com");  // the address typed at checkout
  EXPECT_EQ(email.observed_at_ms, k2021_12_31);
  const ConsentObservation& sms = changes.consents[1];
  EXPECT_EQ(sms.channel, "sms");
  EXPECT_EQ(sms.state, "subscribed");
  EXPECT_EQ(sms.source, "shopify:checkout.buyer_accepts_sms_marketing");
  EXPECT_EQ(sms.subject.phone, "+16136120707");
  EXPECT_TRUE(sms.subject.phone_valid);
}

TEST(ShopifyMapping, CheckoutWithoutAnyContactIsNotCaptured) {
  json body = fixtureJson("checkouts_create.json");
  body["email"] = nullptr;
  body["customer"] = nullptr;
  body["billing_address"]["phone"] = nullptr;
  body["shipping_address"]["phone"] = nullptr;
  const ChangeSet changes = mapOk("checkouts/update", body.dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  EXPECT_FALSE(changes.carts[0].cart.contact_captured);
  EXPECT_FALSE(changes.carts[0].buyer.has_value());
}

TEST(ShopifyMapping, CheckoutDeleteFixture) {
  const ChangeSet changes = mapOk("checkouts/delete", readFixture("shopify/checkouts_delete.json"));
  ASSERT_EQ(changes.deletions.size(), 1u);
  EXPECT_EQ(changes.deletions[0].kind, DeletionKind::kCart);
  EXPECT_EQ(changes.deletions[0].platform_id, "");  // the sample has no token
  EXPECT_EQ(changes.deletions[0].cart_token, "eeafa272cebfd4b22385bc4b645e762c");
  EXPECT_EQ(changes.deletions[0].deleted_at_ms, 0);
}

TEST(ShopifyMapping, RestCheckoutMapsThroughTheWebhookFunction) {
  const json rest = fixtureJson("rest_2025-07_get_checkouts.json");
  const Result<ChangeSet> result = mapCheckout(rest["checkouts"][0], restContext());
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  ASSERT_EQ(result->carts.size(), 1u);
  const auto& cart = result->carts[0].cart;
  EXPECT_EQ(cart.platform_cart_id, "2a1ace52255252df566af0faaedfbfa7");
  EXPECT_EQ(cart.cart_token, "68778783ad298f1c80c3bafcddeea02f");
  EXPECT_EQ(cart.total.minor, 37969);
  EXPECT_EQ(cart.platform_updated_at_ms, 1350039927000);  // 2012-10-12T07:05:27-04:00
  ASSERT_EQ(cart.items.size(), 2u);
  EXPECT_EQ(cart.items[0].variant_id, "49148385");
  EXPECT_EQ(cart.items[1].variant_id, "808950810");
  EXPECT_EQ(cart.items[1].unit_price_minor, 19900);
  ASSERT_TRUE(result->carts[0].buyer.has_value());
  const Customer& buyer = *result->carts[0].buyer;
  EXPECT_EQ(buyer.platform_customer_id, "207119551");
  EXPECT_EQ(buyer.phone, "+16136120707");
  EXPECT_TRUE(buyer.phone_valid);
  EXPECT_EQ(buyer.platform_updated_at_ms, 1751474295000);  // 2025-07-02T11:38:15-05:00
}

// --- orders ------------------------------------------------------------------

TEST(ShopifyMapping, OrderCreateFixture) {
  const ChangeSet changes = mapOk("orders/create", readFixture("shopify/orders_create.json"));
  ASSERT_EQ(changes.orders.size(), 1u);
  const auto& order = changes.orders[0].order;
  EXPECT_EQ(order.platform_order_id, "820982911946154508");
  EXPECT_EQ(order.name, "#9999");
  EXPECT_EQ(order.checkout_token, "");
  EXPECT_EQ(order.cart_token, "");
  EXPECT_EQ(order.total.minor, 40495);
  EXPECT_EQ(order.total.currency, "USD");
  EXPECT_EQ(order.financial_status, "voided");
  EXPECT_EQ(order.fulfillment_status, "");
  EXPECT_EQ(order.placed_at_ms, k2021_12_31);
  EXPECT_EQ(order.cancelled_at_ms, k2021_12_31);
  EXPECT_EQ(order.platform_updated_at_ms, k2021_12_31);
  ASSERT_EQ(order.items.size(), 5u);
  EXPECT_EQ(order.items[0].product_id, "788032119674292922");
  EXPECT_EQ(order.items[0].variant_id, "");
  EXPECT_EQ(order.items[0].title, "Aviator sunglasses");
  EXPECT_EQ(order.items[0].unit_price_minor, 8999);
  EXPECT_EQ(order.items[1].product_id, "");  // a custom line: product_id null
  EXPECT_EQ(order.items[4].line, 4);
  EXPECT_EQ(order.items[4].unit_price_minor, 11999);

  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  EXPECT_EQ(changes.orders[0].buyer->platform_customer_id, "115310627314723954");
  EXPECT_EQ(changes.orders[0].buyer->email, "john@example.com");

  ASSERT_EQ(changes.consents.size(), 1u);  // buyer_accepts_marketing: true
  const ConsentObservation& email = changes.consents[0];
  EXPECT_EQ(email.channel, "email");
  EXPECT_EQ(email.state, "subscribed");
  EXPECT_EQ(email.source, "shopify:order.buyer_accepts_marketing");
  EXPECT_EQ(email.subject.platform_customer_id, "115310627314723954");
  EXPECT_EQ(email.subject.email, "jon@example.com");
  EXPECT_EQ(email.observed_at_ms, k2021_12_31);
}

TEST(ShopifyMapping, EveryOrderTopicMapsTheFullOrder) {
  const std::string body = readFixture("shopify/orders_create.json");
  const ChangeSet expected = mapOk("orders/create", body);
  for (const char* topic : {"orders/updated", "orders/paid", "orders/fulfilled",
                            "orders/partially_fulfilled", "orders/cancelled", "orders/edited"}) {
    SCOPED_TRACE(topic);
    expectSameChangeSet(mapOk(topic, body), expected);
  }
}

TEST(ShopifyMapping, OrderEditDeltaIsIgnored) {
  const ChangeSet changes =
      mapOk("orders/edited", R"({"order_edit":{"id":78912328,"order_id":820982911946154508,
                          "line_items":{"additions":[],"removals":[]}}})");
  EXPECT_TRUE(changes.empty());
  EXPECT_FALSE(changes.ignored_because.empty());
}

TEST(ShopifyMapping, LegacyHmacVectorBodyMapsAsOrderCreate) {
  const ChangeSet changes =
      mapOk("orders/create", readFixture("shopify/hmac_vector_body_orders_create_legacy.json"));
  ASSERT_EQ(changes.orders.size(), 1u);
  const auto& order = changes.orders[0].order;
  EXPECT_EQ(order.platform_order_id, "820982911946154508");
  EXPECT_EQ(order.total.minor, 5798);
  EXPECT_EQ(order.fulfillment_status, "pending");
  EXPECT_EQ(order.placed_at_ms, 1500313449000);  // processed_at null -> created_at
  EXPECT_EQ(order.cancelled_at_ms, 1500313449000);
  ASSERT_EQ(order.items.size(), 2u);
  EXPECT_EQ(order.items[0].product_id, "11033547284");
  EXPECT_EQ(order.items[0].unit_price_minor, 2499);
  EXPECT_EQ(order.items[1].unit_price_minor, 2799);
  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  EXPECT_EQ(changes.orders[0].buyer->email, "john@test.com");
  ASSERT_EQ(changes.consents.size(), 1u);
  EXPECT_EQ(changes.consents[0].subject.email, "jon@doe.ca");
}

TEST(ShopifyMapping, RestOrderMapsThroughTheWebhookFunction) {
  const json rest = fixtureJson("rest_2025-07_get_order.json");
  const Result<ChangeSet> result = mapOrder(rest["order"], restContext());
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  ASSERT_EQ(result->orders.size(), 1u);
  const auto& order = result->orders[0].order;
  EXPECT_EQ(order.platform_order_id, "450789469");
  EXPECT_EQ(order.name, "#1001");
  EXPECT_EQ(order.checkout_token, "bd5a8aa1ecd019dd3520ff791ee3a24c");
  EXPECT_EQ(order.cart_token, "68778783ad298f1c80c3bafcddeea02f");
  EXPECT_EQ(order.total.minor, 59894);
  EXPECT_EQ(order.financial_status, "partially_refunded");
  EXPECT_EQ(order.placed_at_ms, 1199980800000);  // 2008-01-10T11:00:00-05:00
  EXPECT_FALSE(order.cancelled_at_ms.has_value());
  EXPECT_EQ(order.items.size(), 3u);
  ASSERT_TRUE(result->orders[0].buyer.has_value());
  EXPECT_EQ(result->orders[0].buyer->platform_customer_id, "207119551");
  // buyer_accepts_marketing is false; the customer object's two consent objects remain.
  ASSERT_EQ(result->consents.size(), 2u);
  EXPECT_EQ(result->consents[0].source, "shopify:customer.email_marketing_consent");
  EXPECT_EQ(result->consents[1].source, "shopify:customer.sms_marketing_consent");
}

TEST(ShopifyMapping, OrderDeleteFixture) {
  const ChangeSet changes = mapOk("orders/delete", readFixture("shopify/orders_delete.json"));
  ASSERT_EQ(changes.deletions.size(), 1u);
  EXPECT_EQ(changes.deletions[0].kind, DeletionKind::kOrder);
  EXPECT_EQ(changes.deletions[0].platform_id, "820982911946154508");
}

TEST(ShopifyMapping, GuestOrderBuyerFromEmailPhoneAndBillingAddress) {
  json body = fixtureJson("orders_create.json");
  body["customer"] = nullptr;
  body["email"] = nullptr;  // contact_email remains
  body["phone"] = "+1 (502) 459-2181";
  const ChangeSet changes = mapOk("orders/paid", body.dump());
  ASSERT_EQ(changes.orders.size(), 1u);
  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  const Customer& guest = *changes.orders[0].buyer;
  EXPECT_EQ(guest.platform_customer_id, "");
  EXPECT_EQ(guest.email, "jon@example.com");
  EXPECT_EQ(guest.phone, "+15024592181");
  EXPECT_EQ(guest.first_name, body["billing_address"]["first_name"].get<std::string>());
  EXPECT_EQ(guest.platform_updated_at_ms, 0);
}

TEST(ShopifyMapping, RedactedCustomerObjectFallsBackToTheOrdersOwnContact) {
  json body = fixtureJson("orders_create.json");
  body["customer"] = {{"id", nullptr}, {"email", nullptr}, {"phone", nullptr}};
  const ChangeSet changes = mapOk("orders/updated", body.dump());
  ASSERT_EQ(changes.orders.size(), 1u);
  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  EXPECT_EQ(changes.orders[0].buyer->platform_customer_id, "");
  EXPECT_EQ(changes.orders[0].buyer->email, "jon@example.com");
}

// --- customers, consent, compliance ------------------------------------------

TEST(ShopifyMapping, CustomerCreateAndUpdateFixtures) {
  for (const char* topic : {"customers/create", "customers/update"}) {
    SCOPED_TRACE(topic);
    const std::string file = std::string("shopify/") + (topic == std::string("customers/create")
                                                            ? "customers_create.json"
                                                            : "customers_update.json");
    const ChangeSet changes = mapOk(topic, readFixture(file));
    ASSERT_EQ(changes.customers.size(), 1u);
    const Customer& customer = changes.customers[0];
    EXPECT_EQ(customer.platform_customer_id, "706405506930370084");
    EXPECT_EQ(customer.email, "bob@biller.com");
    EXPECT_EQ(customer.first_name, "Bob");
    EXPECT_EQ(customer.last_name, "Biller");
    EXPECT_EQ(customer.phone, "");
    EXPECT_EQ(customer.address.address1, "151 O'Connor Street");
    EXPECT_EQ(customer.address.city, "Ottawa");
    EXPECT_EQ(customer.address.province, "ON");
    EXPECT_EQ(customer.address.postal_code, "K2P 2L8");
    EXPECT_EQ(customer.address.country_code, "CA");
    EXPECT_TRUE(customer.tags.empty());
    EXPECT_EQ(customer.platform_updated_at_ms, k2021_12_31);
    EXPECT_TRUE(changes.consents.empty());  // the 2026-07 sample has no consent objects
  }
}

TEST(ShopifyMapping, RestCustomerMapsThroughTheWebhookFunction) {
  const json rest = fixtureJson("rest_2025-07_get_customer.json");
  const Result<ChangeSet> result = mapCustomer(rest["customer"], restContext());
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  ASSERT_EQ(result->customers.size(), 1u);
  const Customer& customer = result->customers[0];
  EXPECT_EQ(customer.platform_customer_id, "207119551");
  EXPECT_EQ(customer.phone, "+16136120707");
  EXPECT_TRUE(customer.phone_valid);
  EXPECT_EQ(customer.tags, (std::vector<std::string>{"Léon", "Noël"}));
  EXPECT_EQ(customer.address.city, "Louisville");
  EXPECT_EQ(customer.address.postal_code, "40202");
  EXPECT_EQ(customer.address.country_code, "US");
  EXPECT_EQ(customer.platform_updated_at_ms, 1751473558000);  // 2025-07-02T11:25:58-05:00

  ASSERT_EQ(result->consents.size(), 2u);
  const ConsentObservation& email = result->consents[0];
  EXPECT_EQ(email.channel, "email");
  EXPECT_EQ(email.state, "not_subscribed");
  EXPECT_EQ(email.opt_in_level, "");
  EXPECT_EQ(email.observed_at_ms, 1087142231000);  // 2004-06-13T11:57:11-04:00
  EXPECT_EQ(email.subject.platform_customer_id, "207119551");
  const ConsentObservation& sms = result->consents[1];
  EXPECT_EQ(sms.channel, "sms");
  EXPECT_EQ(sms.state, "not_subscribed");
  EXPECT_EQ(sms.opt_in_level, "single_opt_in");
  EXPECT_EQ(sms.collected_from, "OTHER");
  EXPECT_EQ(sms.observed_at_ms, 1704110400000);  // 2024-01-01T07:00:00-05:00
  EXPECT_EQ(sms.source, "shopify:customer.sms_marketing_consent");
}

TEST(ShopifyMapping, CustomerDeleteFixture) {
  const ChangeSet changes = mapOk("customers/delete", readFixture("shopify/customers_delete.json"));
  ASSERT_EQ(changes.deletions.size(), 1u);
  EXPECT_EQ(changes.deletions[0].kind, DeletionKind::kCustomer);
  EXPECT_EQ(changes.deletions[0].platform_id, "706405506930370084");
}

TEST(ShopifyMapping, EmailConsentFixture) {
  const ChangeSet changes =
      mapOk("customers_email_marketing_consent/update",
            readFixture("shopify/customers_email_marketing_consent_update.json"));
  ASSERT_EQ(changes.consents.size(), 1u);
  const ConsentObservation& o = changes.consents[0];
  EXPECT_EQ(o.channel, "email");
  EXPECT_EQ(o.state, "not_subscribed");
  EXPECT_EQ(o.opt_in_level, "");
  EXPECT_EQ(o.subject.platform_customer_id, "706405506930370084");
  EXPECT_EQ(o.subject.email, "bob@biller.com");
  EXPECT_EQ(o.source, "shopify:customers_email_marketing_consent/update");
  EXPECT_EQ(o.observed_at_ms, kTriggeredAt);  // consent_updated_at is null
}

// The published SMS and WhatsApp samples carry "state": null: nothing to observe.
TEST(ShopifyMapping, ConsentFixturesWithNullStateAreIgnored) {
  for (const auto& [topic, file] : std::vector<std::pair<std::string, std::string>>{
           {"customers_marketing_consent/update", "customers_marketing_consent_update.json"},
           {"customers_whats_app_marketing_consent/update",
            "customers_whats_app_marketing_consent_update.json"}}) {
    SCOPED_TRACE(topic);
    const ChangeSet changes = mapOk(topic, readFixture("shopify/" + file));
    EXPECT_TRUE(changes.empty());
    EXPECT_FALSE(changes.ignored_because.empty());
  }
}

TEST(ShopifyMapping, WhatsAppConsentWithTurkishNumber) {
  json body = fixtureJson("customers_whats_app_marketing_consent_update.json");
  body["phone_number"] = "0532 123 45 67";
  body["whats_app_marketing_consent"]["state"] = "SUBSCRIBED";
  body["whats_app_marketing_consent"]["opt_in_level"] = "CONFIRMED_OPT_IN";
  body["whats_app_marketing_consent"]["updated_at"] = "2026-07-01T10:00:00Z";
  const ChangeSet changes =
      mapOk("customers_whats_app_marketing_consent/update", body.dump(), kTrShop);
  ASSERT_EQ(changes.consents.size(), 1u);
  const ConsentObservation& o = changes.consents[0];
  EXPECT_EQ(o.channel, "whatsapp");
  EXPECT_EQ(o.state, "subscribed");
  EXPECT_EQ(o.opt_in_level, "confirmed_opt_in");
  EXPECT_EQ(o.collected_from, "OTHER");  // the sample's "other"
  EXPECT_EQ(o.subject.platform_customer_id, "706405506930370084");
  EXPECT_EQ(o.subject.phone, "+905321234567");
  EXPECT_TRUE(o.subject.phone_valid);
  EXPECT_EQ(o.source, "shopify:customers_whats_app_marketing_consent/update");
  EXPECT_EQ(o.observed_at_ms, 1782900000000);  // 2026-07-01T10:00:00Z
}

TEST(ShopifyMapping, SmsConsentWithState) {
  json body = fixtureJson("customers_marketing_consent_update.json");
  body["phone"] = "+905321234567";
  body["sms_marketing_consent"]["state"] = "unsubscribed";
  body["sms_marketing_consent"]["consent_updated_at"] = "2026-07-01T10:00:00Z";
  const ChangeSet changes = mapOk("customers_marketing_consent/update", body.dump(), kTrShop);
  ASSERT_EQ(changes.consents.size(), 1u);
  EXPECT_EQ(changes.consents[0].channel, "sms");
  EXPECT_EQ(changes.consents[0].state, "unsubscribed");
  EXPECT_EQ(changes.consents[0].subject.phone, "+905321234567");
  EXPECT_EQ(changes.consents[0].source, "shopify:customers_marketing_consent/update");
}

TEST(ShopifyMapping, DataRequestFixture) {
  const ChangeSet changes =
      mapOk("customers/data_request", readFixture("shopify/customers_data_request.json"));
  ASSERT_EQ(changes.subject_requests.size(), 1u);
  const auto& request = changes.subject_requests[0];
  EXPECT_EQ(request.kind, SubjectRequestKind::kDataRequest);
  EXPECT_EQ(request.request_id, "9999");
  EXPECT_EQ(request.subject.platform_customer_id, "191167");
  EXPECT_EQ(request.subject.email, "john@example.com");
  EXPECT_EQ(request.subject.phone, "555-625-1199");  // not a valid US number: kept as received
  EXPECT_FALSE(request.subject.phone_valid);
  EXPECT_EQ(request.platform_order_ids, (std::vector<std::string>{"299938", "280263", "220458"}));
}

TEST(ShopifyMapping, CustomerRedactFixture) {
  const ChangeSet changes = mapOk("customers/redact", readFixture("shopify/customers_redact.json"));
  ASSERT_EQ(changes.subject_requests.size(), 1u);
  const auto& request = changes.subject_requests[0];
  EXPECT_EQ(request.kind, SubjectRequestKind::kCustomerRedact);
  EXPECT_EQ(request.request_id, "");
  EXPECT_EQ(request.subject.platform_customer_id, "191167");
  EXPECT_EQ(request.platform_order_ids, (std::vector<std::string>{"299938", "280263", "220458"}));
}

TEST(ShopifyMapping, ShopRedactFixture) {
  const ChangeSet changes = mapOk("shop/redact", readFixture("shopify/shop_redact.json"));
  ASSERT_EQ(changes.subject_requests.size(), 1u);
  EXPECT_EQ(changes.subject_requests[0].kind, SubjectRequestKind::kShopRedact);
  EXPECT_EQ(changes.subject_requests[0].subject, Customer());
  EXPECT_TRUE(changes.subject_requests[0].platform_order_ids.empty());
}

TEST(ShopifyMapping, RedactWithoutAnySubjectIsQuarantined) {
  expectInvalidWithoutPii(mapBody("customers/redact", R"({"shop_id":1,"customer":{}})"),
                          "customer: no id, email or phone", {});
}

// --- products ----------------------------------------------------------------

TEST(ShopifyMapping, ProductUpdate) {
  const ChangeSet changes = mapOk("products/update", R"({"id":632910392,"title":"IPod Nano - 8GB",
      "product_type":"Cult Products","tags":"Emotive, Flash Memory, ,MP3","updated_at":
      "2021-12-31T19:00:00-05:00"})");
  ASSERT_EQ(changes.products.size(), 1u);
  const auto& product = changes.products[0];
  EXPECT_EQ(product.platform_product_id, "632910392");
  EXPECT_EQ(product.title, "IPod Nano - 8GB");
  EXPECT_EQ(product.product_type, "Cult Products");
  EXPECT_EQ(product.categories, (std::vector<std::string>{"Cult Products"}));
  EXPECT_EQ(product.tags, (std::vector<std::string>{"Emotive", "Flash Memory", "MP3"}));
  EXPECT_EQ(product.platform_updated_at_ms, k2021_12_31);

  const ChangeSet untyped = mapOk("products/create", R"({"id":1,"title":"x","product_type":""})");
  ASSERT_EQ(untyped.products.size(), 1u);
  EXPECT_TRUE(untyped.products[0].categories.empty());
  EXPECT_EQ(untyped.products[0].platform_updated_at_ms, kTriggeredAt);
}

// --- Turkish shops -----------------------------------------------------------

TEST(ShopifyMapping, TurkishGuestCheckout) {
  for (const char* raw : {"0532 123 45 67", "+90 (532) 123 45 67", "0090532 123 45 67"}) {
    SCOPED_TRACE(raw);
    json body = fixtureJson("checkouts_create.json");
    body["customer"] = nullptr;
    body["email"] = nullptr;
    body["phone"] = raw;
    body["currency"] = "TRY";
    body["total_price"] = "1299.90";
    body["billing_address"]["first_name"] = "Ayşe";
    body["billing_address"]["last_name"] = "Yılmaz";
    body["billing_address"]["city"] = "İstanbul";
    body["billing_address"]["country_code"] = "TR";
    const ChangeSet changes = mapOk("checkouts/create", body.dump(), kTrShop);
    ASSERT_EQ(changes.carts.size(), 1u);
    const auto& cart = changes.carts[0].cart;
    EXPECT_EQ(cart.total.minor, 129990);
    EXPECT_EQ(cart.total.currency, "TRY");
    EXPECT_TRUE(cart.contact_captured);
    ASSERT_TRUE(changes.carts[0].buyer.has_value());
    const Customer& guest = *changes.carts[0].buyer;
    EXPECT_EQ(guest.platform_customer_id, "");
    EXPECT_EQ(guest.phone, "+905321234567");
    EXPECT_TRUE(guest.phone_valid);
    EXPECT_EQ(guest.first_name, "Ayşe");
    EXPECT_EQ(guest.last_name, "Yılmaz");
    EXPECT_EQ(guest.address.city, "İstanbul");
    EXPECT_EQ(guest.address.country_code, "TR");
    EXPECT_EQ(guest.platform_updated_at_ms, 0);
  }
}

TEST(ShopifyMapping, TurkishCustomerUsesItsAddressCountryForThePhone) {
  json body = fixtureJson("customers_update.json");
  body["phone"] = "0532 123 45 67";
  body["first_name"] = "Ayşe";
  body["last_name"] = "Yılmaz";
  body["default_address"]["city"] = "İstanbul";
  body["default_address"]["country_code"] = "TR";
  const ChangeSet changes = mapOk("customers/update", body.dump(), kUsShop);
  ASSERT_EQ(changes.customers.size(), 1u);
  EXPECT_EQ(changes.customers[0].phone, "+905321234567");
  EXPECT_TRUE(changes.customers[0].phone_valid);
  EXPECT_EQ(changes.customers[0].first_name, "Ayşe");
  EXPECT_EQ(changes.customers[0].last_name, "Yılmaz");
  EXPECT_EQ(changes.customers[0].address.city, "İstanbul");
}

TEST(ShopifyMapping, NationalNumberWithoutAnyRegionIsKeptInvalid) {
  json body = fixtureJson("customers_update.json");
  body["phone"] = "0532 123 45 67";
  body["default_address"] = nullptr;
  const ChangeSet changes = mapOk("customers/update", body.dump(), MappingContext{});
  ASSERT_EQ(changes.customers.size(), 1u);
  EXPECT_EQ(changes.customers[0].phone, "0532 123 45 67");
  EXPECT_FALSE(changes.customers[0].phone_valid);
}

// --- malformed payloads --------------------------------------------------------

TEST(ShopifyMapping, MalformedJsonIsInvalidWithoutQuotingTheBody) {
  const std::string body = R"({"token":"t","email":"ayse@example.com","phone":"+905321234567",)";
  const Result<ChangeSet> result = mapBody("checkouts/create", body);
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(result.status().message().find("ayse"), std::string::npos);
  EXPECT_EQ(result.status().message().find("905321234567"), std::string::npos);
}

TEST(ShopifyMapping, EuropeanDecimalPriceIsInvalid) {
  json body = fixtureJson("checkouts_create.json");
  body["line_items"][1]["price"] = "1.299,90";
  expectInvalidWithoutPii(mapBody("checkouts/update", body.dump()),
                          "line_items[1].price: expected a decimal string",
                          {"example@email.com", "john@example.com", "1.299,90"});
  body = fixtureJson("orders_create.json");
  body["total_price"] = "1.299,90";
  expectInvalidWithoutPii(mapBody("orders/paid", body.dump()),
                          "total_price: expected a decimal string",
                          {"jon@example.com", "john@example.com", "1.299,90"});
}

TEST(ShopifyMapping, MissingTokenIsInvalid) {
  json body = fixtureJson("checkouts_create.json");
  body.erase("token");
  expectInvalidWithoutPii(mapBody("checkouts/create", body.dump()), "token: missing",
                          {"example@email.com", "john@example.com"});
}

TEST(ShopifyMapping, WrongTypesNameTheField) {
  json body = fixtureJson("orders_create.json");
  body["customer"]["phone"] = 5325551234;
  expectInvalidWithoutPii(mapBody("orders/create", body.dump()),
                          "customer.phone: expected a string", {"5325551234"});
  body = fixtureJson("orders_create.json");
  body["id"] = 1.5;
  expectInvalidWithoutPii(mapBody("orders/create", body.dump()), "id: expected an integer id", {});
  expectInvalidWithoutPii(mapBody("orders/delete", "[1,2]"), "body: expected an object", {});
  expectInvalidWithoutPii(mapBody("orders/delete", "{}"), "id: missing", {});
  expectInvalidWithoutPii(mapBody("checkouts/delete", R"({"id":1})"), "token, cart_token: missing",
                          {});
}

TEST(ShopifyMapping, IdsAndAmountsNeverPassThroughDouble) {
  json body = fixtureJson("orders_delete.json");
  body["id"] = 18446744073709551615ULL;  // beyond int64 and far beyond double's 2^53
  const ChangeSet changes = mapOk("orders/delete", body.dump());
  ASSERT_EQ(changes.deletions.size(), 1u);
  EXPECT_EQ(changes.deletions[0].platform_id, "18446744073709551615");

  // Amounts sent as JSON numbers are read through their JSON text.
  const ChangeSet numeric = mapOk("checkouts/create", R"({"token":"t","currency":"USD",
      "total_price":421.88,"line_items":[{"quantity":1,"price":0.1}]})");
  ASSERT_EQ(numeric.carts.size(), 1u);
  EXPECT_EQ(numeric.carts[0].cart.total.minor, 42188);
  EXPECT_EQ(numeric.carts[0].cart.items[0].unit_price_minor, 10);
}

// --- dispatch, headers, purity -------------------------------------------------

TEST(ShopifyMapping, UnknownTopicIsIgnoredWithoutReadingTheBody) {
  const ChangeSet changes = mapOk("app/uninstalled", "not even json");
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(changes.ignored_because, "topic not used by cartrelay");
}

TEST(ShopifyMapping, GraphqlTopicsGoToTheGraphqlMapping) {
  const std::string body = R"({"id":"gid://shopify/Product/1","title":"x"})";
  const Result<ChangeSet> via_mapper = mapBody("graphql/product", body);
  const Result<ChangeSet> direct = mapGraphqlNode("product", body, kUsShop);
  ASSERT_EQ(via_mapper.isOk(), direct.isOk());
  if (direct.isOk()) {
    expectSameChangeSet(via_mapper.value(), direct.value());
  } else {
    EXPECT_EQ(via_mapper.status().toString(), direct.status().toString());
  }
}

TEST(ShopifyMapping, TriggeredAtHeaderIsReadCaseInsensitively) {
  EXPECT_EQ(triggeredAtFromHeaders(R"({"x-shopify-triggered-at":"2025-07-10T16:15:47Z"})"),
            kTriggeredAt);
  EXPECT_EQ(triggeredAtFromHeaders(R"({"SHOPIFY-TRIGGERED-AT":"2025-07-10T16:15:47Z"})"),
            kTriggeredAt);
  // Both forms: the un-prefixed one wins, as for the other Shopify headers.
  EXPECT_EQ(triggeredAtFromHeaders(R"({"X-Shopify-Triggered-At":"2001-01-01T00:00:00Z",
                                       "Shopify-Triggered-At":"2025-07-10T16:15:47Z"})"),
            kTriggeredAt);
  EXPECT_EQ(triggeredAtFromHeaders(R"({"X-Shopify-Triggered-At":"yesterday"})"), 0);
  EXPECT_EQ(triggeredAtFromHeaders("not json"), 0);
  EXPECT_EQ(triggeredAtFromHeaders(""), 0);
}

TEST(ShopifyMapping, MissingUpdatedAtFallsBackToTriggeredAtThenReceivedAt) {
  const std::string body = R"({"id":1,"title":"x"})";
  const ShopifyEventMapper mapper;
  const Result<ChangeSet> with_header = mapper.map(eventFor("products/create", body), kUsShop);
  ASSERT_TRUE(with_header.isOk());
  EXPECT_EQ(with_header->products.at(0).platform_updated_at_ms, kTriggeredAt);
  const Result<ChangeSet> without = mapper.map(eventFor("products/create", body, "{}"), kUsShop);
  ASSERT_TRUE(without.isOk());
  EXPECT_EQ(without->products.at(0).platform_updated_at_ms, kReceivedAt);
}

TEST(ShopifyMapping, EveryFixtureMapsAndMappingTwiceGivesTheSameResult) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"checkouts/create", "checkouts_create.json"},
      {"checkouts/update", "checkouts_update.json"},
      {"checkouts/delete", "checkouts_delete.json"},
      {"orders/create", "orders_create.json"},
      {"orders/create", "hmac_vector_body_orders_create_legacy.json"},
      {"orders/delete", "orders_delete.json"},
      {"customers/create", "customers_create.json"},
      {"customers/update", "customers_update.json"},
      {"customers/delete", "customers_delete.json"},
      {"customers_email_marketing_consent/update", "customers_email_marketing_consent_update.json"},
      {"customers_marketing_consent/update", "customers_marketing_consent_update.json"},
      {"customers_whats_app_marketing_consent/update",
       "customers_whats_app_marketing_consent_update.json"},
      {"customers/data_request", "customers_data_request.json"},
      {"customers/redact", "customers_redact.json"},
      {"shop/redact", "shop_redact.json"},
  };
  const ShopifyEventMapper mapper;
  for (const auto& [topic, file] : rows) {
    SCOPED_TRACE(file);
    const InboxEvent event = eventFor(topic, readFixture("shopify/" + file));
    const Result<ChangeSet> first = mapper.map(event, kTrShop);
    const Result<ChangeSet> second = mapper.map(event, kTrShop);
    ASSERT_TRUE(first.isOk()) << first.status().toString();
    ASSERT_TRUE(second.isOk());
    EXPECT_TRUE(!first->empty() || !first->ignored_because.empty());
    expectSameChangeSet(first.value(), second.value());
  }
}

}  // namespace
}  // namespace cartrelay::connectors::shopify
