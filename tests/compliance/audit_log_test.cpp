#include "compliance/audit_log.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "core/util/crypto.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::compliance {
namespace {

using core::store::Backend;

const std::string kSubject(64, 'a');

AuditEvent event(std::string kind, nlohmann::json payload = nlohmann::json::object()) {
  AuditEvent e;
  e.kind = std::move(kind);
  e.actor = "daemon";
  e.payload = std::move(payload);
  return e;
}

class AuditLogTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    openMigrated();
  }

  std::vector<audit_store::StoredRecord> all() {
    auto rows =
        db().querySession([](soci::session& s) { return audit_store::records(s, 1, 1000); });
    EXPECT_TRUE(rows.isOk()) << rows.status().toString();
    return rows.isOk() ? *rows : std::vector<audit_store::StoredRecord>();
  }

  AuditLog log_{clock_};
};

TEST_P(AuditLogTest, AppendsAContiguousLinkedChainFromTheGenesisHash) {
  auto first = log_.appendNow(db(), event("config.loaded", {{"config_sha256", "ab"}}));
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  clock_.advance(5);
  AuditEvent consent = event("consent.recorded", {{"status", "ONAY"}});
  consent.subject_ref = kSubject;
  auto second = log_.appendNow(db(), consent);
  ASSERT_TRUE(second.isOk()) << second.status().toString();

  auto rows = all();
  ASSERT_EQ(rows.size(), 2u);
  auto head = db().querySession([](soci::session& s) { return audit_store::readHead(s); });
  ASSERT_TRUE(head.isOk() && head->has_value());
  EXPECT_EQ(rows[0].record.seq, 1);
  EXPECT_EQ(rows[0].record.prev_hash, auditGenesisHash((*head)->install_id));
  EXPECT_EQ(rows[0].entry_hash, auditEntryHash(rows[0].record));
  EXPECT_EQ(rows[0].record.payload, R"({"config_sha256":"ab"})");
  EXPECT_EQ(rows[1].record.seq, 2);
  EXPECT_EQ(rows[1].record.ts_ms, rows[0].record.ts_ms + 5);
  EXPECT_EQ(rows[1].record.prev_hash, rows[0].entry_hash);
  EXPECT_EQ(rows[1].record.subject_ref, kSubject);
  EXPECT_EQ(rows[1].entry_hash, auditEntryHash(rows[1].record));
  EXPECT_EQ((*head)->seq, 2);
  EXPECT_EQ((*head)->hash, rows[1].entry_hash);
}

TEST_P(AuditLogTest, AClockSteppingBackNeverMakesTimeGoBackwardsInTheChain) {
  ASSERT_TRUE(log_.appendNow(db(), event("a")).isOk());
  clock_.advance(-60'000);
  auto later = log_.appendNow(db(), event("b"));
  ASSERT_TRUE(later.isOk());
  auto rows = all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].record.ts_ms, rows[0].record.ts_ms);
}

TEST_P(AuditLogTest, ARolledBackTransactionLeavesNoRecordAndNoGap) {
  core::Status failed = db().withTransaction([&](soci::session& s) -> core::Status {
    auto appended = log_.append(s, event("gate.decision"));
    if (!appended.isOk()) return appended.status();
    return core::Status::unavailable("the outbox insert failed");
  });
  ASSERT_EQ(failed.code(), core::Status::Code::kUnavailable);
  EXPECT_TRUE(all().empty());
  auto next = log_.appendNow(db(), event("gate.decision"));
  ASSERT_TRUE(next.isOk());
  EXPECT_EQ(next->seq, 1);
}

TEST_P(AuditLogTest, RejectsEventsThatBreakTheRecordRules) {
  EXPECT_EQ(log_.appendNow(db(), event("")).status().code(), core::Status::Code::kInvalidArgument);
  AuditEvent raw_phone = event("consent.recorded");
  raw_phone.subject_ref = "+905321234567";
  EXPECT_EQ(log_.appendNow(db(), raw_phone).status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_EQ(log_.appendNow(db(), event("x", nlohmann::json::array())).status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_EQ(log_.appendNow(db(), event("x", {{"amount", 1.5}})).status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_EQ(
      log_.appendNow(db(), event("x", {{"big", std::string(70 * 1024, 'x')}})).status().code(),
      core::Status::Code::kInvalidArgument);
  EXPECT_TRUE(all().empty());
}

TEST_P(AuditLogTest, TheTablesRefuseUpdatesAndDeletes) {
  ASSERT_TRUE(log_.appendNow(db(), event("a")).isOk());
  for (const char* sql :
       {"UPDATE audit_log SET kind = 'b' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"}) {
    core::Status st = db().withSession([&](soci::session& s) -> core::Status {
      s << sql;
      return core::Status::ok();
    });
    EXPECT_FALSE(st.isOk()) << sql;
  }
  auto rows = all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record.kind, "a");
}

TEST_P(AuditLogTest, ConcurrentAppendersProduceOneGaplessChain) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // A lost first-append race or a lock timeout is kUnavailable: retry,
        // as every caller of append() does.
        for (int attempt = 0;; ++attempt) {
          auto r = log_.appendNow(db(), event("t", {{"thread", t}, {"i", i}}));
          if (r.isOk()) break;
          if (r.status().code() != core::Status::Code::kUnavailable || attempt == 20) {
            ++failures;
            break;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto rows = all();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].record.seq, static_cast<std::int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(rows[i].record.prev_hash, rows[i - 1].entry_hash) << i;
    }
    EXPECT_EQ(rows[i].entry_hash, auditEntryHash(rows[i].record)) << i;
  }
}

CARTRELAY_STORE_SUITE(AuditLogTest);

}  // namespace
}  // namespace cartrelay::compliance
