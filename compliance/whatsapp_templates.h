#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compliance/gate.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::compliance {

// Meta's view of one message template (whatsapp-cloud-api.md §7), as the
// management API lists it or a template webhook reports it. Names and
// statuses are Meta's spelling ("APPROVED", "PAUSED", "MARKETING", "GREEN").
struct MetaTemplate {
  std::string name;         // the name at Meta ([template.NAME] meta_name)
  std::string language;     // "tr", "en_US"
  std::string template_id;  // Meta's id as decimal text; "" if not known
  std::string status;       // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
  std::string category;     // MARKETING, UTILITY, AUTHENTICATION; "" if not known
  std::string quality;      // GREEN, YELLOW, RED, UNKNOWN; "" if not known
  std::string reason;       // Meta's reason for the last status change; "" if none
  core::EpochMillis updated_at_ms = 0;

  bool operator==(const MetaTemplate&) const = default;
};

// What a template's status at Meta means for sending it (rule 38):
//   APPROVED                               kApproved
//   REJECTED, DELETED                      kNotApproved: never sendable as it is
//   anything else (PAUSED, DISABLED,       kPaused: not now; the step waits
//   PENDING, IN_APPEAL, an unknown word)   for the template to come back
// DISABLED is kPaused rather than kNotApproved because the shop fixes the
// template (or appeals) under the same name and the waiting steps should
// then go out, not be lost.
TemplateAvailability availabilityOf(std::string_view meta_status);

// The whatsapp_templates table: Meta's status, category and quality of each
// (name, language). Every function runs in the caller's session (the inbox
// processor's transaction for a webhook, the sync's own transaction) and
// returns store errors as kUnavailable / kInternal. Free functions: no
// state, callable from any thread with its own session.
namespace whatsapp_templates {

// A message_template_status_update: status and reason, and the category
// when the webhook carries one. Creates the row when it is new.
core::Status noteStatus(soci::session& s, const MetaTemplate& update, core::EpochMillis now);
// A message_template_quality_update (only `quality` is read).
core::Status noteQuality(soci::session& s, const MetaTemplate& update, core::EpochMillis now);
// A template_category_update (only `category` is read).
core::Status noteCategory(soci::session& s, const MetaTemplate& update, core::EpochMillis now);

// A complete listing from GET /{waba_id}/message_templates: every listed
// template is written as listed; a stored template the listing no longer
// has gets status DELETED (Meta deleted it, or it was never there).
// Returns the rows whose status changed, as they are now.
core::Result<std::vector<MetaTemplate>> replaceAll(soci::session& s,
                                                   const std::vector<MetaTemplate>& listing,
                                                   core::EpochMillis now);

// One template, or std::nullopt when Meta never told us about it.
core::Result<std::optional<MetaTemplate>> find(soci::session& s, const std::string& name,
                                               const std::string& language);

// Every stored template, by name then language.
core::Result<std::vector<MetaTemplate>> list(soci::session& s);

}  // namespace whatsapp_templates
}  // namespace cartrelay::compliance
