// decide() as a whole: the order of the rules, DENY over DEFER, how DEFERs
// combine, the consent event an ALLOW names, purity, and the purpose
// classification it starts from. The rules themselves have their own tables
// in tests/compliance/rules/.
#include "compliance/gate.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/purpose.h"
#include "compliance/reason.h"
#include "compliance/rules/template_approved.h"
#include "core/util/clock.h"
#include "core/util/time_zone.h"

namespace cartrelay::compliance {
namespace {

using Outcome = Decision::Outcome;
using Iys = GateFacts::IysStatus;
constexpr PurposeClass kCommercial = PurposeClass::kCommercial;
constexpr PurposeClass kTransactional = PurposeClass::kTransactional;
constexpr core::EpochMillis kMinute = 60LL * 1000;
constexpr core::EpochMillis kHour = 60 * kMinute;
constexpr core::EpochMillis kDay = 24 * kHour;

// A UTC instant from its calendar fields, independent of TimeZone.
core::EpochMillis utc(int y, unsigned m, unsigned d, int hour, int minute) {
  namespace chr = std::chrono;
  const chr::sys_days date = chr::year{y} / chr::month{m} / chr::day{d};
  return chr::duration_cast<chr::milliseconds>(date.time_since_epoch()).count() +
         (hour * 60LL + minute) * kMinute;
}

// 2026-11-22 (a Sunday) 12:00 in Istanbul, 10:00 in Berlin.
const core::EpochMillis kNow = utc(2026, 11, 22, 9, 0);

core::TimeZone load(const char* name) {
  auto zone = core::TimeZone::load(name);
  EXPECT_TRUE(zone.isOk()) << name << ": " << zone.status().toString();
  return std::move(zone).value();
}

const core::TimeZone* istanbul() {
  static const core::TimeZone zone = load("Europe/Istanbul");
  return &zone;
}

const core::TimeZone* berlin() {
  static const core::TimeZone zone = load("Europe/Berlin");
  return &zone;
}

struct Inputs {
  MessageIntent intent;
  GateFacts facts;
  GatePolicy policy;
  core::EpochMillis now = kNow;
  Decision decide() const { return compliance::decide(intent, facts, policy, now); }
};

// An abandoned-cart reminder in TR that every rule lets through: a BIREYSEL
// recipient with a complete, verified ONAY (event 42) that İYS confirms, an
// open cart, nothing sent lately, noon local time.
Inputs allowedTr() {
  Inputs in;
  in.intent.subject_ref = std::string(64, 'a');
  in.intent.message_template = MessageTemplate{"cart_reminder_1", TemplateCategory::kMarketing,
                                               TemplateAvailability::kApproved};
  in.intent.purpose = Purpose::kAbandonedCart;
  in.intent.journey = "abandoned_cart";
  in.intent.step = "1";
  in.intent.cart_id = 501;
  in.facts.phone_valid = true;
  in.facts.country = "TR";
  in.facts.zone = istanbul();
  in.facts.consent.status = ConsentState::Status::kOnay;
  in.facts.consent.event_id = 42;
  in.facts.consent.recipient_type = RecipientType::kBireysel;
  in.facts.consent.complete = true;
  in.facts.consent.verified = true;
  in.facts.consent.kvkk_notice_version = "aydinlatma-2024-05";
  in.facts.cart_state = CartState::kOpen;
  in.facts.cart_activity_at = kNow - kHour;
  in.facts.audit_intact = true;
  in.facts.iys_status = Iys::kOnay;
  in.facts.iys_fresh = true;
  in.policy.jurisdiction = Jurisdiction::kTR;
  in.policy.transfer_basis = "standard_contract_2024-09";
  in.policy.iys_enabled = true;
  return in;
}

// A win-back message in the EU (Germany) relying on consent event 77.
Inputs allowedEu() {
  Inputs in;
  in.intent.subject_ref = std::string(64, 'b');
  in.intent.message_template =
      MessageTemplate{"winback_1", TemplateCategory::kMarketing, TemplateAvailability::kApproved};
  in.intent.purpose = Purpose::kWinback;
  in.intent.journey = "winback";
  in.intent.step = "1";
  in.facts.phone_valid = true;
  in.facts.country = "DE";
  in.facts.zone = berlin();
  in.facts.consent.status = ConsentState::Status::kOnay;
  in.facts.consent.event_id = 77;
  in.facts.audit_intact = true;
  in.policy.jurisdiction = Jurisdiction::kEU;
  in.policy.soft_optin_countries = {"DE"};
  return in;
}

// An order update on a UTILITY template: TRANSACTIONAL.
Inputs transactionalTr() {
  Inputs in = allowedTr();
  in.intent.message_template =
      MessageTemplate{"order_shipped", TemplateCategory::kUtility, TemplateAvailability::kApproved};
  in.intent.purpose = Purpose::kShipping;
  in.intent.journey = "order";
  in.intent.cart_id.reset();
  in.intent.order_id = 9001;
  return in;
}

std::string describe(const Decision& d) {
  std::string text = d.outcome == Outcome::kDeny    ? "DENY"
                     : d.outcome == Outcome::kDefer ? "DEFER"
                                                    : "ALLOW";
  if (d.reason.has_value()) text += "(" + std::string(toString(*d.reason)) + ")";
  if (d.outcome == Outcome::kDefer) text += "@" + core::formatIso8601(d.retry_at);
  text += " " + std::string(toString(d.purpose_class));
  if (d.consent_event_id != 0) text += " consent_event_id=" + std::to_string(d.consent_event_id);
  return text;
}

Decision allowWith(std::int64_t consent_event_id, PurposeClass purpose_class = kCommercial) {
  Decision d = Decision::allow(purpose_class);
  d.consent_event_id = consent_event_id;
  return d;
}

struct Case {
  const char* description;
  Inputs (*base)();
  std::function<void(Inputs&)> arrange;
  Decision expected;
};

void runTable(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.description);
    Inputs in = c.base();
    c.arrange(in);
    EXPECT_EQ(describe(in.decide()), describe(c.expected));
  }
}

TEST(Gate, AllowsWhenEveryRulePasses) {
  EXPECT_EQ(describe(allowedTr().decide()), describe(allowWith(42)));
  EXPECT_EQ(describe(allowedEu().decide()), describe(allowWith(77)));
  EXPECT_EQ(describe(transactionalTr().decide()), describe(allowWith(0, kTransactional)));
}

// One input per reason decide() can give, each yielding exactly that reason.
const std::vector<Case>& reasonCases() {
  static const std::vector<Case> table = {
      {"INVALID_PHONE", &allowedTr, [](Inputs& in) { in.facts.phone_valid = false; },
       Decision::deny(Reason::kInvalidPhone, kCommercial)},
      {"ERASED", &allowedTr, [](Inputs& in) { in.facts.erased = true; },
       Decision::deny(Reason::kErased, kCommercial)},
      {"BLOCKED", &allowedTr,
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.facts.consent.block_all = true;
       },
       Decision::deny(Reason::kBlocked, kCommercial)},
      {"TRANSFER_BASIS_MISSING", &allowedTr, [](Inputs& in) { in.policy.transfer_basis.clear(); },
       Decision::deny(Reason::kTransferBasisMissing, kCommercial)},
      {"TEMPLATE_NOT_APPROVED", &allowedTr,
       [](Inputs& in) {
         in.intent.message_template.availability = TemplateAvailability::kNotApproved;
       },
       Decision::deny(Reason::kTemplateNotApproved, kCommercial)},
      {"TEMPLATE_PAUSED", &allowedTr,
       [](Inputs& in) { in.intent.message_template.availability = TemplateAvailability::kPaused; },
       Decision::defer(Reason::kTemplatePaused, kNow + rules::kTemplatePausedRetryMs, kCommercial)},
      {"AUDIT_INTEGRITY_FAILED", &allowedTr, [](Inputs& in) { in.facts.audit_intact = false; },
       Decision::deny(Reason::kAuditIntegrityFailed, kCommercial)},
      {"CONSENT_WITHDRAWN (TR)", &allowedTr,
       [](Inputs& in) { in.facts.consent.status = ConsentState::Status::kRet; },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"NO_CONSENT (TR)", &allowedTr, [](Inputs& in) { in.facts.consent = ConsentState{}; },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"CONSENT_INCOMPLETE", &allowedTr, [](Inputs& in) { in.facts.consent.complete = false; },
       Decision::deny(Reason::kConsentIncomplete, kCommercial)},
      {"CONSENT_UNVERIFIED", &allowedTr, [](Inputs& in) { in.facts.consent.verified = false; },
       Decision::deny(Reason::kConsentUnverified, kCommercial)},
      {"KVKK_NOTICE_MISSING", &allowedTr,
       [](Inputs& in) { in.facts.consent.kvkk_notice_version.clear(); },
       Decision::deny(Reason::kKvkkNoticeMissing, kCommercial)},
      {"OUT_OF_CONSENT_SCOPE (TR)", &allowedTr,
       [](Inputs& in) { in.facts.consent.purpose_scope = {Purpose::kCampaign}; },
       Decision::deny(Reason::kOutOfConsentScope, kCommercial)},
      {"TACIR_NOT_IN_IYS", &allowedTr,
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_status = Iys::kNotFound;
       },
       Decision::deny(Reason::kTacirNotInIys, kCommercial)},
      {"SOFT_OPTIN_NOT_ELIGIBLE", &allowedEu, [](Inputs& in) { in.facts.consent = ConsentState{}; },
       Decision::deny(Reason::kSoftOptinNotEligible, kCommercial)},
      {"IYS_NO_CONSENT", &allowedTr, [](Inputs& in) { in.facts.iys_status = Iys::kRet; },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
      {"IYS_UNAVAILABLE", &allowedTr, [](Inputs& in) { in.facts.iys_fresh = false; },
       Decision::defer(Reason::kIysUnavailable, kNow + 5 * kMinute, kCommercial)},
      {"PURCHASE_COMPLETED", &allowedTr,
       [](Inputs& in) { in.facts.cart_state = CartState::kCompleted; },
       Decision::deny(Reason::kPurchaseCompleted, kCommercial)},
      {"CART_EXPIRED", &allowedTr, [](Inputs& in) { in.facts.cart_state = CartState::kDeleted; },
       Decision::deny(Reason::kCartExpired, kCommercial)},
      {"QUIET_HOURS", &allowedTr,
       [](Inputs& in) {
         in.now = utc(2026, 11, 22, 19, 0);  // 22:00 in Istanbul
         in.facts.cart_activity_at = in.now - kHour;
       },
       Decision::defer(Reason::kQuietHours, utc(2026, 11, 23, 5, 0), kCommercial)},
      {"FREQUENCY_CAP", &allowedTr, [](Inputs& in) { in.facts.commercial_sends = {kNow - kHour}; },
       Decision::defer(Reason::kFrequencyCap, kNow - kHour + kDay + 1, kCommercial)},
  };
  return table;
}

TEST(GateReasons, EachReasonTheGateCanGiveHasAnInputThatYieldsIt) { runTable(reasonCases()); }

// The reasons of reason.h decide() never gives, and why: template content
// checks need the template's text, which MessageTemplate does not carry;
// İYS registration (rule 8) is covered by the live İYS status (rule 9); the
// service window and the audit append are the sender's and the outbox's.
const std::set<Reason> kNotFromDecide = {
    Reason::kTemplateUnclassified,      Reason::kTransactionalContainsPromo,
    Reason::kOptinRequestContainsPromo, Reason::kTemplateMissingOptout,
    Reason::kTemplateMissingSenderId,   Reason::kTemplateMissingContact,
    Reason::kPromoTermsMissing,         Reason::kTemplateCategoryMismatch,
    Reason::kIysNotRegistered,          Reason::kOutsideServiceWindow,
    Reason::kAuditUnavailable,
};

// A new Reason must either get a case above or be listed as not given.
TEST(GateReasons, EveryReasonIsEitherCoveredOrListedAsNotGiven) {
  std::set<Reason> covered;
  for (const Case& c : reasonCases()) {
    ASSERT_TRUE(c.expected.reason.has_value()) << c.description;
    EXPECT_TRUE(covered.insert(*c.expected.reason).second) << c.description << ": covered twice";
  }
  for (const Reason reason : allReasons()) {
    SCOPED_TRACE(std::string(toString(reason)));
    EXPECT_NE(covered.contains(reason), kNotFromDecide.contains(reason));
  }
}

// Every condition set at once, then removed one by one in rule order: each
// step shows the next rule's DENY, so the order is exactly the documented one.
TEST(GateOrder, TheFirstDenyInRuleOrderWins) {
  struct Step {
    const char* expected;
    std::function<void(Inputs&)> fix;
  };
  Inputs in = allowedTr();
  // Broken: every rule at once.
  in.facts.phone_valid = false;
  in.facts.erased = true;
  in.facts.consent = ConsentState{};
  in.facts.consent.block_all = true;
  in.policy.transfer_basis.clear();
  in.intent.message_template.availability = TemplateAvailability::kNotApproved;
  in.facts.audit_intact = false;
  in.facts.iys_status = Iys::kRet;
  in.facts.cart_state = CartState::kCompleted;
  in.now = utc(2026, 11, 22, 19, 0);  // 22:00 in Istanbul
  in.facts.cart_activity_at = in.now - kHour;
  in.facts.commercial_sends = {in.now - kHour};

  const core::EpochMillis quiet_retry = utc(2026, 11, 23, 5, 0);
  const core::EpochMillis cap_retry = in.now - kHour + kDay + 1;
  const std::vector<Step> steps = {
      {"DENY(INVALID_PHONE) COMMERCIAL", [](Inputs& i) { i.facts.phone_valid = true; }},
      {"DENY(ERASED) COMMERCIAL", [](Inputs& i) { i.facts.erased = false; }},
      {"DENY(BLOCKED) COMMERCIAL", [](Inputs& i) { i.facts.consent.block_all = false; }},
      {"DENY(TRANSFER_BASIS_MISSING) COMMERCIAL",
       [](Inputs& i) { i.policy.transfer_basis = "adequacy"; }},
      {"DENY(TEMPLATE_NOT_APPROVED) COMMERCIAL",
       [](Inputs& i) { i.intent.message_template.availability = TemplateAvailability::kApproved; }},
      {"DENY(AUDIT_INTEGRITY_FAILED) COMMERCIAL", [](Inputs& i) { i.facts.audit_intact = true; }},
      {"DENY(NO_CONSENT) COMMERCIAL",
       [](Inputs& i) { i.facts.consent = allowedTr().facts.consent; }},
      {"DENY(IYS_NO_CONSENT) COMMERCIAL", [](Inputs& i) { i.facts.iys_status = Iys::kOnay; }},
      {"DENY(PURCHASE_COMPLETED) COMMERCIAL",
       [](Inputs& i) { i.facts.cart_state = CartState::kOpen; }},
      // No DENY left: the two DEFERs combine to the later one.
      {nullptr, [](Inputs& i) { i.facts.commercial_sends.clear(); }},
      {nullptr, [](Inputs& i) { i.now = kNow; }},
  };
  std::vector<std::string> expected;
  for (const Step& step : steps) {
    if (step.expected != nullptr) expected.emplace_back(step.expected);
  }
  expected.push_back(describe(Decision::defer(Reason::kFrequencyCap, cap_retry, kCommercial)));
  expected.push_back(describe(Decision::defer(Reason::kQuietHours, quiet_retry, kCommercial)));
  ASSERT_EQ(expected.size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    EXPECT_EQ(describe(in.decide()), expected[i]);
    steps[i].fix(in);
  }
  in.facts.cart_activity_at = in.now - kHour;
  EXPECT_EQ(describe(in.decide()), describe(allowWith(42)));
}

TEST(GateOrder, PairsAcrossJurisdictions) {
  runTable({
      {"EU: CONSENT_WITHDRAWN before the cart", &allowedEu,
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.intent.cart_id = 7;
         in.facts.cart_state = CartState::kCompleted;
       },
       Decision::deny(Reason::kConsentWithdrawn, kCommercial)},
      {"EU: SAFE_MODE comes before the consent rules", &allowedEu,
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.facts.country = "FR";
         in.facts.audit_intact = false;
       },
       Decision::deny(Reason::kAuditIntegrityFailed, kCommercial)},
      {"EU: the İYS rule does not apply, even with İYS enabled and nothing known", &allowedEu,
       [](Inputs& in) {
         in.policy.iys_enabled = true;
         in.facts.iys_fresh = false;
         in.facts.iys_status = Iys::kRet;
       },
       allowWith(77)},
      {"TR: the EU soft opt-in does not apply", &allowedTr,
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.facts.has_completed_order = true;
         in.policy.soft_optin_countries = {"TR"};
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
      {"TR: a TACIR's İYS RET stops at the consent rule, before the cart", &allowedTr,
       [](Inputs& in) {
         in.facts.consent.recipient_type = RecipientType::kTacir;
         in.facts.iys_status = Iys::kRet;
         in.facts.cart_state = CartState::kCompleted;
       },
       Decision::deny(Reason::kIysNoConsent, kCommercial)},
  });
}

TEST(GateDeferrals, ADenyAnywhereBeatsEarlierDefers) {
  runTable({
      {"İYS defers, the cart denies", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.facts.cart_state = CartState::kCompleted;
       },
       Decision::deny(Reason::kPurchaseCompleted, kCommercial)},
      {"İYS and quiet hours defer, a cap of 0 denies", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = utc(2026, 11, 22, 19, 0);
         in.facts.cart_activity_at = in.now - kHour;
         in.policy.caps.per_day = 0;
       },
       Decision::deny(Reason::kFrequencyCap, kCommercial)},
  });
}

TEST(GateDeferrals, CombineToTheLatestRetry) {
  runTable({
      {"İYS (5 min) and quiet hours at 22:00 (next 08:00): quiet hours", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = utc(2026, 11, 22, 19, 0);
         in.facts.cart_activity_at = in.now - kHour;
       },
       Decision::defer(Reason::kQuietHours, utc(2026, 11, 23, 5, 0), kCommercial)},
      {"İYS at 07:57 (08:02) and quiet hours (08:00): İYS", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = utc(2026, 11, 22, 4, 57);
         in.facts.cart_activity_at = in.now - kHour;
       },
       Decision::defer(Reason::kIysUnavailable, utc(2026, 11, 22, 5, 2), kCommercial)},
      {"a tie at 08:00 keeps the earlier rule's reason (İYS before quiet hours)", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = utc(2026, 11, 22, 4, 55);
         in.facts.cart_activity_at = in.now - kHour;
       },
       Decision::defer(Reason::kIysUnavailable, utc(2026, 11, 22, 5, 0), kCommercial)},
      {"quiet hours (next 08:00) and a cap lifting at 23:00 today: quiet hours", &allowedTr,
       [](Inputs& in) {
         in.now = utc(2026, 11, 22, 19, 0);
         in.facts.cart_activity_at = in.now - kHour;
         in.facts.commercial_sends = {utc(2026, 11, 21, 23, 0)};
       },
       Decision::defer(Reason::kQuietHours, utc(2026, 11, 23, 5, 0), kCommercial)},
      {"quiet hours (next 08:00) and a cap lifting tomorrow evening: the cap", &allowedTr,
       [](Inputs& in) {
         in.now = utc(2026, 11, 22, 19, 0);
         in.facts.cart_activity_at = in.now - kHour;
         in.facts.commercial_sends = {utc(2026, 11, 22, 18, 0)};
       },
       Decision::defer(Reason::kFrequencyCap, utc(2026, 11, 23, 18, 0) + 1, kCommercial)},
      {"all three: the cap's is the latest", &allowedTr,
       [](Inputs& in) {
         in.facts.iys_fresh = false;
         in.now = utc(2026, 11, 22, 19, 0);
         in.facts.cart_activity_at = in.now - kHour;
         in.facts.commercial_sends = {utc(2026, 11, 22, 18, 0)};
       },
       Decision::defer(Reason::kFrequencyCap, utc(2026, 11, 23, 18, 0) + 1, kCommercial)},
  });
}

TEST(GateTransactional, OnlyTheRulesForEveryMessageApply) {
  const auto everythingCommercialBroken = [](Inputs& in) {
    in.facts.consent = ConsentState{};
    in.facts.audit_intact = false;
    in.facts.iys_fresh = false;
    in.facts.iys_status = Iys::kRet;
    in.policy.caps = FrequencyCaps{0, 0};
    in.facts.commercial_sends = {kNow - kHour};
    in.now = utc(2026, 11, 22, 0, 0);  // 03:00 in Istanbul
  };
  runTable({
      {"no consent, SAFE_MODE, İYS RET, caps 0, 03:00: still allowed", &transactionalTr,
       everythingCommercialBroken, allowWith(0, kTransactional)},
      {"an ONAY on record is not named (nothing relied on it)", &transactionalTr, [](Inputs&) {},
       allowWith(0, kTransactional)},
      {"no zone is needed", &transactionalTr, [](Inputs& in) { in.facts.zone = nullptr; },
       allowWith(0, kTransactional)},
      {"EU without consent", &allowedEu,
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kUtility;
         in.intent.purpose = Purpose::kOrderUpdate;
         in.facts.consent = ConsentState{};
         in.facts.country = "FR";
       },
       allowWith(0, kTransactional)},
      {"erased", &transactionalTr, [](Inputs& in) { in.facts.erased = true; },
       Decision::deny(Reason::kErased, kTransactional)},
      {"blocked", &transactionalTr,
       [](Inputs& in) {
         in.facts.consent.status = ConsentState::Status::kRet;
         in.facts.consent.block_all = true;
       },
       Decision::deny(Reason::kBlocked, kTransactional)},
      {"a plain RET does not stop it", &transactionalTr,
       [](Inputs& in) { in.facts.consent.status = ConsentState::Status::kRet; },
       allowWith(0, kTransactional)},
      {"invalid phone", &transactionalTr, [](Inputs& in) { in.facts.phone_valid = false; },
       Decision::deny(Reason::kInvalidPhone, kTransactional)},
      {"no transfer basis", &transactionalTr, [](Inputs& in) { in.policy.transfer_basis.clear(); },
       Decision::deny(Reason::kTransferBasisMissing, kTransactional)},
      {"unapproved template", &transactionalTr,
       [](Inputs& in) {
         in.intent.message_template.availability = TemplateAvailability::kNotApproved;
       },
       Decision::deny(Reason::kTemplateNotApproved, kTransactional)},
      {"about a completed cart", &transactionalTr,
       [](Inputs& in) {
         in.intent.cart_id = 501;
         in.facts.cart_state = CartState::kCompleted;
       },
       Decision::deny(Reason::kPurchaseCompleted, kTransactional)},
      {"a shipping message on a MARKETING template is COMMERCIAL (rule 39)", &transactionalTr,
       [](Inputs& in) {
         in.intent.message_template.category = TemplateCategory::kMarketing;
         in.facts.consent = ConsentState{};
       },
       Decision::deny(Reason::kNoConsent, kCommercial)},
  });
}

TEST(GateConsentEvent, AnAllowNamesTheOnayItReliedOn) {
  runTable({
      {"TR BIREYSEL ONAY", &allowedTr, [](Inputs&) {}, allowWith(42)},
      {"EU ONAY", &allowedEu, [](Inputs&) {}, allowWith(77)},
      {"EU soft opt-in: no consent event to name", &allowedEu,
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.facts.has_completed_order = true;
       },
       allowWith(0)},
      {"TR TACIR: exempt, an ONAY on record is not what it relied on", &allowedTr,
       [](Inputs& in) { in.facts.consent.recipient_type = RecipientType::kTacir; }, allowWith(0)},
      {"TR TACIR without any consent", &allowedTr,
       [](Inputs& in) {
         in.facts.consent = ConsentState{};
         in.facts.consent.recipient_type = RecipientType::kTacir;
       },
       allowWith(0)},
      {"a DEFER names none", &allowedTr, [](Inputs& in) { in.facts.iys_fresh = false; },
       Decision::defer(Reason::kIysUnavailable, kNow + 5 * kMinute, kCommercial)},
      {"a DENY names none", &allowedTr, [](Inputs& in) { in.facts.cart_state.reset(); },
       Decision::deny(Reason::kCartExpired, kCommercial)},
  });
}

bool identical(const Decision& a, const Decision& b) {
  return a.outcome == b.outcome && a.reason == b.reason && a.retry_at == b.retry_at &&
         a.purpose_class == b.purpose_class && a.consent_event_id == b.consent_event_id;
}

TEST(GatePurity, TheSameInputsGiveTheSameDecision) {
  std::vector<Inputs> inputs = {allowedTr(), allowedEu(), transactionalTr()};
  for (const Case& c : reasonCases()) {
    Inputs in = c.base();
    c.arrange(in);
    inputs.push_back(std::move(in));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE("inputs " + std::to_string(i));
    const Decision first = inputs[i].decide();
    const Decision second = inputs[i].decide();
    EXPECT_TRUE(identical(first, second)) << describe(first) << " vs " << describe(second);
    // Deciding something else in between changes nothing either.
    (void)inputs[(i + 1) % inputs.size()].decide();
    EXPECT_TRUE(identical(first, inputs[i].decide())) << describe(first);
  }
}

constexpr Purpose kAllPurposes[] = {
    Purpose::kOrderUpdate,   Purpose::kShipping,
    Purpose::kPayment,       Purpose::kAbandonedCart,
    Purpose::kReviewRequest, Purpose::kWinback,
    Purpose::kLoyalty,       Purpose::kCampaign,
    Purpose::kGreeting,      Purpose::kOptOutConfirmation,
};
constexpr TemplateCategory kAllCategories[] = {
    TemplateCategory::kMarketing, TemplateCategory::kUtility, TemplateCategory::kAuthentication};

// Rules 1-3 and 39, every Purpose x TemplateCategory.
TEST(PurposeClassify, EveryPurposeAndCategory) {
  struct Row {
    Purpose purpose;
    TemplateCategory category;
    PurposeClass expected;
  };
  using P = Purpose;
  using T = TemplateCategory;
  const Row rows[] = {
      {P::kOrderUpdate, T::kMarketing, kCommercial},
      {P::kOrderUpdate, T::kUtility, kTransactional},
      {P::kOrderUpdate, T::kAuthentication, kTransactional},
      {P::kShipping, T::kMarketing, kCommercial},
      {P::kShipping, T::kUtility, kTransactional},
      {P::kShipping, T::kAuthentication, kTransactional},
      {P::kPayment, T::kMarketing, kCommercial},
      {P::kPayment, T::kUtility, kTransactional},
      {P::kPayment, T::kAuthentication, kTransactional},
      {P::kAbandonedCart, T::kMarketing, kCommercial},
      {P::kAbandonedCart, T::kUtility, kCommercial},
      {P::kAbandonedCart, T::kAuthentication, kCommercial},
      {P::kReviewRequest, T::kMarketing, kCommercial},
      {P::kReviewRequest, T::kUtility, kCommercial},
      {P::kReviewRequest, T::kAuthentication, kCommercial},
      {P::kWinback, T::kMarketing, kCommercial},
      {P::kWinback, T::kUtility, kCommercial},
      {P::kWinback, T::kAuthentication, kCommercial},
      {P::kLoyalty, T::kMarketing, kCommercial},
      {P::kLoyalty, T::kUtility, kCommercial},
      {P::kLoyalty, T::kAuthentication, kCommercial},
      {P::kCampaign, T::kMarketing, kCommercial},
      {P::kCampaign, T::kUtility, kCommercial},
      {P::kCampaign, T::kAuthentication, kCommercial},
      {P::kGreeting, T::kMarketing, kCommercial},
      {P::kGreeting, T::kUtility, kCommercial},
      {P::kGreeting, T::kAuthentication, kCommercial},
      {P::kOptOutConfirmation, T::kMarketing, kCommercial},
      {P::kOptOutConfirmation, T::kUtility, kTransactional},
      {P::kOptOutConfirmation, T::kAuthentication, kTransactional},
  };
  ASSERT_EQ(std::size(rows), std::size(kAllPurposes) * std::size(kAllCategories));
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(toString(row.purpose)) + " / " + std::string(toString(row.category)));
    EXPECT_EQ(toString(classifyPurpose(row.purpose, row.category)), toString(row.expected));
  }
}

// Whatever the outcome, the Decision carries classifyPurpose's class.
TEST(GatePurposeClass, EveryDecisionCarriesTheClass) {
  const std::vector<std::pair<const char*, std::function<void(Inputs&)>>> variants = {
      {"as is", [](Inputs&) {}},
      {"denied first thing", [](Inputs& in) { in.facts.phone_valid = false; }},
      {"denied by the cart", [](Inputs& in) { in.facts.cart_state = CartState::kCompleted; }},
      {"İYS stale (defers COMMERCIAL)", [](Inputs& in) { in.facts.iys_fresh = false; }},
  };
  for (const Purpose purpose : kAllPurposes) {
    for (const TemplateCategory category : kAllCategories) {
      for (const auto& [name, arrange] : variants) {
        SCOPED_TRACE(std::string(toString(purpose)) + " / " + std::string(toString(category)) +
                     " / " + name);
        Inputs in = allowedTr();
        in.intent.purpose = purpose;
        in.intent.message_template.category = category;
        arrange(in);
        EXPECT_EQ(toString(in.decide().purpose_class),
                  toString(classifyPurpose(purpose, category)));
      }
    }
  }
}

}  // namespace
}  // namespace cartrelay::compliance
