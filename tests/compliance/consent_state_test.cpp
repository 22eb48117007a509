#include "compliance/consent_state.h"

#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::compliance {
namespace {

ConsentEvent event(std::int64_t id, ConsentStatus status, core::EpochMillis at,
                   core::EpochMillis received) {
  ConsentEvent e;
  e.id = id;
  e.status = status;
  e.event_at = at;
  e.received_at = received;
  return e;
}

TEST(ConsentFold, NoEventsIsNoConsent) {
  ConsentState state = foldConsent({});
  EXPECT_EQ(state.status, ConsentState::Status::kNone);
  EXPECT_EQ(state.event_id, 0);
  EXPECT_FALSE(state.last_ret_at.has_value());
}

TEST(ConsentFold, TheLatestSayingWinsNotTheLatestHeard) {
  // A withdrawal said at 200 but pulled from İYS at 900 still beats the
  // grant said at 100, and a grant said at 300 beats both.
  std::vector<ConsentEvent> events = {event(1, ConsentStatus::kOnay, 100, 100),
                                      event(2, ConsentStatus::kRet, 200, 900)};
  EXPECT_EQ(foldConsent(events).status, ConsentState::Status::kRet);
  EXPECT_EQ(foldConsent(events).event_id, 2);
  events.push_back(event(3, ConsentStatus::kOnay, 300, 300));
  EXPECT_EQ(foldConsent(events).status, ConsentState::Status::kOnay);
  EXPECT_EQ(*foldConsent(events).last_ret_at, 200);
}

TEST(ConsentFold, TiesGoToTheLaterReceivedThenTheHigherId) {
  std::vector<ConsentEvent> events = {event(1, ConsentStatus::kRet, 100, 500),
                                      event(2, ConsentStatus::kOnay, 100, 400)};
  EXPECT_EQ(foldConsent(events).status, ConsentState::Status::kRet);
  events = {event(1, ConsentStatus::kOnay, 100, 400), event(2, ConsentStatus::kRet, 100, 400)};
  EXPECT_EQ(foldConsent(events).status, ConsentState::Status::kRet);
}

TEST(ConsentFold, EvidenceOnlyGrantsDoNotCountButTheirWithdrawalsDo) {
  ConsentEvent observed = event(1, ConsentStatus::kOnay, 100, 100);
  observed.evidence_only = true;
  EXPECT_EQ(foldConsent(std::vector<ConsentEvent>{observed}).status, ConsentState::Status::kNone);
  ConsentEvent granted = event(2, ConsentStatus::kOnay, 50, 50);
  EXPECT_EQ(foldConsent(std::vector<ConsentEvent>{granted, observed}).event_id, 2);
}

TEST(ConsentFold, TheDecidingEventCarriesItsDetailsAndBlockAll) {
  ConsentEvent granted = event(1, ConsentStatus::kOnay, 100, 100);
  granted.purpose_scope = {Purpose::kAbandonedCart};
  granted.kvkk_notice_version = "v3";
  granted.verified = true;
  granted.complete = true;
  granted.recipient_type = RecipientType::kTacir;
  ConsentState state = foldConsent(std::vector<ConsentEvent>{granted});
  EXPECT_EQ(state.purpose_scope, std::set<Purpose>{Purpose::kAbandonedCart});
  EXPECT_EQ(state.kvkk_notice_version, "v3");
  EXPECT_EQ(state.recipient_type, RecipientType::kTacir);
  EXPECT_FALSE(state.block_all);

  ConsentEvent blocked = event(2, ConsentStatus::kRet, 200, 200);
  blocked.block_all = true;
  EXPECT_TRUE(foldConsent(std::vector<ConsentEvent>{granted, blocked}).block_all);
  ConsentEvent regranted = event(3, ConsentStatus::kOnay, 300, 300);
  regranted.block_all = true;  // meaningless on a grant: never blocks
  EXPECT_FALSE(foldConsent(std::vector<ConsentEvent>{granted, blocked, regranted}).block_all);
}

TEST(ConsentFold, AnOnayDatedBeforeTheLastRetIsStale) {
  ConsentState state =
      foldConsent(std::vector<ConsentEvent>{event(1, ConsentStatus::kRet, 1000, 1000)});
  EXPECT_TRUE(isStaleOnay(event(0, ConsentStatus::kOnay, 999, 2000), state));
  EXPECT_FALSE(isStaleOnay(event(0, ConsentStatus::kOnay, 1000, 2000), state));
  EXPECT_FALSE(isStaleOnay(event(0, ConsentStatus::kRet, 10, 2000), state));
  EXPECT_FALSE(isStaleOnay(event(0, ConsentStatus::kOnay, 10, 2000), foldConsent({})));
}

TEST(ConsentCodes, RoundTrip) {
  for (ConsentStatus s : {ConsentStatus::kOnay, ConsentStatus::kRet}) {
    EXPECT_EQ(parseConsentStatus(toString(s)), s);
  }
  for (RecipientType t : {RecipientType::kBireysel, RecipientType::kTacir}) {
    EXPECT_EQ(parseRecipientType(toString(t)), t);
  }
  for (IysSync y :
       {IysSync::kNotApplicable, IysSync::kPending, IysSync::kRegistered, IysSync::kFailed}) {
    EXPECT_EQ(parseIysSync(toString(y)), y);
  }
  EXPECT_FALSE(parseConsentStatus("onay").has_value());
  EXPECT_FALSE(parseRecipientType("").has_value());
}

}  // namespace
}  // namespace cartrelay::compliance
