// Source: compliance-rules.md rule 49 (KVKK 6698 Art. 9 as amended by Law
// 7499; By-law on Transfer of Personal Data Abroad, RG 10.07.2024 No. 32598,
// Art. 14(5)): the WhatsApp Cloud API runs outside Türkiye, so every send
// transfers the phone number and content abroad, and TR sends are refused until
// the operator records a transfer mechanism.
#include "compliance/rules/transfer_basis.h"

#include <algorithm>
#include <cctype>

namespace cartrelay::compliance::rules {
namespace {

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

}  // namespace

std::optional<Decision> transferBasis(const RuleContext& ctx) {
  // Every class: a TRANSACTIONAL message crosses the border just the same.
  // Only TR: EU shops record their Chapter V tool separately (rule 50), and
  // that is not a gate condition.
  if (ctx.policy.jurisdiction != Jurisdiction::kTR) return std::nullopt;
  // A value of only blanks records nothing; treat it as missing (fail closed)
  // rather than trusting the config loader to have trimmed it.
  if (blank(ctx.policy.transfer_basis)) {
    return Decision::deny(Reason::kTransferBasisMissing, ctx.purpose_class);
  }
  return std::nullopt;
}

}  // namespace cartrelay::compliance::rules
