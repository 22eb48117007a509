// The template registry (compliance/whatsapp_templates) on SQLite and
// MariaDB, and what it does to the gate (rule 38): only a template Meta has
// APPROVED goes out, a paused one holds its step, a rejected one drops it,
// and Meta's category is the one the message is classified by.
#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/whatsapp_templates.h"
#include "tests/compliance/gate_store_fixture.h"

namespace cartrelay::compliance {
namespace {

using TemplateRegistryTest = GateStoreTest;

MetaTemplate meta(const std::string& name, const std::string& status,
                  const std::string& category = "MARKETING") {
  MetaTemplate t;
  t.name = name;
  t.language = "tr";
  t.template_id = "77" + std::to_string(name.size());
  t.status = status;
  t.category = category;
  return t;
}

class Registry {
 public:
  explicit Registry(core::store::Database& db) : db_(db) {}

  void status(const MetaTemplate& t, core::EpochMillis now) {
    ASSERT_TRUE(db_.withTransaction(
                       [&](soci::session& s) { return whatsapp_templates::noteStatus(s, t, now); })
                    .isOk());
  }
  std::optional<MetaTemplate> find(const std::string& name) {
    auto found =
        db_.querySession([&](soci::session& s) { return whatsapp_templates::find(s, name, "tr"); });
    EXPECT_TRUE(found.isOk()) << found.status().toString();
    return found.isOk() ? *found : std::nullopt;
  }
  std::vector<MetaTemplate> sync(const std::vector<MetaTemplate>& listing, core::EpochMillis now) {
    auto changed = db_.queryTransaction(
        [&](soci::session& s) { return whatsapp_templates::replaceAll(s, listing, now); });
    EXPECT_TRUE(changed.isOk()) << changed.status().toString();
    return changed.isOk() ? *changed : std::vector<MetaTemplate>{};
  }

 private:
  core::store::Database& db_;
};

TEST_P(TemplateRegistryTest, WebhookUpdatesKeepEveryFieldTheyDoNotCarry) {
  Registry registry(db());
  MetaTemplate quality = meta("abandoned_cart_1h", "");
  quality.quality = "YELLOW";
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return whatsapp_templates::noteQuality(s, quality, 1);
                  })
                  .isOk());
  // A quality update before any status: the template exists, its status is
  // not known, so it is not sendable yet.
  auto first = registry.find("abandoned_cart_1h");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, "UNKNOWN");
  EXPECT_EQ(first->quality, "YELLOW");

  registry.status(meta("abandoned_cart_1h", "APPROVED"), 2);
  MetaTemplate category = meta("abandoned_cart_1h", "", "UTILITY");
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return whatsapp_templates::noteCategory(s, category, 3);
                  })
                  .isOk());
  auto now = registry.find("abandoned_cart_1h");
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->status, "APPROVED");
  EXPECT_EQ(now->category, "UTILITY");
  EXPECT_EQ(now->quality, "YELLOW");
  EXPECT_EQ(now->updated_at_ms, 3);
  EXPECT_FALSE(registry.find("never_heard_of").has_value());

  MetaTemplate nameless = meta("", "APPROVED");
  EXPECT_EQ(db().withTransaction([&](soci::session& s) {
                  return whatsapp_templates::noteStatus(s, nameless, 4);
                })
                .code(),
            core::Status::Code::kInvalidArgument);
}

TEST_P(TemplateRegistryTest, ASyncWritesTheListingAndMarksWhatIsGoneDeleted) {
  Registry registry(db());
  registry.status(meta("old_promo", "APPROVED"), 1);
  registry.status(meta("order_shipped", "APPROVED", "UTILITY"), 1);

  MetaTemplate shipped = meta("order_shipped", "APPROVED", "UTILITY");
  shipped.template_id = registry.find("order_shipped")->template_id;
  const auto changed = registry.sync({meta("abandoned_cart_1h", "PAUSED"), shipped}, 10);
  // New and gone rows changed; the unchanged one did not.
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(registry.find("abandoned_cart_1h")->status, "PAUSED");
  EXPECT_EQ(registry.find("old_promo")->status, "DELETED");
  EXPECT_EQ(registry.find("order_shipped")->updated_at_ms, 1) << "unchanged rows are not touched";
  // A second identical sync changes nothing.
  EXPECT_TRUE(registry.sync({meta("abandoned_cart_1h", "PAUSED"), shipped}, 20).empty());
}

TEST_P(TemplateRegistryTest, AuthoritativeRegistryDecidesWhatIsSendable) {
  record(grant());
  record(grant(kGermanPhone));
  auto gate = makeGate(policy_, TemplateRegistry::kAuthoritative);
  Registry registry(db());

  // Not listed at Meta (yet): the step waits.
  auto unknown = send("cart", kPhone, gate.get(), "abandoned_cart");
  expect(unknown, Outcome::kDefer, Reason::kTemplatePaused);

  registry.status(meta("abandoned_cart_1h", "PAUSED"), clock_.nowMillis());
  auto paused = send("cart", kGermanPhone, gate.get(), "abandoned_cart");
  expect(paused, Outcome::kDefer, Reason::kTemplatePaused);
  EXPECT_EQ(paused.decision.retry_at, clock_.nowMillis() + 15LL * 60 * 1000);

  // Approved again: the waiting row goes out when it is claimed.
  registry.status(meta("abandoned_cart_1h", "APPROVED"), clock_.nowMillis());
  clock_.advance(15LL * 60 * 1000);
  auto claimed = gate->claim({paused.outbox_id});
  ASSERT_TRUE(claimed.isOk()) << claimed.status().toString();
  ASSERT_EQ(claimed->messages.size(), 1u);
  EXPECT_EQ(claimed->messages[0].content().outbox_id, paused.outbox_id);

  // Rejected: dropped, not held.
  registry.status(meta("abandoned_cart_1h", "REJECTED"), clock_.nowMillis());
  expect(send("cart", kPhone, gate.get()), Outcome::kDeny, Reason::kTemplateNotApproved);
}

TEST_P(TemplateRegistryTest, WhenKnownTheConfigurationStandsInForMissingRows) {
  record(grant());
  auto gate = makeGate(policy_, TemplateRegistry::kWhenKnown);
  expect(send("cart", kPhone, gate.get()), Outcome::kAllow, std::nullopt);

  Registry registry(db());
  registry.status(meta("order_shipped", "DISABLED", "UTILITY"), clock_.nowMillis());
  expect(send("shipped", kPhone, gate.get()), Outcome::kDefer, Reason::kTemplatePaused);
}

TEST_P(TemplateRegistryTest, WithoutARegistryMetasViewIsIgnored) {
  Registry registry(db());
  registry.status(meta("order_shipped", "PAUSED", "MARKETING"), clock_.nowMillis());
  // The default gate is TemplateRegistry::kOff (sandbox): the configured
  // UTILITY shipping template is sent without consent.
  expect(send("shipped"), Outcome::kAllow, std::nullopt);
}

TEST_P(TemplateRegistryTest, MetasCategoryIsTheMessagesCategory) {
  auto gate = makeGate(policy_, TemplateRegistry::kAuthoritative);
  Registry registry(db());
  registry.status(meta("order_shipped", "APPROVED", "UTILITY"), clock_.nowMillis());
  // A shipping update in a UTILITY template needs no marketing consent.
  auto utility = send("shipped", kPhone, gate.get());
  expect(utility, Outcome::kAllow, std::nullopt);
  EXPECT_EQ(utility.decision.purpose_class, PurposeClass::kTransactional);

  // Meta re-categorised it as MARKETING (template_category_update): the
  // same message is now commercial, and without consent it is denied.
  MetaTemplate recategorised = meta("order_shipped", "", "MARKETING");
  ASSERT_TRUE(db().withTransaction([&](soci::session& s) {
                    return whatsapp_templates::noteCategory(s, recategorised, clock_.nowMillis());
                  })
                  .isOk());
  auto marketing = send("shipped", kPhone, gate.get());
  expect(marketing, Outcome::kDeny, Reason::kNoConsent);
  EXPECT_EQ(marketing.decision.purpose_class, PurposeClass::kCommercial);
}

CARTRELAY_STORE_SUITE(TemplateRegistryTest);

}  // namespace
}  // namespace cartrelay::compliance
