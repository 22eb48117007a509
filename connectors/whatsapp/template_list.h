#pragma once

#include <string>
#include <vector>

#include "core/net/http_fetch.h"
#include "core/util/result.h"

namespace cartrelay::whatsapp {

// Where the WhatsApp Business Account's templates are listed ([whatsapp]).
struct TemplateListConfig {
  std::string api_base;      // "https://graph.facebook.com" (http:// only to loopback)
  std::string api_version;   // "v23.0"
  std::string waba_id;       // the WhatsApp Business Account id
  std::string access_token;  // a system-user token; never logged
};

// One template as GET /{waba_id}/message_templates lists it (reference §7).
// Strings are Meta's spelling; a field Meta did not send is "".
struct ListedTemplate {
  std::string name;
  std::string language;  // "tr", "en_US"
  std::string id;        // Meta's template id
  std::string status;    // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
  std::string category;  // MARKETING, UTILITY, AUTHENTICATION
  std::string quality;   // quality_score.score: GREEN, YELLOW, RED, UNKNOWN
  bool operator==(const ListedTemplate&) const = default;
};

// Lists every template of the account: GET {api_base}/{api_version}/
// {waba_id}/message_templates?fields=name,language,status,category,
// quality_score,id&limit=kTemplatePageSize, following the `after` cursor
// while the answer has `paging.next`. The next page's URL is built here from
// the cursor rather than taken from `paging.next`, so the token is only ever
// sent to the configured api_base. At most kMaxTemplatePages pages (Meta
// allows 6,000 templates per account).
//
// Errors (nothing partial is returned: a listing that stopped half way
// would make the templates on the missing pages look deleted):
//   kUnavailable      no answer, a 5xx or a throttle (codes 4, 80008, 130429)
//   kUnauthenticated  the token or the account was refused (190, 10, 200, 3)
//   kInvalidArgument  any other Graph error (e.g. a wrong waba_id)
//   kInternal         a 2xx whose body is not a listing, or too many pages
// Messages hold the HTTP status and Graph code, never the token.
// Thread-safety: as `http`.
core::Result<std::vector<ListedTemplate>> listTemplates(core::net::HttpClient& http,
                                                        const TemplateListConfig& config);

inline constexpr int kTemplatePageSize = 100;
inline constexpr int kMaxTemplatePages = 100;

}  // namespace cartrelay::whatsapp
