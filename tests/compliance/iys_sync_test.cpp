// IysSyncService (compliance/iys_sync.h) on SQLite and MariaDB, through the
// real İYS client and HTTP stack against FakeIys: uploading the shop's own
// consents and withdrawals (rules 10-11), pulling changes made on İYS into
// the ledger, the status view the send gate relies on (rule 9) and the
// 3-business-day overdue list.
#include "compliance/iys_sync.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "compliance/audit_store.h"
#include "core/net/http_fetch.h"
#include "core/store/poll_cursor_repo.h"
#include "core/store/shop_repo.h"
#include "core/util/time_zone.h"
#include "tests/support/fake_iys.h"
#include "tests/support/log_capture.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::compliance {
namespace {

using core::Status;
using testing::FakeIys;
using IysStatus = GateFacts::IysStatus;

constexpr const char* kPhone = "+905321234567";
constexpr const char* kPhone2 = "+905339876543";
constexpr const char* kPhoneNational = "5321234567";
constexpr const char* kPhone2National = "5339876543";
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

core::EpochMillis utc(const char* iso) {
  auto parsed = core::parseIso8601(iso);
  EXPECT_TRUE(parsed.isOk()) << iso;
  return parsed.isOk() ? *parsed : 0;
}

IysOptions optionsFor(const FakeIys& fake) {
  IysOptions options;
  options.base_url = fake.baseUrl();
  options.username = FakeIys::kUsername;
  options.password = FakeIys::kPassword;
  options.iys_code = FakeIys::kIysCode;
  options.brand_code = FakeIys::kBrandCode;
  options.timeout_ms = 5000;
  return options;
}

core::net::FetchLimits fetchLimits() {
  core::net::FetchLimits out;
  out.connect_timeout_ms = 5000;
  out.total_timeout_ms = 5000;
  return out;
}

class IysSyncTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto shop = db().queryTransaction([&](soci::session& s) {
      core::store::ShopRepo repo(clock_);
      return repo.ensure(s, "acme", core::model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk()) << shop.status().toString();
    shop_ = *shop;
    auto zone = core::TimeZone::load("Europe/Istanbul");
    ASSERT_TRUE(zone.isOk()) << zone.status().toString();
    zone_.emplace(std::move(*zone));
    ledger_ = std::make_unique<ConsentLedger>(*keys_, clock_, audit_log_);
    auto sync = IysSyncService::create(shop_, client_, db(), *keys_, clock_, *ledger_, audit_log_,
                                       IysSyncService::Options{});
    ASSERT_TRUE(sync.isOk()) << sync.status().toString();
    sync_ = std::move(*sync);
  }

  std::string subject(const std::string& phone) const {
    return keys_->hasher().hash("phone", phone);
  }

  ConsentEvent grant(const std::string& phone, core::EpochMillis at) const {
    ConsentEvent e;
    e.subject_ref = subject(phone);
    e.status = ConsentStatus::kOnay;
    e.event_type = "GRANT";
    e.source = "HS_WEB";
    e.capture_point = "storefront_popup";
    e.kvkk_notice_version = "aydinlatma-v3";
    e.legal_basis = "TR_6563_ONAY+KVKK_ACIK_RIZA";
    e.event_at = at;
    return e;
  }

  ConsentEvent withdraw(const std::string& phone, core::EpochMillis at) const {
    ConsentEvent e = grant(phone, at);
    e.status = ConsentStatus::kRet;
    e.event_type = "WITHDRAW";
    e.source = "HS_MESAJ";
    e.withdrawal_channel = "wa_keyword";
    return e;
  }

  // Records through the ledger, as every input does; returns the event id.
  std::int64_t record(const ConsentEvent& e, const std::string& phone) {
    auto outcome = db().queryTransaction([&](soci::session& s) {
      return ledger_->record(s, shop_, e, phone, nlohmann::json(), "cli");
    });
    EXPECT_TRUE(outcome.isOk()) << outcome.status().toString();
    if (!outcome.isOk() || !outcome->recorded) {
      ADD_FAILURE() << "not recorded";
      return 0;
    }
    return outcome->recorded->id;
  }

  // {iys_sync, iys_transaction_id} of a consent_events row.
  std::pair<std::string, std::string> syncOf(std::int64_t id) {
    auto rows = rawRows("SELECT iys_sync, iys_transaction_id FROM consent_events WHERE id = " +
                        std::to_string(id));
    EXPECT_EQ(rows.size(), 1u);
    if (rows.size() != 1) return {};
    return {rows[0][0], rows[0][1]};
  }

  std::vector<audit_store::StoredRecord> auditOf(const std::string& kind) {
    auto rows =
        db().querySession([](soci::session& s) { return audit_store::records(s, 1, 1000); });
    EXPECT_TRUE(rows.isOk());
    std::vector<audit_store::StoredRecord> out;
    if (!rows.isOk()) return out;
    for (auto& r : *rows) {
      if (r.record.kind == kind) out.push_back(r);
    }
    return out;
  }

  ConsentState current(const std::string& phone) {
    auto state = db().querySession(
        [&](soci::session& s) { return ledger_->current(s, shop_, subject(phone)); });
    EXPECT_TRUE(state.isOk()) << state.status().toString();
    return state.isOk() ? *state : ConsentState{};
  }

  std::string iysDate(core::EpochMillis at) const { return formatIysDate(at, *zone_); }

  static void expectNoPhoneIn(const std::string& text) {
    EXPECT_EQ(text.find(kPhoneNational), std::string::npos) << text;
    EXPECT_EQ(text.find(kPhone2National), std::string::npos) << text;
  }

  FakeIys fake_;
  core::net::DefaultHttpClient http_{fetchLimits()};
  IysClient client_{optionsFor(fake_), http_};
  AuditLog audit_log_{clock_};
  std::unique_ptr<ConsentLedger> ledger_;
  std::unique_ptr<IysSyncService> sync_;
  std::optional<core::TimeZone> zone_;
  std::int64_t shop_ = 0;
};

TEST_P(IysSyncTest, PushRegistersAGrantAndALaterWithdrawalWithAuditRecords) {
  testing::LogCapture logs;
  const core::EpochMillis now = clock_.nowMillis();
  const std::int64_t granted = record(grant(kPhone, now - 2 * kHour), kPhone);
  const std::int64_t withdrawn = record(withdraw(kPhone, now - kHour), kPhone);

  auto pushed = sync_->pushPending();
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  EXPECT_EQ(*pushed, 2);

  // İYS holds the latest: the withdrawal, dated in Türkiye time.
  auto held = fake_.consent(kPhone);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->status, "RET");
  EXPECT_EQ(held->source, "HS_MESAJ");
  EXPECT_EQ(held->consent_date, iysDate(now - kHour));
  ASSERT_EQ(fake_.requestsTo("/consents").size(), 2u);
  auto first_body = nlohmann::json::parse(fake_.requestsTo("/consents")[0].body);
  EXPECT_EQ(first_body["status"], "ONAY");
  EXPECT_EQ(first_body["source"], "HS_WEB");
  EXPECT_EQ(first_body["type"], "MESAJ");
  EXPECT_EQ(first_body["recipientType"], "BIREYSEL");

  auto [grant_sync, grant_txn] = syncOf(granted);
  auto [withdraw_sync, withdraw_txn] = syncOf(withdrawn);
  EXPECT_EQ(grant_sync, "registered");
  EXPECT_EQ(withdraw_sync, "registered");
  EXPECT_FALSE(grant_txn.empty());
  EXPECT_EQ(withdraw_txn, held->transaction_id);
  EXPECT_NE(grant_txn, withdraw_txn);

  auto audited = auditOf("iys.registered");
  ASSERT_EQ(audited.size(), 2u);
  auto p0 = nlohmann::json::parse(audited[0].record.payload);
  auto p1 = nlohmann::json::parse(audited[1].record.payload);
  EXPECT_EQ(p0["consent_event_id"], granted);
  EXPECT_EQ(p0["transaction_id"], grant_txn);
  EXPECT_EQ(p1["consent_event_id"], withdrawn);
  EXPECT_EQ(p1["transaction_id"], withdraw_txn);
  EXPECT_EQ(audited[0].record.subject_ref, subject(kPhone));
  EXPECT_EQ(audited[0].record.actor, "daemon");
  expectNoPhoneIn(audited[0].record.payload);

  // Nothing left: a second run sends nothing.
  auto again = sync_->pushPending();
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(fake_.requestsTo("/consents").size(), 2u);
  EXPECT_TRUE(sync_->overdue()->empty());
  for (const std::string& line : logs.lines()) expectNoPhoneIn(line);
}

TEST_P(IysSyncTest, ARetFirstRefusalIsMarkedFailedAndDoesNotBlockTheNextEvent) {
  testing::LogCapture logs;
  const core::EpochMillis now = clock_.nowMillis();
  // İYS has never seen kPhone: its first record cannot be a RET.
  const std::int64_t refused = record(withdraw(kPhone, now - 2 * kHour), kPhone);
  const std::int64_t granted = record(grant(kPhone2, now - kHour), kPhone2);
  // Evidence-only events are not relied on, so they are not uploaded.
  ConsentEvent evidence = grant(kPhone2, now - 3 * kHour);
  evidence.evidence_only = true;
  const std::int64_t evidence_id = record(evidence, kPhone2);

  auto pushed = sync_->pushPending();
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  EXPECT_EQ(*pushed, 1);
  EXPECT_EQ(syncOf(refused), std::make_pair(std::string("failed"), std::string()));
  EXPECT_EQ(syncOf(granted).first, "registered");
  EXPECT_EQ(syncOf(evidence_id).first, "not_applicable");
  EXPECT_FALSE(fake_.consent(kPhone).has_value());
  ASSERT_TRUE(fake_.consent(kPhone2).has_value());
  EXPECT_EQ(fake_.consent(kPhone2)->status, "ONAY");
  EXPECT_EQ(auditOf("iys.registered").size(), 1u);

  // The refused row is not tried again.
  auto again = sync_->pushPending();
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(fake_.requestsTo("/consents").size(), 2u);

  EXPECT_FALSE(logs.waitFor({"iys.push_refused", FakeIys::kErrorFirstRet}).empty());
  for (const std::string& line : logs.lines()) expectNoPhoneIn(line);
}

TEST_P(IysSyncTest, IysDownLeavesEventsPendingUntilALaterRun) {
  const core::EpochMillis now = clock_.nowMillis();
  const std::int64_t a = record(grant(kPhone, now - 2 * kHour), kPhone);
  const std::int64_t b = record(grant(kPhone2, now - kHour), kPhone2);

  fake_.setDown(true);
  auto pushed = sync_->pushPending();
  ASSERT_FALSE(pushed.isOk());
  EXPECT_EQ(pushed.status().code(), Status::Code::kUnavailable);
  expectNoPhoneIn(pushed.status().toString());
  EXPECT_EQ(syncOf(a), std::make_pair(std::string("not_applicable"), std::string()));
  EXPECT_EQ(syncOf(b), std::make_pair(std::string("not_applicable"), std::string()));
  EXPECT_EQ(fake_.consentCount(), 0u);

  fake_.setDown(false);
  pushed = sync_->pushPending();
  ASSERT_TRUE(pushed.isOk()) << pushed.status().toString();
  EXPECT_EQ(*pushed, 2);
  EXPECT_EQ(syncOf(a).first, "registered");
  EXPECT_EQ(syncOf(b).first, "registered");
  EXPECT_EQ(fake_.consentCount(), 2u);
}

TEST_P(IysSyncTest, PullRecordsACitizensRetFromIysAndMovesTheCursor) {
  const core::EpochMillis now = clock_.nowMillis();
  record(grant(kPhone, now - 3 * kHour), kPhone);
  ASSERT_EQ(*sync_->pushPending(), 1);
  ASSERT_EQ(current(kPhone).status, ConsentState::Status::kOnay);

  // The citizen withdrew on the İYS portal; another change arrives for a
  // number we never saw, with a source that is not an İYS code.
  FakeIys::Record ret;
  ret.recipient = kPhone;
  ret.status = "RET";
  ret.source = "IYS_WEB";
  ret.consent_date = iysDate(now - kHour);
  ret.transaction_id = "txn-citizen-ret";
  fake_.addChange(ret);
  FakeIys::Record other;
  other.recipient = kPhone2;
  other.status = "ONAY";
  other.source = "PORTAL";
  other.consent_date = iysDate(now - 2 * kHour);
  fake_.addChange(other);
  FakeIys::Record email = other;  // another İYS channel: not ours
  email.type = "EPOSTA";
  email.recipient = "someone@example.com";
  fake_.addChange(email);

  auto pulled = sync_->pullChanges();
  ASSERT_TRUE(pulled.isOk()) << pulled.status().toString();
  EXPECT_EQ(*pulled, 2);

  ConsentState state = current(kPhone);
  EXPECT_EQ(state.status, ConsentState::Status::kRet);
  EXPECT_EQ(state.event_at, now - kHour);
  auto history = db().querySession(
      [&](soci::session& s) { return ledger_->history(s, shop_, subject(kPhone)); });
  ASSERT_TRUE(history.isOk());
  ASSERT_EQ(history->size(), 2u);
  const ConsentEvent& synced = history->back();
  EXPECT_EQ(synced.event_type, "IYS_SYNC");
  EXPECT_EQ(synced.source, "IYS_WEB");
  EXPECT_EQ(synced.iys_sync, IysSync::kRegistered);
  EXPECT_EQ(synced.iys_transaction_id, "txn-citizen-ret");
  EXPECT_EQ(synced.withdrawal_channel, "iys");

  auto other_history = db().querySession(
      [&](soci::session& s) { return ledger_->history(s, shop_, subject(kPhone2)); });
  ASSERT_TRUE(other_history.isOk());
  ASSERT_EQ(other_history->size(), 1u);
  EXPECT_EQ((*other_history)[0].source, "IYS_UNKNOWN");
  EXPECT_FALSE((*other_history)[0].verified);
  EXPECT_FALSE((*other_history)[0].complete);
  // Only the consent the shop collected itself was uploaded: the pulled
  // events stay out of pushPending and overdue.
  EXPECT_EQ(*sync_->pushPending(), 0);

  core::store::PollCursorRepo cursors(clock_);
  auto cursor =
      db().querySession([&](soci::session& s) { return cursors.get(s, shop_, "iys_changes"); });
  ASSERT_TRUE(cursor.isOk());
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ(**cursor, "c3");

  // The pull also refreshed the status cache: the gate's view needs no call.
  const auto status_requests = fake_.requestsTo("/consents/status").size();
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kRet, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), status_requests);

  // A second pull starts after the cursor and records nothing new.
  auto second = sync_->pullChanges();
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_EQ(*second, 0);
  auto after = db().querySession(
      [&](soci::session& s) { return ledger_->history(s, shop_, subject(kPhone)); });
  ASSERT_TRUE(after.isOk());
  EXPECT_EQ(after->size(), 2u);
  auto last_change = fake_.requestsTo("/consents/changes").back();
  EXPECT_EQ(last_change.param("after"), std::optional<std::string>("c3"));
}

TEST_P(IysSyncTest, ViewUsesAFreshCacheAndGoesLiveWhenItIsStale) {
  FakeIys::Record onay;
  onay.recipient = kPhone;
  onay.consent_date = "2025-11-01 10:00:00";
  fake_.preloadConsent(onay);

  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 1u);
  auto cached = rawRows("SELECT status, checked_at_ms FROM iys_status");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0][0], "ONAY");
  EXPECT_EQ(cached[0][1], std::to_string(clock_.nowMillis()));

  // Within max_staleness: the cache answers, İYS is not asked.
  clock_.advance(30 * kMinute);
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 1u);

  // Stale: a live call, which sees the RET and updates the cache.
  onay.status = "RET";
  fake_.preloadConsent(onay);
  clock_.advance(31 * kMinute);
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kRet, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 2u);
  cached = rawRows("SELECT status, checked_at_ms FROM iys_status");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0][0], "RET");
  EXPECT_EQ(cached[0][1], std::to_string(clock_.nowMillis()));

  // Unknown to İYS: a fresh "not found", cached too.
  EXPECT_EQ(sync_->view(kPhone2), std::make_pair(IysStatus::kNotFound, true));
  EXPECT_EQ(sync_->view(kPhone2), std::make_pair(IysStatus::kNotFound, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 3u);
}

TEST_P(IysSyncTest, ViewAsksForTheTacirRecordOfAMerchant) {
  // Rule 12: a merchant's exemption rests on its TACIR record in İYS.
  ConsentEvent tacir = grant(kPhone, clock_.nowMillis() - kHour);
  tacir.recipient_type = RecipientType::kTacir;
  tacir.legal_basis = "TR_TACIR_EXEMPT";
  record(tacir, kPhone);
  FakeIys::Record record;
  record.recipient = kPhone;
  record.recipient_type = "TACIR";
  record.source = "";
  fake_.preloadConsent(record);

  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));
  auto asked = fake_.requestsTo("/consents/status");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(asked[0].body)["recipientType"], "TACIR");
  auto cached = rawRows("SELECT recipient_type, status FROM iys_status");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0], (std::vector<std::string>{"TACIR", "ONAY"}));
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));
  EXPECT_EQ(fake_.requestsTo("/consents/status").size(), 1u);
}

TEST_P(IysSyncTest, ViewWithIysDownAndAStaleCacheIsNotFresh) {
  testing::LogCapture logs;
  FakeIys::Record onay;
  onay.recipient = kPhone;
  onay.consent_date = "2025-11-01 10:00:00";
  fake_.preloadConsent(onay);
  ASSERT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));

  clock_.advance(2 * kHour);
  fake_.setDown(true);
  // The old ONAY comes back, but not fresh: the gate defers (fail closed).
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, false));
  EXPECT_EQ(sync_->view(kPhone2), std::make_pair(IysStatus::kUnknown, false));

  fake_.setDown(false);
  EXPECT_EQ(sync_->view(kPhone), std::make_pair(IysStatus::kOnay, true));
  for (const std::string& line : logs.lines()) expectNoPhoneIn(line);
}

TEST_P(IysSyncTest, ViewMayBeCalledConcurrently) {
  FakeIys::Record onay;
  onay.recipient = kPhone;
  onay.consent_date = "2025-11-01 10:00:00";
  fake_.preloadConsent(onay);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const bool first = (t + i) % 2 == 0;
        auto view = sync_->view(first ? kPhone : kPhone2);
        auto expected = first ? IysStatus::kOnay : IysStatus::kNotFound;
        if (view != std::make_pair(expected, true)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(IysSyncTest, OverdueCountsTurkishBusinessDays) {
  // Friday 2025-11-21 20:00 in Istanbul (17:00 UTC).
  clock_.set(utc("2025-11-21T17:00:00Z"));
  const std::int64_t pending = record(grant(kPhone, clock_.nowMillis() - kMinute), kPhone);
  const std::int64_t uploaded = record(grant(kPhone2, clock_.nowMillis() - kMinute), kPhone2);
  ConsentEvent evidence = grant(kPhone2, clock_.nowMillis() - kMinute);
  evidence.evidence_only = true;
  record(evidence, kPhone2);
  fake_.setDown(true);  // nothing reaches İYS yet
  ASSERT_FALSE(sync_->pushPending().isOk());
  fake_.setDown(false);

  // Monday, Tuesday, Wednesday are the three business days: due Thursday
  // 00:00 Istanbul time.
  EXPECT_EQ(iysUploadDueAt(clock_.nowMillis(), 3, *zone_), utc("2025-11-26T21:00:00Z"));

  clock_.set(utc("2025-11-25T09:00:00Z"));  // Tuesday noon
  auto overdue = sync_->overdue();
  ASSERT_TRUE(overdue.isOk()) << overdue.status().toString();
  EXPECT_TRUE(overdue->empty());

  clock_.set(utc("2025-11-26T20:59:00Z"));  // Wednesday 23:59
  EXPECT_TRUE(sync_->overdue()->empty());

  // Register one of them; the other is still missing on Thursday.
  {
    auto refused = db().withTransaction([&](soci::session& s) {
      std::int64_t id = pending;
      s << "UPDATE consent_events SET iys_sync = 'failed' WHERE id = :id", soci::use(id);
      return Status::ok();
    });
    ASSERT_TRUE(refused.isOk());
  }
  ASSERT_EQ(*sync_->pushPending(), 1);
  EXPECT_EQ(syncOf(uploaded).first, "registered");

  clock_.set(utc("2025-11-27T06:00:00Z"));  // Thursday 09:00
  overdue = sync_->overdue();
  ASSERT_TRUE(overdue.isOk()) << overdue.status().toString();
  EXPECT_EQ(*overdue, std::vector<std::int64_t>{pending});
}

TEST(IysUploadDueAtTest, SkipsWeekendsFromAnyDayOfTheWeek) {
  auto zone = core::TimeZone::load("Europe/Istanbul");
  ASSERT_TRUE(zone.isOk());
  // Monday 2025-11-17 10:00 Istanbul -> Tue, Wed, Thu -> Friday 00:00.
  EXPECT_EQ(iysUploadDueAt(utc("2025-11-17T07:00:00Z"), 3, *zone), utc("2025-11-20T21:00:00Z"));
  // Saturday -> Mon, Tue, Wed -> Thursday 00:00.
  EXPECT_EQ(iysUploadDueAt(utc("2025-11-22T08:00:00Z"), 3, *zone), utc("2025-11-26T21:00:00Z"));
  // Friday 23:30 Istanbul is still Friday there (20:30 UTC), across a month end.
  EXPECT_EQ(iysUploadDueAt(utc("2025-10-31T20:30:00Z"), 3, *zone), utc("2025-11-05T21:00:00Z"));
  // Friday 02:00 Istanbul is Thursday 23:00 UTC: the Turkish date counts.
  EXPECT_EQ(iysUploadDueAt(utc("2025-11-20T23:00:00Z"), 3, *zone), utc("2025-11-26T21:00:00Z"));
}

CARTRELAY_STORE_SUITE(IysSyncTest);

}  // namespace
}  // namespace cartrelay::compliance
