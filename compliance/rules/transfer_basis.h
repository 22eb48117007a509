#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// Every message under jurisdiction TR: DENY(TRANSFER_BASIS_MISSING) while the
// operator has recorded no KVKK Art. 9 transfer basis (policy.transfer_basis
// empty or only blanks; rule 49). Passes otherwise, and always under EU.
std::optional<Decision> transferBasis(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
