// Tracked links on SQLite and MariaDB: SendGate::claim mints a fresh link
// per tracked param and attempt in the transaction that makes the row
// `sending`, the message carries the token or tracked URL instead of the
// target, and TrackedLinks::resolveAndCount counts each click and hands
// back the sealed target until the link expires or its message's content
// is gone.
#include "compliance/tracked_links.h"

#include <gtest/gtest.h>

#include "compliance/outbox_delivery.h"
#include "compliance/outbox_view.h"
#include "compliance/subject_rights.h"
#include "core/util/crypto.h"
#include "tests/compliance/gate_store_fixture.h"

namespace cartrelay::compliance {
namespace {

constexpr const char* kTarget = "https://acme.example/cart/recover?key=s3cret-cart";
constexpr const char* kPage = "https://acme.example/cart/view?key=s3cret-cart";
constexpr const char* kBase = "https://relay.example/cr/r/";
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

class TrackedLinksTest : public GateStoreTest {
 protected:
  void SetUp() override {
    GateStoreTest::SetUp();
    if (HasFatalFailure()) return;
    links_store_ = std::make_unique<TrackedLinks>(db(), *keys_, clock_, links_);
    record(grant());
  }

  core::Result<SendGate::Outcome> submit(nlohmann::json params, const std::string& tmpl = "linked",
                                         const SendGate* gate = nullptr) {
    SendRequest r;
    r.shop_id = shop_;
    r.phone = kPhone;
    r.template_name = tmpl;
    r.params = std::move(params);
    return (gate ? gate : gate_.get())->submit(r);
  }

  // A message of `linked` allowed and claimed: its cleared params.
  nlohmann::json claimed(std::int64_t* id = nullptr) {
    auto queued = submit({{"first_name", "Ayşe"}, {"cart_url", kTarget}, {"cart_page", kPage}});
    EXPECT_TRUE(queued.isOk()) << queued.status().toString();
    if (!queued.isOk()) return {};
    EXPECT_EQ(queued->decision.outcome, Decision::Outcome::kAllow);
    if (id != nullptr) *id = queued->outbox_id;
    return claim(queued->outbox_id);
  }

  nlohmann::json claim(std::int64_t id) {
    auto out = gate_->claim({id});
    EXPECT_TRUE(out.isOk()) << out.status().toString();
    if (!out.isOk() || out->messages.size() != 1) return {};
    return out->messages[0].content().params;
  }

  core::Result<TrackedLinks::Hit> click(const std::string& token) {
    return links_store_->resolveAndCount(token);
  }

  // clicks, first and last click time of the link with this token.
  std::vector<std::string> counts(const std::string& token) {
    auto rows = rawRows(
        "SELECT clicks, first_click_at_ms, last_click_at_ms FROM tracked_links WHERE token_hash "
        "= '" +
        core::crypto::hexEncode(core::crypto::sha256(token)) + "'");
    return rows.empty() ? std::vector<std::string>{} : rows[0];
  }

  std::int64_t listedClicks(std::int64_t id) {
    auto entry = db().querySession([&](soci::session& s) { return loadOutboxEntry(s, id); });
    EXPECT_TRUE(entry.isOk() && *entry);
    return entry.isOk() && *entry ? (*entry)->clicks : -1;
  }

  std::unique_ptr<TrackedLinks> links_store_;
};

TEST_P(TrackedLinksTest, ClaimPutsAFreshLinkInPlaceOfEachTarget) {
  std::int64_t id = 0;
  const nlohmann::json params = claimed(&id);
  ASSERT_TRUE(params.is_object());
  EXPECT_EQ(params["first_name"], "Ayşe") << "untracked params are untouched";
  const std::string token = params["cart_url"];
  EXPECT_TRUE(isLinkToken(token)) << token;
  const std::string page = params["cart_page"];
  ASSERT_EQ(page.rfind(kBase, 0), 0u) << page;
  const std::string page_token = page.substr(std::string(kBase).size());
  EXPECT_TRUE(isLinkToken(page_token)) << page;
  EXPECT_NE(token, page_token);

  auto rows = rawRows(
      "SELECT token_hash, outbox_id, target_enc, created_at_ms, expires_at_ms,"
      " clicks, first_click_at_ms FROM tracked_links ORDER BY token_hash");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row[0].size(), 64u) << "SHA-256 hex of the token";
    EXPECT_NE(row[0], token);
    EXPECT_EQ(row[1], std::to_string(id));
    EXPECT_EQ(row[2].find("s3cret-cart"), std::string::npos) << "the target is sealed";
    EXPECT_EQ(row[3], std::to_string(clock_.nowMillis()));
    EXPECT_EQ(row[4], std::to_string(clock_.nowMillis() + links_.ttl_ms));
    EXPECT_EQ(row[5], "0");
    EXPECT_EQ(row[6], "<null>");
  }
  EXPECT_EQ(counts(token).size(), 3u) << "stored under the token's SHA-256";
}

TEST_P(TrackedLinksTest, EachClickIsCountedAndAnsweredWithTheTarget) {
  std::int64_t id = 0;
  const nlohmann::json params = claimed(&id);
  const std::string token = params["cart_url"];
  const std::string page = params["cart_page"];
  const core::EpochMillis first = clock_.nowMillis();

  auto hit = click(token);
  ASSERT_TRUE(hit.isOk()) << hit.status().toString();
  EXPECT_EQ(hit->target, kTarget);
  EXPECT_EQ(hit->outbox_id, id);
  EXPECT_EQ(counts(token),
            (std::vector<std::string>{"1", std::to_string(first), std::to_string(first)}));

  clock_.advance(90'000);
  ASSERT_TRUE(click(token).isOk());
  EXPECT_EQ(counts(token),
            (std::vector<std::string>{"2", std::to_string(first), std::to_string(first + 90'000)}));
  auto other = click(page.substr(std::string(kBase).size()));
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  EXPECT_EQ(other->target, kPage);
  EXPECT_EQ(listedClicks(id), 3) << "outbox list shows the message's clicks";
}

TEST_P(TrackedLinksTest, UnknownOrMalformedTokensAreNotFound) {
  claimed();
  for (const std::string token : {"AAAAAAAAAAAAAAAAAAAAAA", "short", "AAAAAAAAAAAAAAAAAAAAA/",
                                  "AAAAAAAAAAAAAAAAAAAAAAA", ""}) {
    auto hit = click(token);
    EXPECT_EQ(hit.status().code(), core::Status::Code::kNotFound) << token;
  }
  EXPECT_EQ(rawRows("SELECT clicks FROM tracked_links WHERE clicks > 0").size(), 0u);
}

TEST_P(TrackedLinksTest, AnExpiredLinkIsNotFoundAndNotCounted) {
  const std::string token = claimed()["cart_url"];
  clock_.advance(links_.ttl_ms - 1);
  ASSERT_TRUE(click(token).isOk()) << "works until its last millisecond";
  clock_.advance(1);
  auto hit = click(token);
  EXPECT_EQ(hit.status().code(), core::Status::Code::kNotFound);
  EXPECT_NE(hit.status().message().find("expired"), std::string::npos) << hit.status().message();
  EXPECT_EQ(counts(token)[0], "1");
}

TEST_P(TrackedLinksTest, ALinkDiesWithItsMessagesContent) {
  std::int64_t id = 0;
  const std::string token = claimed(&id)["cart_url"];
  ASSERT_TRUE(click(token).isOk());
  // What retention.message_content does to the row: the link is a 404 at
  // once, before any run deletes it.
  exec("UPDATE outbox SET data_key = NULL, recipient_enc = NULL, params_enc = NULL");
  EXPECT_EQ(click(token).status().code(), core::Status::Code::kNotFound);
  EXPECT_EQ(counts(token)[0], "1");

  // A subject erasure deletes the message's links outright. (A day later:
  // one commercial message a day.)
  clock_.advance(kDayMs + 1);
  const std::string other = claimed()["cart_url"];
  ASSERT_TRUE(click(other).isOk());
  SubjectRights rights(db(), *keys_, clock_, audit_, *ledger_);
  SubjectQuery who;
  who.phone = kPhone;
  auto erased = rights.erase(who, "cli");
  ASSERT_TRUE(erased.isOk()) << erased.status().toString();
  EXPECT_EQ(erased->tracked_links, 4);
  EXPECT_EQ(click(other).status().code(), core::Status::Code::kNotFound);
  EXPECT_TRUE(rawRows("SELECT token_hash FROM tracked_links").empty());
}

TEST_P(TrackedLinksTest, EveryAttemptMintsFreshTokens) {
  std::int64_t id = 0;
  const std::string first = claimed(&id)["cart_url"];
  // Claimed but handed back unsent (a halted channel): claimed again later.
  OutboxDelivery delivery(db(), clock_, audit_);
  ASSERT_TRUE(delivery.release(id).isOk());
  const nlohmann::json again = claim(id);
  ASSERT_TRUE(again.is_object());
  const std::string second = again["cart_url"];
  EXPECT_TRUE(isLinkToken(second));
  EXPECT_NE(second, first);
  EXPECT_EQ(rawRows("SELECT token_hash FROM tracked_links").size(), 2u)
      << "the unsent attempt's links are gone";
  EXPECT_EQ(click(first).status().code(), core::Status::Code::kNotFound);
  auto hit = click(second);
  ASSERT_TRUE(hit.isOk()) << hit.status().toString();
  EXPECT_EQ(hit->target, kTarget) << "the stored target, not a token, was sealed again";

  // A retry decided again (no longer fresh) seals under a new data key and
  // mints again; the target still comes from the stored params.
  ASSERT_TRUE(delivery.release(id).isOk());
  clock_.advance(SendGate::kFreshDecisionMs + 1);
  const nlohmann::json third = claim(id);
  ASSERT_TRUE(third.is_object());
  EXPECT_EQ(click(second).status().code(), core::Status::Code::kNotFound);
  auto again_hit = click(third["cart_url"]);
  ASSERT_TRUE(again_hit.isOk()) << again_hit.status().toString();
  EXPECT_EQ(again_hit->target, kTarget);
}

TEST_P(TrackedLinksTest, SubmitRefusesATargetThatIsNoLinkWithoutEchoingIt) {
  for (const nlohmann::json& bad :
       {nlohmann::json("javascript:alert('s3cret')"), nlohmann::json("acme.example/s3cret"),
        nlohmann::json("https://user:s3cret@acme.example/"), nlohmann::json(42)}) {
    auto out = submit({{"cart_url", bad}, {"cart_page", kPage}});
    ASSERT_FALSE(out.isOk()) << bad;
    EXPECT_EQ(out.status().code(), core::Status::Code::kInvalidArgument);
    EXPECT_NE(out.status().message().find("'cart_url'"), std::string::npos)
        << out.status().message();
    EXPECT_EQ(out.status().message().find("s3cret"), std::string::npos) << out.status().message();
  }
  auto missing = submit({{"cart_url", kTarget}});
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().message().find("'cart_page'"), std::string::npos);
  EXPECT_TRUE(rawRows("SELECT id FROM outbox").empty()) << "nothing was recorded";
}

TEST_P(TrackedLinksTest, AMessageWhoseTargetIsNoLinkAnyMoreFailsInsteadOfGoingOut) {
  // Asked for while `cart` had a plain URL button, claimed after the
  // configuration made the same param a tracked link, in one batch with a
  // message whose target is a link: the bad one fails, and it does not
  // hold the good one back.
  auto bad = submit({{"first_name", "Ayşe"}, {"cart_url", "abc123"}}, "cart");
  ASSERT_TRUE(bad.isOk()) << bad.status().toString();
  // (A utility message, so the marketing frequency cap does not hold it.)
  auto good = submit({{"first_name", "Ayşe"}, {"cart_url", kTarget}}, "shipped");
  ASSERT_TRUE(good.isOk()) << good.status().toString();
  ASSERT_EQ(good->decision.outcome, Decision::Outcome::kAllow);
  SendGate::Options o;
  o.policy = policy_;
  o.templates = {{"cart",
                  {"abandoned_cart_1h",
                   "tr",
                   TemplateCategory::kMarketing,
                   Purpose::kAbandonedCart,
                   TemplateAvailability::kApproved,
                   {{"cart_url", TrackedParam::Form::kToken}}}},
                 {"shipped",
                  {"order_shipped",
                   "tr",
                   TemplateCategory::kUtility,
                   Purpose::kShipping,
                   TemplateAvailability::kApproved,
                   {{"cart_url", TrackedParam::Form::kToken}}}}};
  o.shops = {{shop_, {"acme", "TR", "Europe/Istanbul"}}};
  o.links = links_;
  auto changed = SendGate::create(db(), *keys_, clock_, audit_, *ledger_, o);
  ASSERT_TRUE(changed.isOk());
  auto out = (*changed)->claim({bad->outbox_id, good->outbox_id});
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  ASSERT_EQ(out->messages.size(), 1u);
  EXPECT_EQ(out->messages[0].content().outbox_id, good->outbox_id);
  EXPECT_NE(out->messages[0].content().params["cart_url"], kTarget) << "a token, not the target";
  EXPECT_EQ(out->suppressed, 1);
  auto row = rawRows("SELECT state, error_reason FROM outbox WHERE id = " +
                     std::to_string(bad->outbox_id));
  EXPECT_EQ(row[0], (std::vector<std::string>{"failed", "bad_link"}));
  EXPECT_EQ(rawRows("SELECT state FROM outbox WHERE id = " + std::to_string(good->outbox_id))[0][0],
            "sending");
  EXPECT_EQ(rawRows("SELECT outbox_id FROM tracked_links"),
            (std::vector<std::vector<std::string>>{{std::to_string(good->outbox_id)}}))
      << "only the good message has a link";
  EXPECT_EQ(rawRows("SELECT seq FROM audit_log WHERE kind = 'message.failed'").size(), 1u);
}

CARTRELAY_STORE_SUITE(TrackedLinksTest);

}  // namespace
}  // namespace cartrelay::compliance
