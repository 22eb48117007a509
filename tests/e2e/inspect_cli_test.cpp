// The operator's inspection commands (`inbox list|retry`, `carts list`,
// `orders list`, `customers show`) run as the real binary against a SQLite
// store seeded through the real repositories.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/model/cart.h"
#include "core/model/customer.h"
#include "core/model/inbox_event.h"
#include "core/model/order.h"
#include "core/model/shop.h"
#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/database.h"
#include "core/store/inbox_repo.h"
#include "core/store/order_repo.h"
#include "core/store/shop_repo.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "tests/e2e/daemon_harness.h"

namespace cartrelay::testing {
namespace {

using nlohmann::json;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// 2026-03-01T10:00:00.000Z and friends.
constexpr std::int64_t kT0 = 1772359200000;

// What the seeded store holds, by store id.
struct Seeded {
  std::int64_t acme = 0;
  std::int64_t woo = 0;
  std::int64_t ayse = 0;
  std::int64_t done_event = 0;
  std::int64_t quarantined_event = 0;
  std::int64_t received_event = 0;
  std::int64_t open_cart = 0;
  std::int64_t completed_cart = 0;
  std::int64_t order = 0;
};

template <typename T>
T valueOrFail(core::Result<T> result) {
  EXPECT_TRUE(result.isOk()) << result.status().toString();
  if (!result.isOk()) throw std::runtime_error(result.status().toString());
  return std::move(result).value();
}

class InspectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.writeConfig(
        "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
        "webhook_secret = test_secret\ncountry = TR\ncurrency = TRY\n"
        "[shop.woo]\nplatform = woocommerce\nbase_url = https://woo.example.com\n"
        "webhook_secret = test_secret\ncountry = DE\ncurrency = EUR\n");
    ASSERT_EQ(h_.cli({"keygen"}).exit_code, 0);
    CommandResult migrated = h_.cli({"migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    seed();
  }

  void seed() {
    core::KeyRing keys = valueOrFail(core::KeyRing::load(h_.dir().file("keys")));
    core::SystemClock clock;
    core::store::DatabaseOptions options;
    options.url = "sqlite://" + h_.dir().file("cartrelay.db");
    std::unique_ptr<core::store::Database> db =
        valueOrFail(core::store::Database::open(options, nullptr));

    core::store::ShopRepo shops(clock);
    core::store::CustomerRepo customers(keys, clock);
    core::store::CartRepo carts(keys, clock);
    core::store::OrderRepo orders(clock);
    core::store::InboxRepo inbox(keys, clock);

    core::Status seeded = db->withTransaction([&](soci::session& s) -> core::Status {
      CARTRELAY_ASSIGN_OR_RETURN(s_.acme, shops.ensure(s, "acme", core::model::Platform::kShopify));
      CARTRELAY_ASSIGN_OR_RETURN(s_.woo,
                                 shops.ensure(s, "woo", core::model::Platform::kWooCommerce));

      core::model::Customer ayse;
      ayse.shop_id = s_.acme;
      ayse.platform_customer_id = "207119551";
      ayse.phone = "+905321234567";
      ayse.phone_valid = true;
      ayse.email = "Ayse.Yilmaz@Example.com";
      ayse.first_name = "Ayşe";
      ayse.last_name = "Yılmaz";
      ayse.address.city = "İstanbul";
      ayse.address.country_code = "TR";
      ayse.birthday = "1990-05-17";
      ayse.tags = {"vip", "newsletter"};
      ayse.platform_updated_at_ms = kT0;
      CARTRELAY_ASSIGN_OR_RETURN(auto customer, customers.upsert(s, ayse));
      s_.ayse = customer.id;

      core::model::Cart open;
      open.shop_id = s_.acme;
      open.platform_cart_id = "chk-open-1";
      open.customer_id = s_.ayse;
      open.total = {129990, "TRY"};
      open.contact_captured = true;
      open.platform_created_at_ms = kT0;
      open.platform_updated_at_ms = kT0 + 60'000;
      open.items = {{0, "p1", "v1", "Kahve Fincanı", 2, 49995},
                    {1, "p2", "v2", "Demlik", 1, 30000}};
      CARTRELAY_ASSIGN_OR_RETURN(auto open_cart, carts.upsert(s, open));
      s_.open_cart = open_cart.id;

      core::model::Cart completed;
      completed.shop_id = s_.woo;
      completed.platform_cart_id = "woo-cart-9";
      completed.total = {1234, "KWD"};
      completed.state = core::model::CartState::kCompleted;
      completed.platform_created_at_ms = kT0;
      completed.platform_updated_at_ms = kT0;
      CARTRELAY_ASSIGN_OR_RETURN(auto completed_cart, carts.upsert(s, completed));
      s_.completed_cart = completed_cart.id;

      core::model::Order order;
      order.shop_id = s_.acme;
      order.platform_order_id = "820982911946154508";
      order.name = "#1001";
      order.customer_id = s_.ayse;
      order.checkout_token = "chk-open-1";
      order.total = {1500, "JPY"};
      order.financial_status = "paid";
      order.fulfillment_status = "fulfilled";
      order.placed_at_ms = kT0 + 120'000;
      order.platform_updated_at_ms = kT0 + 120'000;
      order.items = {{0, "p1", "v1", "Kahve Fincanı", 1, 1500}};
      CARTRELAY_ASSIGN_OR_RETURN(auto stored_order, orders.upsert(s, order));
      s_.order = stored_order.id;

      auto event = [](std::string source, std::string platform, std::string topic,
                      std::string delivery) {
        core::model::InboxEvent e;
        e.source = std::move(source);
        e.platform = std::move(platform);
        e.topic = std::move(topic);
        e.delivery_id = std::move(delivery);
        e.headers_json = "{}";
        e.body = R"({"secret_body_marker":"+905321234567"})";
        e.received_at_ms = kT0;
        return e;
      };
      CARTRELAY_ASSIGN_OR_RETURN(
          s_.done_event, inbox.insert(s, event("acme", "shopify", "orders/create", "evt-done-1")));
      CARTRELAY_RETURN_IF_ERROR(inbox.markDone(s, s_.done_event));
      CARTRELAY_ASSIGN_OR_RETURN(
          s_.quarantined_event,
          inbox.insert(s, event("woo", "woocommerce", "order.created", "evt-bad-2")));
      CARTRELAY_RETURN_IF_ERROR(
          inbox.markQuarantined(s, s_.quarantined_event, "mapping: line_items\tis not an array"));
      CARTRELAY_ASSIGN_OR_RETURN(
          s_.received_event,
          inbox.insert(s, event("acme", "shopify", "checkouts/update", "evt-new-3")));
      return core::Status::ok();
    });
    ASSERT_TRUE(seeded.isOk()) << seeded.toString();
  }

  // Runs the command and parses its output as JSON (stdout and stderr are
  // captured together: a successful --json command writes nothing else).
  json cliJson(const std::vector<std::string>& args) {
    CommandResult r = h_.cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    json parsed = json::parse(r.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << r.output;
    return parsed;
  }

  DaemonHarness h_;
  Seeded s_;
};

TEST_F(InspectCli, InboxListShowsEveryEventAlignedAndNeverTheBody) {
  CommandResult r = h_.cli({"inbox", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "ID  SHOP  PLATFORM     TOPIC")) << r.output;
  EXPECT_TRUE(contains(r.output, "evt-done-1")) << r.output;
  EXPECT_TRUE(contains(r.output, "evt-bad-2")) << r.output;
  EXPECT_TRUE(contains(r.output, "evt-new-3")) << r.output;
  EXPECT_TRUE(contains(r.output, "2026-03-01T10:00:00.000Z")) << r.output;
  // The tab in the stored reason is flattened, not a column break.
  EXPECT_TRUE(contains(r.output, "mapping: line_items is not an array")) << r.output;
  EXPECT_FALSE(contains(r.output, "secret_body_marker")) << r.output;
  EXPECT_FALSE(contains(r.output, "+905321234567")) << r.output;

  // Columns line up: every row starts its TOPIC column where the header does.
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; start < r.output.size(); start = end + 1) {
    end = r.output.find('\n', start);
    if (end == std::string::npos) end = r.output.size();
    lines.push_back(r.output.substr(start, end - start));
  }
  ASSERT_GE(lines.size(), 4u);
  std::size_t topic_column = lines[0].find("TOPIC");
  EXPECT_EQ(lines[1].find("orders/create"), topic_column) << r.output;
  EXPECT_EQ(lines[2].find("order.created"), topic_column) << r.output;
  EXPECT_EQ(lines[3].find("checkouts/update"), topic_column) << r.output;
}

TEST_F(InspectCli, InboxListFiltersByStateAndShopAndPrintsJson) {
  CommandResult quarantined = h_.cli({"inbox", "list", "--state", "quarantined"});
  ASSERT_EQ(quarantined.exit_code, 0) << quarantined.output;
  EXPECT_TRUE(contains(quarantined.output, "evt-bad-2")) << quarantined.output;
  EXPECT_FALSE(contains(quarantined.output, "evt-done-1")) << quarantined.output;
  EXPECT_FALSE(contains(quarantined.output, "evt-new-3")) << quarantined.output;

  json all = cliJson({"inbox", "list", "--json"});
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), 3u);
  const json& bad = all[1];
  EXPECT_EQ(bad["id"], s_.quarantined_event);
  EXPECT_EQ(bad["shop"], "woo");
  EXPECT_EQ(bad["platform"], "woocommerce");
  EXPECT_EQ(bad["topic"], "order.created");
  EXPECT_EQ(bad["delivery_id"], "evt-bad-2");
  EXPECT_EQ(bad["received_at"], "2026-03-01T10:00:00.000Z");
  EXPECT_EQ(bad["state"], "quarantined");
  EXPECT_EQ(bad["attempts"], 0);
  EXPECT_EQ(bad["reason"], "mapping: line_items\tis not an array");
  EXPECT_FALSE(bad.contains("body"));
  EXPECT_EQ(all[0]["state"], "done");
  EXPECT_TRUE(all[0]["processed_at"].is_string());
  EXPECT_TRUE(all[2]["processed_at"].is_null());

  json acme = cliJson({"inbox", "list", "--shop", "acme", "--json"});
  ASSERT_EQ(acme.size(), 2u);
  EXPECT_EQ(acme[0]["delivery_id"], "evt-done-1");
  EXPECT_EQ(acme[1]["delivery_id"], "evt-new-3");

  json paged = cliJson(
      {"inbox", "list", "--after", std::to_string(s_.done_event), "--limit", "1", "--json"});
  ASSERT_EQ(paged.size(), 1u);
  EXPECT_EQ(paged[0]["delivery_id"], "evt-bad-2");
  CommandResult cut = h_.cli({"inbox", "list", "--limit", "2"});
  EXPECT_EQ(cut.exit_code, 0);
  EXPECT_TRUE(contains(cut.output, "more with --after " + std::to_string(s_.quarantined_event)))
      << cut.output;
}

TEST_F(InspectCli, InboxRetryRequeuesOnlyQuarantinedEvents) {
  const std::string id = std::to_string(s_.quarantined_event);
  CommandResult retried = h_.cli({"inbox", "retry", id});
  ASSERT_EQ(retried.exit_code, 0) << retried.output;
  json received = cliJson({"inbox", "list", "--state", "received", "--json"});
  bool found = false;
  for (const json& e : received) {
    if (e["id"] == s_.quarantined_event) {
      found = true;
      EXPECT_EQ(e["attempts"], 0);
      EXPECT_EQ(e["reason"], "");
    }
  }
  EXPECT_TRUE(found) << received.dump();
  EXPECT_EQ(cliJson({"inbox", "list", "--state", "quarantined", "--json"}).size(), 0u);

  CommandResult again = h_.cli({"inbox", "retry", id});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_TRUE(contains(again.output, "not quarantined")) << again.output;
  CommandResult missing = h_.cli({"inbox", "retry", "999999"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_TRUE(contains(missing.output, "no inbox event 999999")) << missing.output;
}

TEST_F(InspectCli, CartsListShowsDecimalTotalsItemsAndFiltersByState) {
  CommandResult r = h_.cli({"carts", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "1299.90 TRY")) << r.output;
  EXPECT_TRUE(contains(r.output, "1.234 KWD")) << r.output;
  EXPECT_TRUE(contains(r.output, "chk-open-1")) << r.output;
  EXPECT_TRUE(contains(r.output, "2026-03-01T10:01:00.000Z")) << r.output;

  json open = cliJson({"carts", "list", "--state", "open", "--json"});
  ASSERT_EQ(open.size(), 1u);
  const json& c = open[0];
  EXPECT_EQ(c["id"], s_.open_cart);
  EXPECT_EQ(c["shop"], "acme");
  EXPECT_EQ(c["platform_cart_id"], "chk-open-1");
  EXPECT_EQ(c["customer_id"], s_.ayse);
  EXPECT_EQ(c["total"], "1299.90");
  EXPECT_EQ(c["currency"], "TRY");
  EXPECT_EQ(c["total_minor"], 129990);
  EXPECT_EQ(c["contact_captured"], true);
  EXPECT_EQ(c["state"], "open");
  EXPECT_EQ(c["updated_at"], "2026-03-01T10:01:00.000Z");
  ASSERT_EQ(c["items"].size(), 2u);
  EXPECT_EQ(c["items"][0]["title"], "Kahve Fincanı");
  EXPECT_EQ(c["items"][0]["quantity"], 2);
  EXPECT_EQ(c["items"][0]["unit_price"], "499.95");
  EXPECT_FALSE(contains(c.dump(), "recovery")) << "the recovery link is a bearer secret";

  json woo = cliJson({"carts", "list", "--shop", "woo", "--json"});
  ASSERT_EQ(woo.size(), 1u);
  EXPECT_EQ(woo[0]["state"], "completed");
  EXPECT_TRUE(woo[0]["customer_id"].is_null());
  EXPECT_EQ(cliJson({"carts", "list", "--state", "deleted", "--json"}).size(), 0u);
}

TEST_F(InspectCli, OrdersListShowsStatusesTokensAndTotals) {
  CommandResult r = h_.cli({"orders", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "#1001")) << r.output;
  EXPECT_TRUE(contains(r.output, "1500 JPY")) << r.output;
  EXPECT_TRUE(contains(r.output, "FULFILMENT")) << r.output;

  json orders = cliJson({"orders", "list", "--shop", "acme", "--json"});
  ASSERT_EQ(orders.size(), 1u);
  const json& o = orders[0];
  EXPECT_EQ(o["id"], s_.order);
  EXPECT_EQ(o["platform_order_id"], "820982911946154508");
  EXPECT_EQ(o["name"], "#1001");
  EXPECT_EQ(o["customer_id"], s_.ayse);
  EXPECT_EQ(o["total"], "1500");
  EXPECT_EQ(o["currency"], "JPY");
  EXPECT_EQ(o["financial_status"], "paid");
  EXPECT_EQ(o["fulfillment_status"], "fulfilled");
  EXPECT_EQ(o["checkout_token"], "chk-open-1");
  EXPECT_EQ(o["placed_at"], "2026-03-01T10:02:00.000Z");
  EXPECT_EQ(o["items"].size(), 1u);
  EXPECT_EQ(cliJson({"orders", "list", "--shop", "woo", "--json"}).size(), 0u);
}

TEST_F(InspectCli, CustomersShowFindsTheE164CustomerFromALocalTurkishNumber) {
  for (const char* typed : {"0532 123 45 67", "+90 (532) 123 45 67", "05321234567"}) {
    CommandResult r = h_.cli({"customers", "show", "--phone", typed});
    ASSERT_EQ(r.exit_code, 0) << typed << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "+905321234567")) << r.output;
    EXPECT_TRUE(contains(r.output, "Ayşe Yılmaz")) << r.output;
    EXPECT_TRUE(contains(r.output, "İstanbul")) << r.output;
    EXPECT_TRUE(contains(r.output, "vip, newsletter")) << r.output;
  }

  json found = cliJson({"customers", "show", "--email", "  ayse.yilmaz@EXAMPLE.com", "--json"});
  ASSERT_EQ(found.size(), 1u);
  const json& c = found[0];
  EXPECT_EQ(c["id"], s_.ayse);
  EXPECT_EQ(c["shop"], "acme");
  EXPECT_EQ(c["platform_customer_id"], "207119551");
  EXPECT_EQ(c["phone"], "+905321234567");
  EXPECT_EQ(c["phone_valid"], true);
  EXPECT_EQ(c["email"], "Ayse.Yilmaz@Example.com");
  EXPECT_EQ(c["first_name"], "Ayşe");
  EXPECT_EQ(c["last_name"], "Yılmaz");
  EXPECT_EQ(c["address"]["city"], "İstanbul");
  EXPECT_EQ(c["address"]["country_code"], "TR");
  EXPECT_EQ(c["birthday"], "1990-05-17");
  EXPECT_EQ(c["tags"], json::array({"vip", "newsletter"}));
  EXPECT_EQ(c["erased"], false);

  // --shop narrows the search, and its country reads the local number: the
  // DE shop has no such customer (and 0532... is no German mobile).
  EXPECT_EQ(h_.cli({"customers", "show", "--phone", "0532 123 45 67", "--shop", "acme"}).exit_code,
            0);
  CommandResult other = h_.cli({"customers", "show", "--phone", "0532 123 45 67", "--shop", "woo"});
  EXPECT_EQ(other.exit_code, 1) << other.output;
}

TEST_F(InspectCli, CustomersShowExitsOneWhenNobodyMatches) {
  CommandResult unknown = h_.cli({"customers", "show", "--phone", "0555 000 00 00"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "no customer matches")) << unknown.output;
  EXPECT_FALSE(contains(unknown.output, "0555")) << "the looked-up value is not echoed";
  CommandResult json_unknown = h_.cli({"customers", "show", "--email", "x@y.z", "--json"});
  EXPECT_EQ(json_unknown.exit_code, 1);
  EXPECT_TRUE(contains(json_unknown.output, "[]")) << json_unknown.output;
}

TEST_F(InspectCli, BadFlagsAndValuesAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"inbox", "list", "--state", "finished"},
      {"inbox", "list", "--limit", "0"},
      {"inbox", "list", "--limit", "10001"},
      {"inbox", "list", "--limit", "many"},
      {"inbox", "list", "--bogus"},
      {"inbox", "list", "--shop", "nosuchshop"},
      {"inbox", "list", "extra-argument"},
      {"inbox", "retry"},
      {"inbox", "retry", "abc"},
      {"inbox", "retry", "-5"},
      {"inbox", "retry", "1", "2"},
      {"inbox", "frobnicate"},
      {"inbox"},
      {"carts", "list", "--state", "abandoned"},
      {"carts", "list", "--after", "-1"},
      {"orders", "list", "--state", "open"},
      {"customers", "show"},
      {"customers", "show", "--phone", "1", "--email", "a@b.c"},
      {"customers", "show", "--phone", "0532 123 45 67", "--shop", "nosuchshop"},
  };
  for (const auto& args : bad) {
    CommandResult r = h_.cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.output;
    EXPECT_FALSE(r.output.empty()) << joined;
  }
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"inbox", "list"},
                                             {"inbox", "retry"},
                                             {"carts", "list"},
                                             {"orders", "list"},
                                             {"customers", "show"},
                                             {"replay"}}) {
    std::vector<std::string> argv{CARTRELAY_BINARY};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    argv.push_back("--help");
    CommandResult help = runCommand(argv);
    EXPECT_EQ(help.exit_code, 0) << cmd[0];
    EXPECT_TRUE(contains(help.output, "--config")) << help.output;
  }
  CommandResult group_help = runCommand({CARTRELAY_BINARY, "inbox", "--help"});
  EXPECT_EQ(group_help.exit_code, 0);
  EXPECT_TRUE(contains(group_help.output, "inbox retry")) << group_help.output;
  CommandResult pii = runCommand({CARTRELAY_BINARY, "customers", "show", "--help"});
  EXPECT_TRUE(contains(pii.output, "IN CLEAR")) << pii.output;
}

TEST(InspectCliStore, MissingDatabaseOrKeysAreReportedNotCreated) {
  DaemonHarness h;
  h.writeConfig();
  // No keys yet: a configuration problem, like `run`.
  CommandResult no_keys = h.cli({"inbox", "list"});
  EXPECT_EQ(no_keys.exit_code, 2) << no_keys.output;
  EXPECT_TRUE(contains(no_keys.output, "daemon.key_dir")) << no_keys.output;
  ASSERT_EQ(h.cli({"keygen"}).exit_code, 0);
  // Keys but no database: exit 1, and no empty database file appears.
  CommandResult no_db = h.cli({"carts", "list"});
  EXPECT_EQ(no_db.exit_code, 1) << no_db.output;
  EXPECT_TRUE(contains(no_db.output, "does not exist")) << no_db.output;
  EXPECT_FALSE(std::filesystem::exists(h.dir().file("cartrelay.db")));
  ASSERT_EQ(h.cli({"migrate"}).exit_code, 0);
  CommandResult empty = h.cli({"orders", "list", "--json"});
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(empty.output, "[]\n");
}

}  // namespace
}  // namespace cartrelay::testing
