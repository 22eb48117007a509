#pragma once

#include <optional>

#include "compliance/gate.h"
#include "compliance/rules/rule.h"

namespace cartrelay::compliance::rules {

// COMMERCIAL under jurisdiction TR, the consent record (rules 7, 12, 14, 15,
// 18, 19). Passes for TRANSACTIONAL and under EU.
//
// TACIR: consent status RET -> DENY(CONSENT_WITHDRAWN). With İYS enabled the
// İYS view must say ONAY: RET -> DENY(IYS_NO_CONSENT) (rule 12's IYS_RET),
// anything else -> DENY(TACIR_NOT_IN_IYS). With İYS off, passes.
//
// BIREYSEL, first failing check wins: status RET -> DENY(CONSENT_WITHDRAWN);
// no consent -> DENY(NO_CONSENT); not complete -> DENY(CONSENT_INCOMPLETE);
// not verified -> DENY(CONSENT_UNVERIFIED); no KVKK notice version ->
// DENY(KVKK_NOTICE_MISSING); a non-empty purpose scope without the message's
// purpose -> DENY(OUT_OF_CONSENT_SCOPE).
std::optional<Decision> consentTr(const RuleContext& ctx);

}  // namespace cartrelay::compliance::rules
