// Source: compliance-rules.md (a) rules 1-36, 43, 46 and 49, as the fixed
// sequence of compliance/rules/; the combination of outcomes is gate.h's
// contract.
#include "compliance/gate.h"

#include <array>
#include <cassert>

#include "compliance/rules/audit_integrity.h"
#include "compliance/rules/block_all.h"
#include "compliance/rules/cart.h"
#include "compliance/rules/consent_eu.h"
#include "compliance/rules/consent_tr.h"
#include "compliance/rules/erased.h"
#include "compliance/rules/frequency_cap.h"
#include "compliance/rules/invalid_phone.h"
#include "compliance/rules/iys.h"
#include "compliance/rules/quiet_hours.h"
#include "compliance/rules/rule.h"
#include "compliance/rules/service_window.h"
#include "compliance/rules/template_approved.h"
#include "compliance/rules/transfer_basis.h"

namespace cartrelay::compliance {
namespace {

// The order decides which DENY wins (its reason is what the audit shows) and
// which reason a tie between equal DEFER times keeps: facts about the
// recipient that stop every message first, then the shop's own
// preconditions, then consent, and the rules that can only defer (time and
// frequency) last. The cart comes after consent so a person without consent
// is audited as such even when the cart is gone.
constexpr std::array<rules::RuleFunction*, 13> kRules = {
    &rules::invalidPhone,      // INVALID_PHONE
    &rules::erased,            // ERASED, rule 46
    &rules::blockAll,          // BLOCKED, rule 29
    &rules::transferBasis,     // TRANSFER_BASIS_MISSING, rule 49
    &rules::templateApproved,  // TEMPLATE_NOT_APPROVED, rule 38
    &rules::serviceWindow,     // OUTSIDE_SERVICE_WINDOW, rule 38
    &rules::auditIntegrity,    // AUDIT_INTEGRITY_FAILED, rule 43
    &rules::consentTr,         // rules 7, 12, 14, 15, 18, 19
    &rules::consentEu,         // rules 21, 22, 24
    &rules::iys,               // rule 9
    &rules::cart,              // rule 35
    &rules::quietHours,        // rule 34
    &rules::frequencyCap,      // rule 35
};

// Rule 41: an ALLOW of a COMMERCIAL message names the consent event it relied
// on. Nothing was relied on for TRANSACTIONAL, for a TACIR under TR (the
// exemption of Law 6563 Art. 6(2), even if an ONAY happens to be on record) or
// for an EU soft opt-in (no consent at all).
bool reliesOnOnay(const GateFacts& facts, const GatePolicy& policy, PurposeClass purpose_class) {
  if (purpose_class != PurposeClass::kCommercial) return false;
  if (facts.consent.status != ConsentState::Status::kOnay) return false;
  return !(policy.jurisdiction == Jurisdiction::kTR &&
           facts.consent.recipient_type == RecipientType::kTacir);
}

}  // namespace

Decision decide(const MessageIntent& intent, const GateFacts& facts, const GatePolicy& policy,
                core::EpochMillis now) {
  const PurposeClass purpose_class =
      classifyPurpose(intent.purpose, intent.message_template.category);
  const rules::RuleContext ctx{intent, facts, policy, now, purpose_class};

  // Every rule runs even after a DEFER: a later DENY must still win, since a
  // deferred message that could never be sent should be dropped now, not
  // retried until some other rule happens to say so.
  std::optional<Decision> deferral;
  for (rules::RuleFunction* rule : kRules) {
    std::optional<Decision> decision = rule(ctx);
    if (!decision.has_value()) continue;
    assert(decision->reason.has_value() && "a rule's DENY or DEFER carries its reason");
    // Set here as well as in the rules: the contract is that every Decision
    // carries the class, whatever a rule did.
    decision->purpose_class = purpose_class;
    switch (decision->outcome) {
      case Decision::Outcome::kDeny:
        return *decision;
      case Decision::Outcome::kDefer:
        // The latest retry: asking earlier is pointless while that rule still
        // defers. On a tie the earlier rule's reason stays, so the result does
        // not depend on anything but the order.
        if (!deferral.has_value() || decision->retry_at > deferral->retry_at) {
          deferral = decision;
        }
        break;
      case Decision::Outcome::kAllow:
        // Rules say "pass" with nullopt; an ALLOW is read as the same thing.
        assert(false && "rules pass with std::nullopt, not ALLOW");
        break;
    }
  }
  if (deferral.has_value()) return *deferral;

  Decision allowed = Decision::allow(purpose_class);
  if (reliesOnOnay(facts, policy, purpose_class)) allowed.consent_event_id = facts.consent.event_id;
  return allowed;
}

std::string_view toString(Decision::Outcome outcome) {
  switch (outcome) {
    case Decision::Outcome::kAllow:
      return "ALLOW";
    case Decision::Outcome::kDefer:
      return "DEFER";
    case Decision::Outcome::kDeny:
      return "DENY";
  }
  return "DENY";
}

}  // namespace cartrelay::compliance
