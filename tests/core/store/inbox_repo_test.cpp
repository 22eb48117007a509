#include "core/store/inbox_repo.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "tests/core/store/store_test_support.h"

namespace cartrelay::core::store {
namespace {

using model::InboxEvent;
using model::InboxState;

class InboxRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    inbox_.emplace(*keys_, clock_);
    auto shop = db().queryTransaction([&](soci::session& s) {
      return ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk()) << shop.status().toString();
    shop_id_ = *shop;
  }

  InboxEvent event(const std::string& delivery_id) const {
    InboxEvent e;
    e.source = "acme";
    e.shop_id = shop_id_;
    e.platform = "shopify";
    e.topic = "checkouts/update";
    e.delivery_id = delivery_id;
    e.headers_json =
        R"({"X-Shopify-Topic":"checkouts/update","X-Shopify-Shop-Domain":"acme.myshopify.com"})";
    e.body =
        R"({"id":1,"email":"ayse@example.com","phone":"+905321234567","billing_address":{"first_name":"Ayşe","city":"İstanbul"}})";
    return e;
  }

  Result<std::int64_t> insert(const InboxEvent& e) {
    return db().queryTransaction([&](soci::session& s) { return inbox_->insert(s, e); });
  }

  std::optional<InboxEvent> load(std::int64_t id) {
    auto got = db().querySession([&](soci::session& s) { return inbox_->load(s, id); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::nullopt;
  }

  std::vector<InboxEvent> list(const InboxRepo::Filter& f) {
    auto got = db().querySession([&](soci::session& s) { return inbox_->list(s, f); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::vector<InboxEvent>{};
  }

  std::optional<InboxRepo> inbox_;
  std::int64_t shop_id_ = 0;
};

TEST_P(InboxRepoTest, StoresTheRawBodyByteExact) {
  InboxEvent in = event("d-1");
  in.body += std::string("\x00\x01\xFF binary tail", 16);
  auto id = insert(in);
  ASSERT_TRUE(id.isOk()) << id.status().toString();
  auto loaded = load(*id);
  ASSERT_TRUE(loaded);
  InboxEvent expected = in;
  expected.id = *id;
  expected.received_at_ms = clock_.nowMillis();
  expected.state = InboxState::kReceived;
  EXPECT_EQ(*loaded, expected);
}

TEST_P(InboxRepoTest, DuplicateDeliveryIsReportedNotStoredTwice) {
  auto first = insert(event("d-1"));
  ASSERT_TRUE(first.isOk());
  auto again = insert(event("d-1"));
  EXPECT_EQ(again.status().code(), Status::Code::kDuplicate) << again.status().toString();
  EXPECT_EQ(rawRows("SELECT id FROM inbox").size(), 1u);

  // The same delivery id from another source is a different delivery.
  InboxEvent other = event("d-1");
  other.source = "whatsapp";
  other.shop_id.reset();
  other.platform = "whatsapp";
  auto second = insert(other);
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_NE(*second, *first);
}

TEST_P(InboxRepoTest, BodyIsEncryptedAtRest) {
  ASSERT_TRUE(insert(event("d-1")).isOk());
  for (const auto& row : rawRows("SELECT * FROM inbox")) {
    for (const std::string& cell : row) {
      for (const char* secret : {"ayse@example.com", "+905321234567", "Ayşe", "İstanbul"}) {
        EXPECT_EQ(cell.find(secret), std::string::npos) << secret << " in " << cell;
      }
    }
  }
}

TEST_P(InboxRepoTest, StateTransitionsAndListing) {
  auto a = insert(event("a"));
  clock_.advance(10);
  auto b = insert(event("b"));
  clock_.advance(10);
  auto c = insert(event("c"));
  ASSERT_TRUE(a.isOk() && b.isOk() && c.isOk());

  clock_.advance(1000);
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->recordFailedAttempt(s, *b, "store unavailable");
                  })
                  .isOk());
  ASSERT_TRUE(
      db().withTransaction([&](soci::session& s) { return inbox_->markDone(s, *a); }).isOk());
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->markQuarantined(s, *c, "malformed JSON at offset 17");
                  })
                  .isOk());

  InboxRepo::Filter received;
  received.state = InboxState::kReceived;
  auto pending = list(received);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, *b);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_EQ(pending[0].reason, "store unavailable");
  EXPECT_FALSE(pending[0].processed_at_ms);
  EXPECT_FALSE(pending[0].body.empty());

  InboxRepo::Filter quarantined;
  quarantined.state = InboxState::kQuarantined;
  quarantined.with_body = false;
  auto bad = list(quarantined);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].reason, "malformed JSON at offset 17");
  EXPECT_EQ(bad[0].processed_at_ms, clock_.nowMillis());
  EXPECT_TRUE(bad[0].body.empty());

  auto done = load(*a);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, InboxState::kDone);
  EXPECT_TRUE(done->reason.empty());

  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->markDuplicate(s, *b, "same change as event 1");
                  })
                  .isOk());
  EXPECT_EQ(load(*b)->state, InboxState::kDuplicate);

  InboxRepo::Filter all;
  all.source = "acme";
  all.limit = 2;
  auto page = list(all);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, *a);
  EXPECT_EQ(page[1].id, *b);

  EXPECT_EQ(
      db().withTransaction([&](soci::session& s) { return inbox_->markDone(s, 987654); }).code(),
      Status::Code::kNotFound);
}

TEST_P(InboxRepoTest, RejectsIncompleteOrNonUtf8Events) {
  InboxEvent e = event("");
  EXPECT_EQ(insert(e).status().code(), Status::Code::kInvalidArgument);
  e = event("d");
  e.topic =
      "orders/\xC3"
      "(create";
  EXPECT_EQ(insert(e).status().code(), Status::Code::kInvalidArgument);
  e = event("d");
  e.shop_id = 4242;
  EXPECT_EQ(insert(e).status().code(), Status::Code::kInvalidArgument);
  e = event("d-'); DELETE FROM inbox; --");
  e.topic = "orders/create 🛒 Ğ";
  auto ok = insert(e);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ(load(*ok)->delivery_id, e.delivery_id);
  EXPECT_EQ(load(*ok)->topic, e.topic);
}

TEST_P(InboxRepoTest, InsertRolledBackWithItsTransaction) {
  Status status = db().withTransaction([&](soci::session& s) -> Status {
    auto id = inbox_->insert(s, event("d-1"));
    if (!id.isOk()) return id.status();
    return Status::internal("fail after insert");
  });
  EXPECT_EQ(status.code(), Status::Code::kInternal);
  EXPECT_TRUE(rawRows("SELECT id FROM inbox").empty());
  // The delivery can be stored again once the failure is over.
  EXPECT_TRUE(insert(event("d-1")).isOk());
}

CARTRELAY_STORE_SUITE(InboxRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
