#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/purpose.h"
#include "core/util/clock.h"

// One rule of the send gate (gate.h, compliance-rules.md (a)). decide() runs
// the rules in a fixed order over the same RuleContext; each rule lives in its
// own file under compliance/rules/ and declares its function in its own
// header.
//
// Contract of a rule function:
// - it returns std::nullopt when the rule passes (or does not apply to this
//   message), else a Decision whose outcome is kDeny or kDefer (never kAllow),
//   whose reason is set, whose purpose_class is ctx.purpose_class and, for
//   kDefer, whose retry_at is the earliest time at which this rule could pass;
// - it decides whether it applies itself (COMMERCIAL only, jurisdiction, ...),
//   so it can be tested alone;
// - it is pure: a function of the context only, no clock, no I/O, no state.
//   Thread-safe.
namespace cartrelay::compliance::rules {

// Everything a rule may look at. The references must outlive the context (the
// context lives for one decide() call).
struct RuleContext {
  const MessageIntent& intent;
  const GateFacts& facts;
  const GatePolicy& policy;
  core::EpochMillis now;
  PurposeClass purpose_class;  // classifyPurpose(intent.purpose, template category)
};

// The signature every rule has.
using RuleFunction = std::optional<Decision>(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
