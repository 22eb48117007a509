#include "core/store/inbox_repo.h"

#include <functional>
#include <map>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/detail/pii.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

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

TEST_P(InboxRepoTest, BatchInsertAnswersEachEventOnItsOwn) {
  InboxEvent stranger = event("d-3");
  stranger.shop_id = shop_id_ + 1000;  // no such shop
  std::vector<InboxRepo::SealedEvent> sealed;
  for (const InboxEvent& e : {event("d-1"), event("d-2"), event("d-1"), stranger, event("d-4")}) {
    auto one = inbox_->seal(e);
    ASSERT_TRUE(one.isOk()) << one.status().toString();
    sealed.push_back(std::move(one).value());
  }
  std::vector<const InboxRepo::SealedEvent*> batch;
  for (const auto& e : sealed) batch.push_back(&e);

  auto outcomes =
      db().queryTransaction([&](soci::session& s) { return inbox_->insertSealed(s, batch); });
  ASSERT_TRUE(outcomes.isOk()) << outcomes.status().toString();
  ASSERT_EQ(outcomes->size(), 5u);
  ASSERT_TRUE((*outcomes)[0].isOk());
  ASSERT_TRUE((*outcomes)[1].isOk());
  // The same delivery twice in one batch: the second is the duplicate.
  EXPECT_EQ((*outcomes)[2].status().code(), Status::Code::kDuplicate);
  EXPECT_EQ((*outcomes)[3].status().code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE((*outcomes)[4].isOk());
  EXPECT_LT(*(*outcomes)[0], *(*outcomes)[1]);
  EXPECT_LT(*(*outcomes)[1], *(*outcomes)[4]);
  EXPECT_EQ(rawRows("SELECT id FROM inbox").size(), 3u);
  for (std::size_t i : {0u, 1u, 4u}) {
    auto loaded = load(*(*outcomes)[i]);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->body, event("d-1").body);
  }
  EXPECT_EQ(load(*(*outcomes)[4])->delivery_id, "d-4");
}

TEST_P(InboxRepoTest, SealRefusesWhatInsertRefuses) {
  InboxEvent no_topic = event("d-1");
  no_topic.topic.clear();
  EXPECT_EQ(inbox_->seal(no_topic).status().code(), Status::Code::kInvalidArgument);
  InboxEvent bad_text = event("d-1");
  bad_text.headers_json = std::string("{\"x\":\"\xC3\"}");
  EXPECT_EQ(inbox_->seal(bad_text).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(InboxRepoTest, BodyMovedToAnotherRowDoesNotDecrypt) {
  auto a = insert(event("d-1"));
  auto b = insert(event("d-2"));
  ASSERT_TRUE(a.isOk() && b.isOk());
  // Copy row a's key and ciphertext over row b's: the body is bound to its
  // delivery, so it must not turn up as row b's body.
  auto cells = rawRows("SELECT data_key, body_enc FROM inbox WHERE id = " + std::to_string(*a));
  ASSERT_EQ(cells.size(), 1u);
  exec("UPDATE inbox SET data_key = '" + cells[0][0] + "', body_enc = '" + cells[0][1] +
       "' WHERE id = " + std::to_string(*b));
  auto moved = db().querySession([&](soci::session& s) { return inbox_->load(s, *b); });
  EXPECT_EQ(moved.status().code(), Status::Code::kPermanent) << moved.status().toString();
  ASSERT_TRUE(load(*a));
}

TEST_P(InboxRepoTest, RowsSealedToTheirIdBeforeSchema3StillRead) {
  InboxEvent in = event("d-1");
  auto id = insert(in);
  ASSERT_TRUE(id.isOk());
  // Rewrite the row the way the store wrote it before migration 3: body
  // uncompressed, sealed to "inbox.body:<id>", body_format 0.
  auto cells = rawRows("SELECT data_key FROM inbox WHERE id = " + std::to_string(*id));
  ASSERT_EQ(cells.size(), 1u);
  auto key = detail::unwrapRowKey(keys_->cipher(), cells[0][0]);
  ASSERT_TRUE(key.isOk());
  auto legacy = detail::sealCell(*key, in.body, "inbox.body", *id);
  ASSERT_TRUE(legacy.isOk());
  exec("UPDATE inbox SET body_format = 0, body_enc = '" + *legacy +
       "' WHERE id = " + std::to_string(*id));
  auto loaded = load(*id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->body, in.body);
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

TEST_P(InboxRepoTest, RequeueMovesOnlyQuarantinedEventsBack) {
  auto id = insert(event("d-1"));
  ASSERT_TRUE(id.isOk());
  auto requeue = [&](std::int64_t which) {
    return db().withTransaction([&](soci::session& s) { return inbox_->requeue(s, which); });
  };
  EXPECT_EQ(requeue(*id).code(), Status::Code::kInvalidArgument);  // still received
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->recordFailedAttempt(s, *id, "store unavailable");
                  })
                  .isOk());
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->markQuarantined(s, *id, "unknown topic");
                  })
                  .isOk());
  ASSERT_EQ(load(*id)->attempts, 1);

  Status status = requeue(*id);
  ASSERT_TRUE(status.isOk()) << status.toString();
  auto back = load(*id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->state, InboxState::kReceived);
  EXPECT_EQ(back->attempts, 0);
  EXPECT_TRUE(back->reason.empty());
  EXPECT_FALSE(back->processed_at_ms);
  EXPECT_EQ(back->body, event("d-1").body);  // still readable for the next pass
  InboxRepo::Filter received;
  received.state = InboxState::kReceived;
  ASSERT_EQ(list(received).size(), 1u);

  EXPECT_EQ(requeue(*id).code(), Status::Code::kInvalidArgument);  // already requeued
  ASSERT_TRUE(
      db().withTransaction([&](soci::session& s) { return inbox_->markDone(s, *id); }).isOk());
  Status done = requeue(*id);
  EXPECT_EQ(done.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(done.message().find("done"), std::string::npos) << done.toString();
  EXPECT_EQ(requeue(987654).code(), Status::Code::kNotFound);
}

TEST_P(InboxRepoTest, DeleteExpiredCountsAndNeverTouchesReceivedRows) {
  // t0: everything arrives.
  const std::int64_t t0 = clock_.nowMillis();
  std::map<std::string, std::int64_t> ids;
  for (const char* name : {"old-done", "old-dup", "old-quar", "old-received", "new-done",
                           "new-quar", "failed-received"}) {
    auto id = insert(event(name));
    ASSERT_TRUE(id.isOk()) << id.status().toString();
    ids[name] = *id;
  }
  auto apply = [&](const std::function<Status(soci::session&)>& fn) {
    ASSERT_TRUE(db().withTransaction(fn).isOk());
  };
  // t0 + 1 s: the old ones are processed.
  clock_.advance(1000);
  apply([&](soci::session& s) { return inbox_->markDone(s, ids["old-done"]); });
  apply([&](soci::session& s) { return inbox_->markDuplicate(s, ids["old-dup"], "same"); });
  apply([&](soci::session& s) { return inbox_->markQuarantined(s, ids["old-quar"], "bad"); });
  apply([&](soci::session& s) {
    return inbox_->recordFailedAttempt(s, ids["failed-received"], "store unavailable");
  });
  // t0 + 10 s: the new ones are processed; one more quarantined arrives.
  clock_.advance(9000);
  apply([&](soci::session& s) { return inbox_->markDone(s, ids["new-done"]); });
  apply([&](soci::session& s) { return inbox_->markQuarantined(s, ids["new-quar"], "bad"); });
  auto late = insert(event("late-quar"));
  ASSERT_TRUE(late.isOk());
  apply([&](soci::session& s) { return inbox_->markQuarantined(s, *late, "bad"); });

  auto expire = [&](std::int64_t processed_before, std::int64_t quarantined_before) {
    auto n = db().queryTransaction([&](soci::session& s) {
      return inbox_->deleteExpired(s, processed_before, quarantined_before);
    });
    EXPECT_TRUE(n.isOk()) << n.status().toString();
    return n.isOk() ? *n : -1;
  };
  // Nothing is older than t0.
  EXPECT_EQ(expire(t0, t0), 0);
  // Processed before t0 + 5 s: old-done, old-dup (old-quar is judged by its
  // arrival, which is t0; quarantined_before = t0 keeps it).
  EXPECT_EQ(expire(t0 + 5000, t0), 2);
  EXPECT_FALSE(load(ids["old-done"]));
  EXPECT_FALSE(load(ids["old-dup"]));
  EXPECT_TRUE(load(ids["old-quar"]));
  // Quarantined rows that arrived before t0 + 1: old-quar and new-quar, not
  // the late one.
  EXPECT_EQ(expire(t0 + 5000, t0 + 1), 2);
  EXPECT_TRUE(load(*late));
  // Far in the future: the rest of the processed rows go, received rows stay.
  EXPECT_EQ(expire(t0 + 1'000'000'000, t0 + 1'000'000'000), 2);  // new-done, late-quar
  auto left = rawRows("SELECT delivery_id, state FROM inbox ORDER BY id");
  EXPECT_EQ(left, (std::vector<std::vector<std::string>>{{"old-received", "received"},
                                                         {"failed-received", "received"}}));
  EXPECT_EQ(expire(t0 + 1'000'000'000, t0 + 1'000'000'000), 0);
}

TEST_P(InboxRepoTest, CountByStateReportsEveryState) {
  auto count = [&]() {
    auto got = db().querySession([&](soci::session& s) { return inbox_->countByState(s); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    return got.isOk() ? *got : std::map<InboxState, std::int64_t>{};
  };
  using Counts = std::map<InboxState, std::int64_t>;
  EXPECT_EQ(count(), (Counts{{InboxState::kReceived, 0},
                             {InboxState::kDone, 0},
                             {InboxState::kDuplicate, 0},
                             {InboxState::kQuarantined, 0}}));
  for (const char* name : {"a", "b", "c", "d"}) ASSERT_TRUE(insert(event(name)).isOk());
  auto ids = list({});
  ASSERT_EQ(ids.size(), 4u);
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) { return inbox_->markDone(s, ids[0].id); })
                  .isOk());
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->markQuarantined(s, ids[1].id, "bad");
                  })
                  .isOk());
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return inbox_->markQuarantined(s, ids[2].id, "bad");
                  })
                  .isOk());
  EXPECT_EQ(count(), (Counts{{InboxState::kReceived, 1},
                             {InboxState::kDone, 1},
                             {InboxState::kDuplicate, 0},
                             {InboxState::kQuarantined, 2}}));
}

TEST_P(InboxRepoTest, ListFiltersByShop) {
  auto other = db().queryTransaction([&](soci::session& s) {
    return ShopRepo(clock_).ensure(s, "other", model::Platform::kWooCommerce);
  });
  ASSERT_TRUE(other.isOk());
  auto mine = insert(event("a"));
  InboxEvent theirs_in = event("b");
  theirs_in.source = "other";
  theirs_in.shop_id = *other;
  auto theirs = insert(theirs_in);
  InboxEvent nobody_in = event("c");
  nobody_in.source = "whatsapp";
  nobody_in.shop_id.reset();
  auto nobody = insert(nobody_in);
  ASSERT_TRUE(mine.isOk() && theirs.isOk() && nobody.isOk());

  InboxRepo::Filter by_shop;
  by_shop.shop_id = *other;
  auto got = list(by_shop);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, *theirs);
  by_shop.shop_id = shop_id_;
  got = list(by_shop);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, *mine);
  EXPECT_EQ(list({}).size(), 3u);
}

CARTRELAY_STORE_SUITE(InboxRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
