#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// COMMERCIAL only: DENY(AUDIT_INTEGRITY_FAILED) while the audit chain failed
// verification (facts.audit_intact false, SAFE_MODE; rule 43). Passes for
// TRANSACTIONAL and when the chain is intact.
std::optional<Decision> auditIntegrity(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
