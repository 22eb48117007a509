// The inbox writer (group commit), processor and applier on a real database,
// once per backend: savepoints, quarantine, staleness, requeue, retention and
// the domain events they emit.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "core/inbox/inbox_processor.h"
#include "core/inbox/inbox_writer.h"
#include "core/store/cart_repo.h"
#include "core/store/customer_repo.h"
#include "core/store/domain_event_repo.h"
#include "core/store/inbox_repo.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::inbox {
namespace {

using model::InboxState;

// Maps a tiny test language, so each test states its ChangeSet in the body:
//   {"fail": "why"}                          -> kInvalidArgument (quarantine)
//   {"customer": "c1"}                       -> a customer upsert
//   {"cart": "k1", "updated": 100, "total": 500, "buyer": "c1"}
//   {"order": "o1", "checkout": "k1", "updated": 100}
// A topic of "flaky" fails while `broken` is set.
class ScriptMapper final : public ports::EventMapper {
 public:
  std::atomic<bool> broken{false};

  Result<model::ChangeSet> map(const model::InboxEvent& event,
                               const ports::MappingContext&) const override {
    if (event.topic == "flaky" && broken) return Status::invalidArgument("flaky is broken");
    auto j = nlohmann::json::parse(event.body);
    if (j.contains("fail")) return Status::invalidArgument(j["fail"].get<std::string>());
    model::ChangeSet cs;
    const std::int64_t updated = j.value("updated", 100);
    if (j.contains("customer")) {
      model::Customer c;
      c.platform_customer_id = j["customer"];
      c.email = c.platform_customer_id + "@example.com";
      c.platform_updated_at_ms = updated;
      cs.customers.push_back(c);
    }
    if (j.contains("cart")) {
      model::CartChange cc;
      cc.cart.platform_cart_id = j["cart"];
      cc.cart.total = {j.value("total", 0), "TRY"};
      cc.cart.platform_updated_at_ms = updated;
      if (j.contains("buyer")) {
        model::Customer b;
        b.platform_customer_id = j["buyer"];
        cc.buyer = b;
      }
      cs.carts.push_back(cc);
    }
    if (j.contains("order")) {
      model::OrderChange oc;
      oc.order.platform_order_id = j["order"];
      oc.order.checkout_token = j.value("checkout", "");
      oc.order.total = {j.value("total", 0), "TRY"};
      oc.order.financial_status = "paid";
      oc.order.platform_updated_at_ms = updated;
      cs.orders.push_back(oc);
    }
    return cs;
  }
};

class InboxProcessingTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto shop = db().queryTransaction([&](soci::session& s) {
      return store::ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk()) << shop.status().toString();
    shop_id_ = *shop;
    repo_.emplace(*keys_, clock_);
    InboxProcessor::Options options;
    options.keep_processed_ms = 1000;
    options.keep_quarantined_ms = 5000;
    processor_.emplace(
        db(), *keys_, clock_,
        [this](const model::InboxEvent&) -> Result<InboxProcessor::Route> {
          return InboxProcessor::Route{&mapper_, {}};
        },
        nullptr, options);
  }

  std::int64_t add(const std::string& body, const std::string& topic = "t") {
    model::InboxEvent e;
    e.source = "acme";
    e.shop_id = shop_id_;
    e.platform = "shopify";
    e.topic = topic;
    e.delivery_id = "d" + std::to_string(++deliveries_);
    e.headers_json = "{}";
    e.body = body;
    auto id = db().queryTransaction([&](soci::session& s) { return repo_->insert(s, e); });
    EXPECT_TRUE(id.isOk()) << id.status().toString();
    return id.isOk() ? *id : 0;
  }

  model::InboxEvent event(std::int64_t id) {
    auto e = db().querySession([&](soci::session& s) { return repo_->load(s, id); });
    EXPECT_TRUE(e.isOk() && e->has_value());
    return e.isOk() && e->has_value() ? **e : model::InboxEvent{};
  }

  std::optional<model::Cart> cart(const std::string& id) {
    store::CartRepo carts(*keys_, clock_);
    auto c = db().querySession(
        [&](soci::session& s) { return carts.findByPlatformId(s, shop_id_, id); });
    EXPECT_TRUE(c.isOk());
    return c.isOk() ? *c : std::nullopt;
  }

  std::vector<std::string> eventKinds() {
    store::DomainEventRepo events(clock_);
    store::DomainEventRepo::Filter f;
    f.limit = 1000;
    auto list = db().querySession([&](soci::session& s) { return events.list(s, f); });
    EXPECT_TRUE(list.isOk());
    std::vector<std::string> kinds;
    if (list.isOk()) {
      for (const auto& e : *list) kinds.emplace_back(model::toString(e.kind));
    }
    return kinds;
  }

  InboxProcessor::Counts process() {
    auto counts = processor_->processPending();
    EXPECT_TRUE(counts.isOk()) << counts.status().toString();
    return counts.isOk() ? *counts : InboxProcessor::Counts{};
  }

  std::int64_t shop_id_ = 0;
  int deliveries_ = 0;
  ScriptMapper mapper_;
  std::optional<store::InboxRepo> repo_;
  std::optional<InboxProcessor> processor_;
};

TEST_P(InboxProcessingTest, BadEventsAreQuarantinedWithoutBlockingNeighbours) {
  std::int64_t a = add(R"({"cart": "k1", "total": 500})");
  std::int64_t bad = add(R"({"fail": "line_items[0].price: expected a decimal"})");
  std::int64_t b = add(R"({"cart": "k2", "total": 700})");
  EXPECT_EQ(process(), (InboxProcessor::Counts{2, 0, 1, 0}));
  EXPECT_EQ(event(a).state, InboxState::kDone);
  EXPECT_EQ(event(b).state, InboxState::kDone);
  EXPECT_EQ(event(bad).state, InboxState::kQuarantined);
  EXPECT_EQ(event(bad).reason, "line_items[0].price: expected a decimal");
  ASSERT_TRUE(cart("k1"));
  EXPECT_EQ(cart("k2")->total.minor, 700);
  // Nothing left to do: a second pass is a no-op.
  EXPECT_EQ(process(), (InboxProcessor::Counts{}));
}

TEST_P(InboxProcessingTest, ARefusedChangeLeavesNoPartialRows) {
  // The customer upsert succeeds, then the cart (no platform id) is refused:
  // the savepoint must undo the customer too.
  std::int64_t partial = add(R"({"customer": "c9", "cart": ""})");
  std::int64_t after = add(R"({"customer": "c10"})");
  EXPECT_EQ(process(), (InboxProcessor::Counts{1, 0, 1, 0}));
  EXPECT_EQ(event(partial).state, InboxState::kQuarantined);
  EXPECT_EQ(event(after).state, InboxState::kDone);
  store::CustomerRepo customers(*keys_, clock_);
  auto c9 = db().querySession(
      [&](soci::session& s) { return customers.findByPlatformId(s, shop_id_, "c9"); });
  ASSERT_TRUE(c9.isOk());
  EXPECT_FALSE(c9->has_value());
  auto c10 = db().querySession(
      [&](soci::session& s) { return customers.findByPlatformId(s, shop_id_, "c10"); });
  ASSERT_TRUE(c10.isOk());
  EXPECT_TRUE(c10->has_value());
  EXPECT_EQ(eventKinds(), std::vector<std::string>{"CustomerUpdated"});
}

TEST_P(InboxProcessingTest, AnOlderUpdateIsADuplicateAndChangesNothing) {
  add(R"({"cart": "k1", "updated": 200, "total": 900})");
  std::int64_t old = add(R"({"cart": "k1", "updated": 100, "total": 100})");
  EXPECT_EQ(process(), (InboxProcessor::Counts{1, 1, 0, 0}));
  EXPECT_EQ(event(old).state, InboxState::kDuplicate);
  EXPECT_EQ(cart("k1")->total.minor, 900);
  EXPECT_EQ(eventKinds(), std::vector<std::string>{"CartUpdated"});
}

TEST_P(InboxProcessingTest, AnOrderCompletesItsCartAndALateCartStaysCompleted) {
  add(R"({"cart": "k1", "updated": 100, "buyer": "c1"})");
  add(R"({"order": "o1", "checkout": "k1", "updated": 150})");
  add(R"({"cart": "k1", "updated": 300})");
  EXPECT_EQ(process().done, 3);
  EXPECT_EQ(cart("k1")->state, model::CartState::kCompleted);
  EXPECT_EQ(eventKinds(), (std::vector<std::string>{"CartUpdated", "OrderPlaced", "OrderPaid",
                                                    "CheckoutCompleted", "CartUpdated"}));
}

TEST_P(InboxProcessingTest, AQuarantinedEventCanBeRetried) {
  mapper_.broken = true;
  std::int64_t id = add(R"({"cart": "k5"})", "flaky");
  EXPECT_EQ(process().quarantined, 1);
  mapper_.broken = false;
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) { return repo_->requeue(s, id); }).isOk());
  EXPECT_EQ(process().done, 1);
  EXPECT_TRUE(cart("k5"));
}

TEST_P(InboxProcessingTest, RetentionDeletesProcessedAndExpiredQuarantinedEventsOnly) {
  std::int64_t done = add(R"({"cart": "k1"})");
  std::int64_t bad = add(R"({"fail": "x"})");
  process();
  std::int64_t waiting = add(R"({"cart": "k2"})");  // still received
  clock_.advance(2000);
  auto swept = processor_->sweepRetention();
  ASSERT_TRUE(swept.isOk()) << swept.status().toString();
  EXPECT_EQ(*swept, 1);  // only the processed one: quarantined are kept 5 s
  clock_.advance(5000);
  EXPECT_EQ(*processor_->sweepRetention(), 1);
  auto gone = db().querySession([&](soci::session& s) { return repo_->load(s, done); });
  EXPECT_FALSE(gone->has_value());
  auto gone_bad = db().querySession([&](soci::session& s) { return repo_->load(s, bad); });
  EXPECT_FALSE(gone_bad->has_value());
  EXPECT_EQ(event(waiting).state, InboxState::kReceived);
}

TEST_P(InboxProcessingTest, GroupCommitStoresEveryEventOnceAcrossThreads) {
  std::atomic<int> commits{0};
  InboxWriter writer(db(), *repo_, InboxWriter::Options{}, [&] { ++commits; });
  constexpr int kThreads = 6;
  constexpr int kEach = 20;
  std::atomic<int> stored{0};
  std::atomic<int> duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        model::InboxEvent e;
        e.source = "acme";
        e.shop_id = shop_id_;
        e.platform = "shopify";
        e.topic = "t";
        // Threads 0 and 1 send the same deliveries: one of each pair is a duplicate.
        e.delivery_id = "g-" + std::to_string(t < 2 ? 0 : t) + "-" + std::to_string(i);
        e.headers_json = "{}";
        e.body = R"({"cart": "k1"})";
        auto r = writer.write(std::move(e));
        if (r.isOk()) ++stored;
        if (!r.isOk() && r.status().code() == Status::Code::kDuplicate) ++duplicates;
      }
    });
  }
  for (auto& t : threads) t.join();
  writer.stop();
  EXPECT_EQ(stored, (kThreads - 1) * kEach);
  EXPECT_EQ(duplicates, kEach);
  EXPECT_GE(commits, 1);
  auto counts = db().querySession([&](soci::session& s) { return repo_->countByState(s); });
  ASSERT_TRUE(counts.isOk());
  EXPECT_EQ(counts->at(InboxState::kReceived), (kThreads - 1) * kEach);
  // After stop() nothing more is accepted.
  model::InboxEvent late;
  late.source = "acme";
  late.platform = "shopify";
  late.topic = "t";
  late.delivery_id = "late";
  EXPECT_EQ(writer.write(late).status().code(), Status::Code::kUnavailable);
}

TEST_P(InboxProcessingTest, ABusyIntakeDelaysButNeverStarvesProcessing) {
  // A flood: every look at the intake finds a billion more events than the
  // last. The processor compares arrivals with the time since its previous
  // look, which on a loaded machine (a slow MariaDB insert before the first
  // look) can be seconds; no real elapsed time makes a billion look quiet.
  std::atomic<std::uint64_t> total{0};
  std::atomic<std::uint64_t> per_look{1'000'000'000};
  std::atomic<int> asked{0};
  InboxProcessor::Options options;
  options.intake_total = [&] {
    ++asked;
    return total += per_look.load();
  };
  options.yield_for = std::chrono::milliseconds(5);
  options.max_yield = std::chrono::milliseconds(20);
  InboxProcessor busy(
      db(), *keys_, clock_,
      [this](const model::InboxEvent&) -> Result<InboxProcessor::Route> {
        return InboxProcessor::Route{&mapper_, {}};
      },
      nullptr, options);
  add(R"({"cart": "k1"})");
  auto counts = busy.processPending();
  ASSERT_TRUE(counts.isOk());
  EXPECT_EQ(counts->done, 1);  // processed although the intake never got quiet
  EXPECT_GT(asked.load(), 1);  // ...after yielding to it
  // A quiet intake: processing goes ahead without pausing.
  per_look = 0;
  asked = 0;
  add(R"({"cart": "k2"})");
  EXPECT_EQ(busy.processPending()->done, 1);
  EXPECT_EQ(asked.load(), 1);
}

CARTRELAY_STORE_SUITE(InboxProcessingTest);

}  // namespace
}  // namespace cartrelay::core::inbox
