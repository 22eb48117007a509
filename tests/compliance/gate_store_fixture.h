#pragma once

// The store fixture of the gate's tests (send_gate_test.cpp,
// outbox_delivery_test.cpp, tracked_links_test.cpp): a migrated store with
// one shop, the real ledger and audit chain, and a SendGate over them with
// four templates (cart: MARKETING abandoned cart, shipped: UTILITY
// shipping, old: not approved, linked: cart with a tracked_url button
// `cart_url` and a body link `cart_page`).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "compliance/send_gate.h"
#include "core/store/cart_repo.h"
#include "core/store/shop_repo.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::compliance {

using Outcome = Decision::Outcome;

constexpr const char* kPhone = "+905321234567";
constexpr const char* kGermanPhone = "+4930901820";
constexpr const char* kConfirmationText = "Abonelikten çıktınız. You are unsubscribed.";

class GateStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    auto shop = db().queryTransaction([&](soci::session& s) {
      return core::store::ShopRepo(clock_).ensure(s, "acme", core::model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk());
    shop_ = *shop;
    ledger_ = std::make_unique<ConsentLedger>(*keys_, clock_, audit_);
    policy_.transfer_basis = "standard_contract";
    gate_ = makeGate(policy_);
  }

  std::unique_ptr<SendGate> makeGate(const GatePolicy& policy,
                                     TemplateRegistry registry = TemplateRegistry::kOff) {
    SendGate::Options o;
    o.policy = policy;
    o.template_registry = registry;
    o.templates = {
        {"cart",
         {"abandoned_cart_1h", "tr", TemplateCategory::kMarketing, Purpose::kAbandonedCart}},
        {"shipped", {"order_shipped", "tr", TemplateCategory::kUtility, Purpose::kShipping}},
        {"old",
         {"old_promo", "tr", TemplateCategory::kMarketing, Purpose::kCampaign,
          TemplateAvailability::kNotApproved}},
        {"linked",
         {"cart_links",
          "tr",
          TemplateCategory::kMarketing,
          Purpose::kAbandonedCart,
          TemplateAvailability::kApproved,
          {{"cart_url", TrackedParam::Form::kToken}, {"cart_page", TrackedParam::Form::kUrl}}}},
        {"confirm",
         {"",
          "",
          TemplateCategory::kUtility,
          Purpose::kOptOutConfirmation,
          TemplateAvailability::kApproved,
          {},
          kConfirmationText}}};
    o.links = links_;
    o.shops = {{shop_, {"acme", "TR", "Europe/Istanbul"}}};
    o.policy_version = "cfg-sha";
    o.audit_intact = [this] { return audit_intact_; };
    o.iys = [this](std::int64_t, const std::string&) { return iys_; };
    auto gate = SendGate::create(db(), *keys_, clock_, audit_, *ledger_, o);
    EXPECT_TRUE(gate.isOk()) << gate.status().toString();
    return gate.isOk() ? std::move(gate).value() : nullptr;
  }

  // A TR-complete ONAY: verified, named, KVKK notice shown.
  ConsentEvent grant(const char* phone = kPhone) {
    ConsentEvent e;
    e.subject_ref = keys_->hasher().hash("phone", phone);
    e.event_type = "GRANT";
    e.source = "HS_WEB";
    e.kvkk_notice_version = "v3";
    e.verified = true;
    e.complete = true;
    e.event_at = clock_.nowMillis() - 60'000;
    return e;
  }

  void record(const ConsentEvent& e) {
    auto r = db().queryTransaction([&](soci::session& s) {
      return ledger_->record(s, shop_, e, "", nlohmann::json::object(), "cli");
    });
    ASSERT_TRUE(r.isOk() && r->recorded) << r.status().toString();
  }

  SendGate::Outcome send(const std::string& tmpl, const char* phone = kPhone,
                         const SendGate* gate = nullptr, std::string journey = "",
                         std::optional<std::int64_t> cart = std::nullopt) {
    SendRequest r;
    r.shop_id = shop_;
    r.phone = phone;
    r.template_name = tmpl;
    r.params = {{"first_name", "Ayşe"}};
    r.journey = journey;
    r.step = journey.empty() ? "" : "1";
    r.cart_id = cart;
    auto out = (gate ? gate : gate_.get())->submit(r);
    EXPECT_TRUE(out.isOk()) << out.status().toString();
    return out.isOk() ? std::move(out).value() : SendGate::Outcome{};
  }

  void expect(const SendGate::Outcome& out, Outcome outcome, std::optional<Reason> reason) {
    EXPECT_EQ(out.decision.outcome, outcome);
    EXPECT_EQ(out.decision.reason, reason)
        << (out.decision.reason ? toString(*out.decision.reason) : "no reason");
  }

  std::int64_t cart(core::model::CartState state, core::EpochMillis activity) {
    core::model::Cart c;
    c.shop_id = shop_;
    c.platform_cart_id = "c-" + std::to_string(activity);
    c.total = {1000, "TRY"};
    c.state = state;
    c.platform_created_at_ms = activity;
    c.platform_updated_at_ms = activity;
    core::store::CartRepo carts(*keys_, clock_);
    auto r = db().queryTransaction([&](soci::session& s) { return carts.upsert(s, c); });
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r.isOk() ? r->id : 0;
  }

  AuditLog audit_{clock_};
  std::unique_ptr<ConsentLedger> ledger_;
  GatePolicy policy_;
  LinkOptions links_{"https://relay.example/cr/", 30LL * 24 * 3600 * 1000};
  std::unique_ptr<SendGate> gate_;
  std::int64_t shop_ = 0;
  bool audit_intact_ = true;
  std::pair<GateFacts::IysStatus, bool> iys_{GateFacts::IysStatus::kUnknown, false};
};

}  // namespace cartrelay::compliance
