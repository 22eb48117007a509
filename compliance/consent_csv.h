#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compliance/consent_state.h"
#include "core/util/result.h"
#include "core/util/time_zone.h"

// `cartrelay consent import FILE.csv`: the file format and its mapping to
// consent events (compliance-rules.md (b), rules 13 and 28).
//
// The first line names the columns; order is free, names are exact:
//   phone           required; E.164, or national with the shop's country
//   status          required; ONAY | RET
//   consent_date    required; ISO 8601 with Z or an offset, or İYS's
//                   "YYYY-MM-DD HH:MM:SS" in Türkiye time
//   source          required; İYS source code (HS_WEB, HS_ISLAK_IMZA, ...)
//   recipient_type  BIREYSEL (default) | TACIR
//   purposes        comma list (quote the field), empty = every purpose
//   capture_point   default "import"
//   consent_text_id, consent_text_version, consent_text_sha256,
//   kvkk_notice_version, legal_basis   as recorded at collection
//   verified, name_on_record, prechecked, implied, block_all
//                   true | false (default false; see below)
// Unknown columns are an error (a typo must not silently drop a field).
//
// verified and name_on_record default to false, so an import without them
// never makes anyone sendable in TR (rules 14, 15). A row with prechecked or
// implied true is not a consent at all: it is refused with
// CONSENT_NOT_AFFIRMATIVE (rule 13).
namespace cartrelay::compliance {

struct ConsentImportRow {
  int line = 0;             // in the file, for the operator
  std::string phone;        // as written; the caller normalises and hashes it
  ConsentEvent event;       // everything but subject_ref, id, received_at
  bool affirmative = true;  // false: refuse with CONSENT_NOT_AFFIRMATIVE
  std::string error;        // a problem with this row alone ("" = none); never quotes values
};

// kInvalidArgument for a file-level problem (CSV syntax, a missing or
// unknown column); row problems are reported per row. `turkiye` resolves
// İYS-format dates.
core::Result<std::vector<ConsentImportRow>> parseConsentCsv(std::string_view text,
                                                            const core::TimeZone& turkiye);

}  // namespace cartrelay::compliance
