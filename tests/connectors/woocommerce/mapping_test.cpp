#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/woocommerce/event_mapper.h"
#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"
#include "tests/support/fixtures.h"

namespace cartrelay::connectors::woocommerce {
namespace {

using core::Status;
using core::model::CartItem;
using core::model::CartState;
using core::model::ChangeSet;
using core::model::DeletionKind;
using core::model::OrderItem;
using core::ports::MappingContext;
using nlohmann::json;

// Times of the REST docs' order 727 / customer 25 (the *_gmt fields, UTC).
constexpr std::int64_t kOrder727Created = 1490210882000;   // 2017-03-22T19:28:02Z
constexpr std::int64_t kOrder727Modified = 1490210888000;  // 2017-03-22T19:28:08Z
constexpr std::int64_t kReceivedAt = 1700000500000;        // 2023-11-14T22:21:40Z

MappingContext turkishShop(std::string consent_key = "") {
  return MappingContext{"TR", "TRY", std::move(consent_key)};
}

core::model::InboxEvent event(std::string topic, std::string body) {
  core::model::InboxEvent e;
  e.source = "demo";
  e.platform = "woocommerce";
  e.topic = std::move(topic);
  e.body = std::move(body);
  e.received_at_ms = kReceivedAt;
  return e;
}

core::Result<ChangeSet> mapEvent(std::string topic, std::string body,
                                 const MappingContext& context = turkishShop()) {
  return WooCommerceEventMapper().map(event(std::move(topic), std::move(body)), context);
}

ChangeSet mapOk(std::string topic, std::string body,
                const MappingContext& context = turkishShop()) {
  auto result = mapEvent(std::move(topic), std::move(body), context);
  EXPECT_TRUE(result.isOk()) << result.status().toString();
  return result.isOk() ? result.value() : ChangeSet{};
}

json fixtureJson(const std::string& name) {
  return json::parse(cartrelay::testing::readFixture("woocommerce/" + name));
}

// Order 727 with a different status and payment date (null = never paid).
std::string order727(std::string status, json date_paid_gmt = "2017-03-22T19:28:08") {
  json order = fixtureJson("order_created.json");
  order["status"] = std::move(status);
  order["date_paid_gmt"] = std::move(date_paid_gmt);
  return order.dump();
}

// A Turkish guest checkout as WooCommerce would send it.
json turkishOrder() {
  json order = fixtureJson("order_created.json");
  order["id"] = 4242;
  order["number"] = "4242";
  order["status"] = "pending";
  order["currency"] = "TRY";
  order["total"] = "1299.90";
  order["date_paid_gmt"] = nullptr;
  order["payment_url"] = "https://magaza.example/odeme/order-pay/4242/?pay_for_order=true&key=wc_k";
  order["billing"] = {{"first_name", "Ayşe"},
                      {"last_name", "Yılmaz"},
                      {"company", ""},
                      {"address_1", "Bağdat Cad. 12/3"},
                      {"address_2", ""},
                      {"city", "İstanbul"},
                      {"state", "TR34"},
                      {"postcode", "34710"},
                      {"country", "tr"},
                      {"email", "ayse@example.com"},
                      {"phone", "0532 123 45 67"}};
  order["shipping"] = order["billing"];
  order["shipping"].erase("email");
  order["shipping"].erase("phone");
  order["line_items"] = json::array({
      {{"id", 1},
       {"name", "Yün Kazak"},
       {"product_id", 501},
       {"variation_id", 502},
       {"quantity", 3},
       {"subtotal", "1000.00"},
       {"total", "999.90"},
       {"price", 333.3}},
      {{"id", 2},
       {"name", "Atkı"},
       {"product_id", 503},
       {"variation_id", 0},
       {"quantity", 3},
       {"subtotal", "300.00"},
       {"total", "300.00"},
       {"price", 100}},
  });
  order["meta_data"] = json::array();
  return order;
}

bool sameBuyer(const std::optional<core::model::Customer>& a,
               const std::optional<core::model::Customer>& b) {
  return a == b;
}

// ChangeSet has no operator== (CartChange/OrderChange neither): compare parts.
bool sameChangeSet(const ChangeSet& a, const ChangeSet& b) {
  if (a.carts.size() != b.carts.size() || a.orders.size() != b.orders.size()) return false;
  for (std::size_t i = 0; i < a.carts.size(); ++i) {
    if (!(a.carts[i].cart == b.carts[i].cart) || !sameBuyer(a.carts[i].buyer, b.carts[i].buyer))
      return false;
  }
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    if (!(a.orders[i].order == b.orders[i].order) ||
        !sameBuyer(a.orders[i].buyer, b.orders[i].buyer))
      return false;
  }
  return a.customers == b.customers && a.products == b.products && a.consents == b.consents &&
         a.subject_requests == b.subject_requests && a.deletions == b.deletions &&
         a.ignored_because == b.ignored_because;
}

void expectOrder727(const ChangeSet& changes) {
  ASSERT_EQ(changes.orders.size(), 1u);
  EXPECT_TRUE(changes.carts.empty());
  EXPECT_TRUE(changes.consents.empty());
  EXPECT_TRUE(changes.ignored_because.empty());
  const core::model::Order& order = changes.orders[0].order;
  EXPECT_EQ(order.platform_order_id, "727");
  EXPECT_EQ(order.name, "727");
  EXPECT_EQ(order.checkout_token, "727");
  EXPECT_EQ(order.cart_token, "");
  EXPECT_EQ(order.total, (core::model::Money{2935, "USD"}));
  EXPECT_EQ(order.financial_status, "paid");
  EXPECT_EQ(order.fulfillment_status, "");
  EXPECT_EQ(order.placed_at_ms, kOrder727Created);
  EXPECT_EQ(order.platform_updated_at_ms, kOrder727Modified);
  EXPECT_FALSE(order.cancelled_at_ms.has_value());
  EXPECT_EQ(order.items,
            (std::vector<OrderItem>{
                {0, "93", "", "Woo Single #1", 2, 300},
                {1, "22", "23", "Ship Your Idea &ndash; Color: Black, Size: M Test", 1, 1200}}));

  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  const core::model::Customer& buyer = *changes.orders[0].buyer;
  EXPECT_EQ(buyer.platform_customer_id, "");  // customer_id 0: a guest
  EXPECT_EQ(buyer.email, "john.doe@example.com");
  EXPECT_EQ(buyer.first_name, "John");
  EXPECT_EQ(buyer.last_name, "Doe");
  // The docs' placeholder 555 number is not a real US number: kept, never sent to.
  EXPECT_EQ(buyer.phone, "(555) 555-5555");
  EXPECT_FALSE(buyer.phone_valid);
  EXPECT_EQ(buyer.address,
            (core::model::Address{"969 Market", "", "San Francisco", "CA", "94103", "US"}));
}

// --- REST / webhook fixtures -------------------------------------------------

TEST(WooMapping, OrderCreatedFixtureIsAPaidOrder) {
  expectOrder727(
      mapOk("order.created", cartrelay::testing::readFixture("woocommerce/order_created.json")));
}

TEST(WooMapping, RestOrderGetMapsLikeTheWebhook) {
  ChangeSet polled =
      mapOk("order.updated", cartrelay::testing::readFixture("woocommerce/rest_v3_order_get.json"));
  expectOrder727(polled);
  ChangeSet pushed =
      mapOk("order.updated", cartrelay::testing::readFixture("woocommerce/order_created.json"));
  EXPECT_TRUE(sameChangeSet(polled, pushed));
}

TEST(WooMapping, EveryOrderOfTheRestListMaps) {
  json list = fixtureJson("rest_v3_orders_list.json");
  ASSERT_EQ(list.size(), 2u);
  expectOrder727(mapOk("order.updated", list[0].dump()));

  ChangeSet changes = mapOk("order.updated", list[1].dump());
  ASSERT_EQ(changes.orders.size(), 1u);
  const core::model::Order& order = changes.orders[0].order;
  EXPECT_EQ(order.platform_order_id, "723");
  EXPECT_EQ(order.checkout_token, "723");
  EXPECT_EQ(order.total, (core::model::Money{3900, "USD"}));
  // Completed but with no date_paid_gmt in the docs' example.
  EXPECT_EQ(order.financial_status, "pending");
  EXPECT_EQ(order.fulfillment_status, "fulfilled");
  EXPECT_EQ(order.placed_at_ms, 1490123760000);            // 2017-03-21T19:16:00Z
  EXPECT_EQ(order.platform_updated_at_ms, 1490126091000);  // 2017-03-21T19:54:51Z
  EXPECT_EQ(order.items, (std::vector<OrderItem>{{0, "87", "", "Woo Album #2", 1, 900},
                                                 {1, "34", "", "Woo Ninja", 1, 2000}}));
  ASSERT_TRUE(changes.orders[0].buyer.has_value());
  const core::model::Customer& buyer = *changes.orders[0].buyer;
  EXPECT_EQ(buyer.platform_customer_id, "26");
  EXPECT_EQ(buyer.first_name, "João");  // UTF-8 kept byte for byte
  EXPECT_EQ(buyer.email, "joao.silva@example.com");
  EXPECT_EQ(buyer.address.city, "Rio de Janeiro");
  EXPECT_EQ(buyer.address.country_code, "BR");
}

void expectCustomer25(const ChangeSet& changes) {
  ASSERT_EQ(changes.customers.size(), 1u);
  EXPECT_TRUE(changes.consents.empty());
  const core::model::Customer& customer = changes.customers[0];
  EXPECT_EQ(customer.platform_customer_id, "25");
  EXPECT_EQ(customer.email, "john.doe@example.com");
  EXPECT_EQ(customer.first_name, "John");
  EXPECT_EQ(customer.last_name, "Doe");
  EXPECT_EQ(customer.phone, "(555) 555-5555");
  EXPECT_FALSE(customer.phone_valid);
  EXPECT_EQ(customer.address,
            (core::model::Address{"969 Market", "", "San Francisco", "CA", "94103", "US"}));
  EXPECT_EQ(customer.platform_updated_at_ms, 1490123370000);  // 2017-03-21T19:09:30Z
  EXPECT_EQ(customer.id, 0);
  EXPECT_EQ(customer.shop_id, 0);
}

TEST(WooMapping, CustomerFixturesMap) {
  expectCustomer25(mapOk("customer.created",
                         cartrelay::testing::readFixture("woocommerce/customer_created.json")));
  expectCustomer25(mapOk("customer.updated",
                         cartrelay::testing::readFixture("woocommerce/rest_v3_customer_get.json")));
}

TEST(WooMapping, CustomerWithoutModificationDateUsesCreationDate) {
  json customer = fixtureJson("customer_created.json");
  customer["date_modified_gmt"] = nullptr;
  ChangeSet changes = mapOk("customer.updated", customer.dump());
  ASSERT_EQ(changes.customers.size(), 1u);
  EXPECT_EQ(changes.customers[0].platform_updated_at_ms, 1490123368000);  // date_created_gmt
}

// --- order statuses ----------------------------------------------------------

TEST(WooMapping, UnpaidCheckoutStatusesAreOpenCarts) {
  for (const char* status : {"pending", "failed", "checkout-draft"}) {
    SCOPED_TRACE(status);
    json order = json::parse(order727(status, nullptr));
    order["payment_url"] = "https://example.com/checkout/order-pay/727/?pay_for_order=true&key=k";
    ChangeSet changes = mapOk("order.updated", order.dump());
    ASSERT_EQ(changes.carts.size(), 1u);
    EXPECT_TRUE(changes.orders.empty());
    const core::model::Cart& cart = changes.carts[0].cart;
    EXPECT_EQ(cart.platform_cart_id, "727");
    EXPECT_EQ(cart.cart_token, "");
    EXPECT_EQ(cart.state, CartState::kOpen);
    EXPECT_EQ(cart.total, (core::model::Money{2935, "USD"}));
    EXPECT_EQ(cart.recovery_url,
              "https://example.com/checkout/order-pay/727/?pay_for_order=true&key=k");
    EXPECT_TRUE(cart.contact_captured);
    EXPECT_EQ(cart.platform_created_at_ms, kOrder727Created);
    EXPECT_EQ(cart.platform_updated_at_ms, kOrder727Modified);
    EXPECT_EQ(cart.items,
              (std::vector<CartItem>{
                  {0, "93", "", "Woo Single #1", 2, 300},
                  {1, "22", "23", "Ship Your Idea &ndash; Color: Black, Size: M Test", 1, 1200}}));
    ASSERT_TRUE(changes.carts[0].buyer.has_value());
    EXPECT_EQ(changes.carts[0].buyer->email, "john.doe@example.com");
  }
}

TEST(WooMapping, DraftWithoutContactDataIsACartWithoutBuyer) {
  json order = json::parse(order727("checkout-draft", nullptr));
  for (const char* field : {"email", "phone", "first_name", "last_name"})
    order["billing"][field] = "";
  ChangeSet changes = mapOk("order.updated", order.dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  EXPECT_FALSE(changes.carts[0].cart.contact_captured);
  EXPECT_EQ(changes.carts[0].cart.recovery_url, "");
  EXPECT_FALSE(changes.carts[0].buyer.has_value());
}

TEST(WooMapping, PaidStatusesAreOrdersOfTheSameCheckout) {
  struct Row {
    const char* status;
    const char* financial;
    const char* fulfillment;
  };
  for (Row row : {Row{"processing", "paid", ""}, Row{"on-hold", "paid", ""},
                  Row{"completed", "paid", "fulfilled"}, Row{"refunded", "refunded", ""}}) {
    SCOPED_TRACE(row.status);
    ChangeSet changes = mapOk("order.updated", order727(row.status));
    ASSERT_EQ(changes.orders.size(), 1u);
    EXPECT_TRUE(changes.carts.empty());
    EXPECT_EQ(changes.orders[0].order.checkout_token, "727");
    EXPECT_EQ(changes.orders[0].order.financial_status, row.financial);
    EXPECT_EQ(changes.orders[0].order.fulfillment_status, row.fulfillment);
    EXPECT_FALSE(changes.orders[0].order.cancelled_at_ms.has_value());
  }
  // on-hold before the bank transfer arrives: an order, not yet paid.
  ChangeSet on_hold = mapOk("order.updated", order727("on-hold", nullptr));
  ASSERT_EQ(on_hold.orders.size(), 1u);
  EXPECT_EQ(on_hold.orders[0].order.financial_status, "pending");
}

TEST(WooMapping, CancelledAfterPaymentIsACancelledOrder) {
  for (const char* status : {"cancelled", "trash"}) {
    SCOPED_TRACE(status);
    ChangeSet changes = mapOk("order.updated", order727(status));
    ASSERT_EQ(changes.orders.size(), 1u);
    EXPECT_TRUE(changes.carts.empty());
    EXPECT_EQ(changes.orders[0].order.cancelled_at_ms, kOrder727Modified);
    EXPECT_EQ(changes.orders[0].order.financial_status, "paid");
  }
}

TEST(WooMapping, CancelledWithoutPaymentIsADeletedCart) {
  for (const char* status : {"cancelled", "trash"}) {
    SCOPED_TRACE(status);
    ChangeSet changes = mapOk("order.updated", order727(status, nullptr));
    ASSERT_EQ(changes.carts.size(), 1u);
    EXPECT_TRUE(changes.orders.empty());
    EXPECT_EQ(changes.carts[0].cart.platform_cart_id, "727");
    EXPECT_EQ(changes.carts[0].cart.state, CartState::kDeleted);
  }
}

TEST(WooMapping, PluginStatusesCountOnlyWhenPaid) {
  ChangeSet shipped = mapOk("order.updated", order727("shipped"));
  ASSERT_EQ(shipped.orders.size(), 1u);
  EXPECT_EQ(shipped.orders[0].order.financial_status, "paid");

  ChangeSet draft = mapOk("order.updated", order727("draft", nullptr));
  EXPECT_TRUE(draft.empty());
  EXPECT_EQ(draft.ignored_because, "unpaid order in status draft");
}

TEST(WooMapping, OrderRestoredMapsLikeAnUpdate) {
  ChangeSet restored = mapOk("order.restored", order727("pending", nullptr));
  ChangeSet updated = mapOk("order.updated", order727("pending", nullptr));
  ASSERT_EQ(restored.carts.size(), 1u);
  EXPECT_TRUE(sameChangeSet(restored, updated));
}

// --- Turkish data ------------------------------------------------------------

TEST(WooMapping, TurkishCheckoutKeepsTextAndAmountsExact) {
  ChangeSet changes = mapOk("order.created", turkishOrder().dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  const core::model::CartChange& change = changes.carts[0];
  EXPECT_EQ(change.cart.platform_cart_id, "4242");
  EXPECT_EQ(change.cart.total, (core::model::Money{129990, "TRY"}));
  EXPECT_EQ(change.cart.recovery_url,
            "https://magaza.example/odeme/order-pay/4242/?pay_for_order=true&key=wc_k");
  // 1000.00 for 3 does not split into whole kuruş: `price` (total / quantity,
  // a PHP float) is used instead.
  EXPECT_EQ(change.cart.items, (std::vector<CartItem>{{0, "501", "502", "Yün Kazak", 3, 33330},
                                                      {1, "503", "", "Atkı", 3, 10000}}));
  ASSERT_TRUE(change.buyer.has_value());
  EXPECT_EQ(change.buyer->phone, "+905321234567");
  EXPECT_TRUE(change.buyer->phone_valid);
  EXPECT_EQ(change.buyer->first_name,
            "Ay\xC5\x9F"
            "e");
  EXPECT_EQ(change.buyer->last_name, "Y\xC4\xB1lmaz");
  EXPECT_EQ(change.buyer->address.city, "\xC4\xB0stanbul");
  EXPECT_EQ(change.buyer->address.country_code, "TR");
}

TEST(WooMapping, TurkishPhoneSpellingsAllNormalise) {
  for (const char* phone : {"0532 123 45 67", "+90 (532) 123 45 67", "0090532 123 45 67"}) {
    SCOPED_TRACE(phone);
    json order = turkishOrder();
    order["billing"]["phone"] = phone;
    ChangeSet changes = mapOk("order.updated", order.dump());
    ASSERT_EQ(changes.carts.size(), 1u);
    ASSERT_TRUE(changes.carts[0].buyer.has_value());
    EXPECT_EQ(changes.carts[0].buyer->phone, "+905321234567");
    EXPECT_TRUE(changes.carts[0].buyer->phone_valid);
  }
}

TEST(WooMapping, PhoneRegionFallsBackToShippingThenShop) {
  json order = turkishOrder();
  order["billing"]["country"] = "";
  order["shipping"]["country"] = "TR";
  ChangeSet changes = mapOk("order.updated", order.dump(), MappingContext{"US", "TRY", ""});
  ASSERT_TRUE(changes.carts[0].buyer.has_value());
  EXPECT_EQ(changes.carts[0].buyer->phone, "+905321234567");

  order["shipping"]["country"] = "";
  changes = mapOk("order.updated", order.dump(), MappingContext{"TR", "TRY", ""});
  EXPECT_EQ(changes.carts[0].buyer->phone, "+905321234567");

  // No region anywhere: a national number is not guessed.
  changes = mapOk("order.updated", order.dump(), MappingContext{"", "TRY", ""});
  EXPECT_EQ(changes.carts[0].buyer->phone, "0532 123 45 67");
  EXPECT_FALSE(changes.carts[0].buyer->phone_valid);
}

TEST(WooMapping, CurrencyDefaultsToTheShop) {
  json order = turkishOrder();
  order.erase("currency");
  ChangeSet changes = mapOk("order.updated", order.dump());
  EXPECT_EQ(changes.carts[0].cart.total, (core::model::Money{129990, "TRY"}));
}

// --- errors ------------------------------------------------------------------

void expectInvalidWithoutPersonalData(const core::Result<ChangeSet>& result,
                                      std::string_view expected_in_message) {
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
  const std::string message = result.status().message();
  EXPECT_NE(message.find(expected_in_message), std::string::npos) << message;
  for (std::string_view personal : {"ayse", "example.com", "532",
                                    "Ay\xC5\x9F"
                                    "e",
                                    "Y\xC4\xB1lmaz", "1.299,90"}) {
    EXPECT_EQ(message.find(personal), std::string::npos) << message;
  }
}

TEST(WooMapping, CommaDecimalTotalIsRejected) {
  json order = turkishOrder();
  order["total"] = "1.299,90";
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()),
                                   "total: expected a decimal");
}

TEST(WooMapping, BadLineAmountNamesTheLine) {
  json order = turkishOrder();
  order["line_items"][1]["subtotal"] = "1.299,90";
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()),
                                   "line_items[1].subtotal: expected a decimal");
}

TEST(WooMapping, MalformedJsonIsRejectedWithoutQuotingIt) {
  std::string body = turkishOrder().dump();
  body.resize(body.find("ayse@example.com") + 8);  // cut inside the e-mail
  expectInvalidWithoutPersonalData(mapEvent("order.updated", body), "expected JSON");
  expectInvalidWithoutPersonalData(mapEvent("customer.updated", "[1,2]"), "JSON object");
  expectInvalidWithoutPersonalData(mapEvent("order.updated", "{\"email\": ayse@example.com}"),
                                   "expected JSON");
}

TEST(WooMapping, MissingOrWrongFieldsAreNamed) {
  json order = turkishOrder();
  order.erase("id");
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()), "id: expected");

  order = turkishOrder();
  order["date_created_gmt"] = "yesterday";
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()),
                                   "date_created_gmt: expected an ISO 8601 time");

  order = turkishOrder();
  order["billing"]["phone"] = json::array({"0532 123 45 67"});
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()),
                                   "billing.phone: expected a string");

  order = turkishOrder();
  order["line_items"][0].erase("quantity");
  expectInvalidWithoutPersonalData(mapEvent("order.updated", order.dump()),
                                   "line_items[0].quantity: expected an integer");
}

// --- consent -----------------------------------------------------------------

constexpr std::string_view kConsentKey = "_wc_other/cartrelay/whatsapp-opt-in";

json withMeta(json object, json value) {
  object["meta_data"].push_back({{"id", 9001}, {"key", "_other"}, {"value", "yes"}});
  object["meta_data"].push_back({{"id", 9002}, {"key", kConsentKey}, {"value", std::move(value)}});
  return object;
}

TEST(WooMapping, ConsentMetaKeyOnAnOrderIsObserved) {
  json order = withMeta(turkishOrder(), "Yes");
  ChangeSet changes = mapOk("order.updated", order.dump(), turkishShop(std::string(kConsentKey)));
  ASSERT_EQ(changes.consents.size(), 1u);
  const core::model::ConsentObservation& consent = changes.consents[0];
  EXPECT_EQ(consent.channel, "whatsapp");
  EXPECT_EQ(consent.state, "subscribed");
  EXPECT_EQ(consent.collected_from, "checkout");
  EXPECT_EQ(consent.source, "woocommerce:meta:_wc_other/cartrelay/whatsapp-opt-in");
  EXPECT_EQ(consent.observed_at_ms, kOrder727Modified);
  // Identity only: no names or address in the evidence.
  EXPECT_EQ(consent.subject.email, "ayse@example.com");
  EXPECT_EQ(consent.subject.phone, "+905321234567");
  EXPECT_TRUE(consent.subject.phone_valid);
  EXPECT_EQ(consent.subject.first_name, "");
  EXPECT_EQ(consent.subject.address, core::model::Address{});
}

TEST(WooMapping, ConsentValuesAreReadLiberallyButOnlyYesMeansYes) {
  struct Row {
    json value;
    const char* state;
  };
  for (const Row& row :
       {Row{"yes", "subscribed"}, Row{"ON", "subscribed"}, Row{"1", "subscribed"},
        Row{" True ", "subscribed"}, Row{true, "subscribed"}, Row{1, "subscribed"},
        Row{"no", "not_subscribed"}, Row{"0", "not_subscribed"}, Row{"", "not_subscribed"},
        Row{false, "not_subscribed"}, Row{json::object(), "not_subscribed"}}) {
    SCOPED_TRACE(row.value.dump());
    ChangeSet changes = mapOk("order.updated", withMeta(turkishOrder(), row.value).dump(),
                              turkishShop(std::string(kConsentKey)));
    ASSERT_EQ(changes.consents.size(), 1u);
    EXPECT_EQ(changes.consents[0].state, row.state);
  }
}

TEST(WooMapping, ConsentNeedsAConfiguredKeyPresentInTheMeta) {
  json order = withMeta(turkishOrder(), "yes");
  EXPECT_TRUE(mapOk("order.updated", order.dump(), turkishShop()).consents.empty());
  EXPECT_TRUE(mapOk("order.updated", turkishOrder().dump(), turkishShop(std::string(kConsentKey)))
                  .consents.empty());
}

TEST(WooMapping, ConsentMetaKeyOnACustomerIsObserved) {
  json customer = withMeta(fixtureJson("customer_created.json"), "yes");
  ChangeSet changes =
      mapOk("customer.updated", customer.dump(), turkishShop(std::string(kConsentKey)));
  ASSERT_EQ(changes.customers.size(), 1u);
  ASSERT_EQ(changes.consents.size(), 1u);
  EXPECT_EQ(changes.consents[0].state, "subscribed");
  EXPECT_EQ(changes.consents[0].subject.platform_customer_id, "25");
  EXPECT_EQ(changes.consents[0].observed_at_ms, 1490123370000);
}

// --- deletions, products, other topics ----------------------------------------

TEST(WooMapping, OrderDeletedRemovesOrderAndCart) {
  ChangeSet changes = mapOk("order.deleted", R"({"id":727})");
  ASSERT_EQ(changes.deletions.size(), 2u);
  EXPECT_EQ(changes.deletions[0],
            (core::model::Deletion{DeletionKind::kOrder, "727", "", kReceivedAt}));
  EXPECT_EQ(changes.deletions[1],
            (core::model::Deletion{DeletionKind::kCart, "727", "", kReceivedAt}));
  expectInvalidWithoutPersonalData(mapEvent("order.deleted", R"({"id":0})"), "id: expected");
}

TEST(WooMapping, CustomerDeletedRemovesTheCustomer) {
  ChangeSet changes = mapOk("customer.deleted", R"({"id":"25"})");
  ASSERT_EQ(changes.deletions.size(), 1u);
  EXPECT_EQ(changes.deletions[0],
            (core::model::Deletion{DeletionKind::kCustomer, "25", "", kReceivedAt}));
}

TEST(WooMapping, ProductKeepsCategoriesAndTags) {
  // Shape of GET /wc/v3/products/794 in the REST docs, trimmed.
  json product = {{"id", 794},
                  {"name", "Premium Quality"},
                  {"type", "simple"},
                  {"date_created_gmt", "2017-03-23T20:01:14"},
                  {"date_modified_gmt", "2017-03-23T20:01:14"},
                  {"price", "21.99"},
                  {"categories", json::array({{{"id", 9}, {"name", "Clothing"}, {"slug", "c"}},
                                              {{"id", 14}, {"name", "T-shirts"}, {"slug", "t"}}})},
                  {"tags", json::array({{{"id", 3}, {"name", "Kış"}, {"slug", "kis"}}})}};
  ChangeSet changes = mapOk("product.updated", product.dump());
  ASSERT_EQ(changes.products.size(), 1u);
  const core::model::Product& mapped = changes.products[0];
  EXPECT_EQ(mapped.platform_product_id, "794");
  EXPECT_EQ(mapped.title, "Premium Quality");
  EXPECT_EQ(mapped.product_type, "");
  EXPECT_EQ(mapped.categories, (std::vector<std::string>{"Clothing", "T-shirts"}));
  EXPECT_EQ(mapped.tags, (std::vector<std::string>{"Kış"}));
  EXPECT_EQ(mapped.platform_updated_at_ms, 1490299274000);  // 2017-03-23T20:01:14Z
}

TEST(WooMapping, UnusedTopicsAreIgnoredNotErrors) {
  for (const char* topic : {"product.deleted", "coupon.created", "action.woocommerce_add_to_cart",
                            "customer.restored", "order.exploded"}) {
    SCOPED_TRACE(topic);
    ChangeSet changes = mapOk(topic, "not even json");
    EXPECT_TRUE(changes.empty());
    EXPECT_FALSE(changes.ignored_because.empty());
  }
  EXPECT_EQ(mapOk("coupon.created", "{}").ignored_because,
            "topic coupon.created is not used by cartrelay");
  // A topic is never copied into the note unless it looks like one.
  EXPECT_EQ(mapOk("ayse@example.com", "{}").ignored_because,
            "topic (other) is not used by cartrelay");
}

TEST(WooMapping, TopicsAreMatchedWithoutCaseOrSpaces) {
  expectOrder727(mapOk(" Order.Updated\r\n",
                       cartrelay::testing::readFixture("woocommerce/order_created.json")));
}

TEST(WooMapping, MappingIsDeterministic) {
  const MappingContext context = turkishShop(std::string(kConsentKey));
  for (const std::string& body :
       {withMeta(turkishOrder(), "yes").dump(), order727("processing"),
        cartrelay::testing::readFixture("woocommerce/order_created.json")}) {
    ChangeSet first = mapOk("order.updated", body, context);
    ChangeSet second = mapOk("order.updated", body, context);
    EXPECT_FALSE(first.empty());
    EXPECT_TRUE(sameChangeSet(first, second));
  }
}

// --- Abandoned Cart Lite (wcap_cart.*) ----------------------------------------

// A cut-off delivery as class-wcal-webhooks.php builds it: webhook meta merged
// with the cart record (shopify-woocommerce.md §7).
json wcapCutoff() {
  return {{"webhook_id", 12},
          {"webhook_action", "cutoff"},
          {"webhook_resource", "wcap_cart"},
          {"webhook_resource_id", 41},
          {"id", 41},
          {"user_id", 63000012},
          {"product_details", json::array({{{"product_id", 501},
                                            {"variation_id", 502},
                                            {"product_name", "Yün Kazak"},
                                            {"line_subtotal", 999.9}},
                                           {{"product_id", 503},
                                            {"variation_id", 0},
                                            {"product_name", "Atkı"},
                                            {"line_subtotal", 300}}})},
          {"total", 1299.9},
          {"total_tax", 0},
          {"timestamp", 1700000000},
          {"billing_first_name", "Ayşe"},
          {"billing_last_name", "Yılmaz"},
          {"billing_country", ""},
          {"billing_zipcode", "34710"},
          {"email_id", "ayse@example.com"},
          {"phone", "0532 123 45 67"},
          {"user_type", "GUEST"},
          {"coupon_code", ""},
          {"checkout_link", "https://magaza.example/?wcal_action=checkout_link&validate=tok"}};
}

TEST(WooMapping, AbandonedCartLiteCutoffIsAnOpenCart) {
  ChangeSet changes = mapOk("wcap_cart.cutoff", wcapCutoff().dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  const core::model::CartChange& change = changes.carts[0];
  EXPECT_EQ(change.cart.platform_cart_id, "wcap-41");
  EXPECT_EQ(change.cart.state, CartState::kOpen);
  EXPECT_EQ(change.cart.total, (core::model::Money{129990, "TRY"}));
  EXPECT_EQ(change.cart.recovery_url,
            "https://magaza.example/?wcal_action=checkout_link&validate=tok");
  EXPECT_TRUE(change.cart.contact_captured);
  EXPECT_EQ(change.cart.platform_created_at_ms, 1700000000000);
  EXPECT_EQ(change.cart.platform_updated_at_ms, 1700000000000);
  EXPECT_EQ(change.cart.items, (std::vector<CartItem>{{0, "501", "502", "Yün Kazak", 1, 99990},
                                                      {1, "503", "", "Atkı", 1, 30000}}));
  ASSERT_TRUE(change.buyer.has_value());
  EXPECT_EQ(change.buyer->platform_customer_id, "");  // guest id is the plugin's own
  EXPECT_EQ(change.buyer->email, "ayse@example.com");
  EXPECT_EQ(change.buyer->phone, "+905321234567");
  EXPECT_EQ(change.buyer->first_name, "Ayşe");
  EXPECT_EQ(change.buyer->address.postal_code, "34710");
}

TEST(WooMapping, AbandonedCartLiteRegisteredBuyerIsTheCustomer) {
  json cart = wcapCutoff();
  cart["user_type"] = "REGISTERED";
  cart["user_id"] = "7";
  cart["billing_country"] = "tr";
  ChangeSet changes = mapOk("wcap_cart.cutoff", cart.dump(), MappingContext{"US", "TRY", ""});
  ASSERT_TRUE(changes.carts[0].buyer.has_value());
  EXPECT_EQ(changes.carts[0].buyer->platform_customer_id, "7");
  EXPECT_EQ(changes.carts[0].buyer->address.country_code, "TR");
  EXPECT_EQ(changes.carts[0].buyer->phone, "+905321234567");  // billing_country, not the shop's
}

TEST(WooMapping, AbandonedCartLiteRecoveredCompletesTheCart) {
  // wcal_cart_recovered(): no checkout_link or user_id, the order's total.
  json cart = wcapCutoff();
  cart["webhook_action"] = "recovered";
  cart.erase("checkout_link");
  cart.erase("user_id");
  cart["order_id"] = 4242;
  cart["total"] = "1299.90";
  ChangeSet changes = mapOk("wcap_cart.recovered", cart.dump());
  ASSERT_EQ(changes.carts.size(), 1u);
  const core::model::Cart& mapped = changes.carts[0].cart;
  EXPECT_EQ(mapped.platform_cart_id, "wcap-41");
  EXPECT_EQ(mapped.state, CartState::kCompleted);
  EXPECT_EQ(mapped.total.minor, 129990);
  EXPECT_EQ(mapped.recovery_url, "");
  // The payload's timestamp is still the abandonment time: the recovery must
  // read as newer than the cut-off event.
  EXPECT_EQ(mapped.platform_created_at_ms, 1700000000000);
  EXPECT_EQ(mapped.platform_updated_at_ms, kReceivedAt);
}

TEST(WooMapping, AbandonedCartLiteProductDetailsShapes) {
  json cart = wcapCutoff();
  cart["product_details"] = "Yün Kazak, Atkı ,";
  ChangeSet changes = mapOk("wcap_cart.cutoff", cart.dump());
  EXPECT_EQ(changes.carts[0].cart.items,
            (std::vector<CartItem>{{0, "", "", "Yün Kazak", 1, 0}, {1, "", "", "Atkı", 1, 0}}));

  cart.erase("product_details");
  EXPECT_TRUE(mapOk("wcap_cart.cutoff", cart.dump()).carts[0].cart.items.empty());

  cart["product_details"] = {
      {"a1b2", {{"product_id", "501"}, {"name", "Yün Kazak"}, {"qty", "3"}, {"line_total", "100"}}},
      {"c3d4", {{"product_id", 503}, {"name", "Atkı"}, {"quantity", 2}, {"price", "150.50"}}}};
  changes = mapOk("wcap_cart.cutoff", cart.dump());
  EXPECT_EQ(changes.carts[0].cart.items,
            (std::vector<CartItem>{{0, "501", "", "Yün Kazak", 3, 3333},  // 100 / 3, rounded
                                   {1, "503", "", "Atkı", 2, 15050}}));

  cart["product_details"] = json::array({"Yün Kazak", 17, nullptr});
  changes = mapOk("wcap_cart.cutoff", cart.dump());
  EXPECT_EQ(changes.carts[0].cart.items, (std::vector<CartItem>{{0, "", "", "Yün Kazak", 1, 0}}));
}

TEST(WooMapping, AbandonedCartLiteFloatTotalsAndTimestamps) {
  json cart = wcapCutoff();
  cart["total"] = 0.30000000000000004;  // 0.1 + 0.2 in PHP
  cart["timestamp"] = "1700000000";
  ChangeSet changes = mapOk("wcap_cart.cutoff", cart.dump());
  EXPECT_EQ(changes.carts[0].cart.total.minor, 30);
  EXPECT_EQ(changes.carts[0].cart.platform_updated_at_ms, 1700000000000);

  cart["timestamp"] = "2023-11-14 22:13:20";
  EXPECT_EQ(mapOk("wcap_cart.cutoff", cart.dump()).carts[0].cart.platform_updated_at_ms,
            1700000000000);

  cart.erase("timestamp");
  EXPECT_EQ(mapOk("wcap_cart.cutoff", cart.dump()).carts[0].cart.platform_updated_at_ms,
            kReceivedAt);

  cart["timestamp"] = "last tuesday";
  expectInvalidWithoutPersonalData(mapEvent("wcap_cart.cutoff", cart.dump()), "timestamp");

  cart = wcapCutoff();
  cart["total"] = "1.299,90";
  expectInvalidWithoutPersonalData(mapEvent("wcap_cart.cutoff", cart.dump()),
                                   "total: expected a decimal");
}

// --- CartFlows (form POST) -----------------------------------------------------

// http_build_query() of trigger_zapier_webhook()'s fields.
std::string cartFlowsBody(std::string_view order_status, bool with_url = true) {
  std::string body =
      "first_name=Ay%C5%9Fe&last_name=Y%C4%B1lmaz&phone_number=0532+123+45+67"
      "&billing_address=Bag%CC%86dat+Cad.+12%2C+TR%2C+%C4%B0stanbul%2C+34710"
      "&shipping_address=&email=ayse%40example.com";
  if (with_url)
    body += "&checkout_url=https%3A%2F%2Fshop.example%2Fcheckout%2F%3Fwcf_ac_token%3Dabc";
  body += "&product_names=Y%C3%BCn+Kazak%2C+Atk%C4%B1&coupon_code=SAVE10&order_status=";
  body += order_status;
  body += "&cart_total=1299.90&product_table=%3Ctable%3E%3C%2Ftable%3E";
  return body;
}

TEST(WooMapping, CartFlowsAbandonedCartIsOpen) {
  ChangeSet changes = mapOk("cartflows", cartFlowsBody("abandoned"));
  ASSERT_EQ(changes.carts.size(), 1u);
  const core::model::CartChange& change = changes.carts[0];
  // sha256("https://shop.example/checkout/?wcf_ac_token=abc"), first 32 hex digits.
  EXPECT_EQ(change.cart.platform_cart_id, "cartflows-63a468a7455521e1a24a7b94ff77fd97");
  EXPECT_EQ(change.cart.state, CartState::kOpen);
  EXPECT_EQ(change.cart.total, (core::model::Money{129990, "TRY"}));
  EXPECT_EQ(change.cart.recovery_url, "https://shop.example/checkout/?wcf_ac_token=abc");
  EXPECT_TRUE(change.cart.contact_captured);
  EXPECT_EQ(change.cart.platform_created_at_ms, kReceivedAt);
  EXPECT_EQ(change.cart.platform_updated_at_ms, kReceivedAt);
  EXPECT_EQ(change.cart.items,
            (std::vector<CartItem>{{0, "", "", "Yün Kazak", 1, 0}, {1, "", "", "Atkı", 1, 0}}));
  ASSERT_TRUE(change.buyer.has_value());
  EXPECT_EQ(change.buyer->platform_customer_id, "");
  EXPECT_EQ(change.buyer->email, "ayse@example.com");
  EXPECT_EQ(change.buyer->phone, "+905321234567");
  EXPECT_TRUE(change.buyer->phone_valid);
  EXPECT_EQ(change.buyer->first_name, "Ayşe");
  EXPECT_EQ(change.buyer->last_name, "Yılmaz");
}

TEST(WooMapping, CartFlowsStatusesAndIdentity) {
  EXPECT_EQ(mapOk("cartflows", cartFlowsBody("normal")).carts[0].cart.state, CartState::kOpen);
  EXPECT_EQ(mapOk("cartflows", cartFlowsBody("completed")).carts[0].cart.state,
            CartState::kCompleted);
  EXPECT_EQ(mapOk("cartflows", cartFlowsBody("lost")).carts[0].cart.state, CartState::kDeleted);
  // Abandoned and later completed: the same cart.
  EXPECT_EQ(mapOk("cartflows", cartFlowsBody("completed")).carts[0].cart.platform_cart_id,
            mapOk("cartflows", cartFlowsBody("abandoned")).carts[0].cart.platform_cart_id);

  // Without a checkout link the e-mail identifies the cart (sha256 of "ayse@example.com").
  ChangeSet by_email = mapOk("cartflows", cartFlowsBody("abandoned", false));
  EXPECT_EQ(by_email.carts[0].cart.platform_cart_id, "cartflows-9b00b0b820caf9556ca074ae455f87d3");
  EXPECT_EQ(by_email.carts[0].cart.recovery_url, "");
}

TEST(WooMapping, CartFlowsRejectsWhatItCannotUse) {
  expectInvalidWithoutPersonalData(mapEvent("cartflows", cartFlowsBody("maybe")), "order_status");
  expectInvalidWithoutPersonalData(
      mapEvent("cartflows",
               "first_name=Ay%C5%9Fe&phone_number=0532+123+45+67&order_status=abandoned"),
      "neither is present");
  std::string bad_total = cartFlowsBody("abandoned");
  bad_total.replace(bad_total.find("1299.90"), 7, "1.299%2C90");
  expectInvalidWithoutPersonalData(mapEvent("cartflows", bad_total),
                                   "cart_total: expected a decimal");
  expectInvalidWithoutPersonalData(mapEvent("cartflows", cartFlowsBody("abandoned") + "&email=%zz"),
                                   "email: malformed percent-encoding");
}

}  // namespace
}  // namespace cartrelay::connectors::woocommerce
