#include "compliance/consent_csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

#include "compliance/consent_ledger.h"
#include "core/util/csv.h"

namespace cartrelay::compliance {
namespace {

using core::Result;
using core::Status;

constexpr std::array<std::string_view, 4> kRequired = {"phone", "status", "consent_date", "source"};
constexpr std::array<std::string_view, 16> kKnown = {"phone",
                                                     "status",
                                                     "consent_date",
                                                     "source",
                                                     "recipient_type",
                                                     "purposes",
                                                     "capture_point",
                                                     "consent_text_id",
                                                     "consent_text_version",
                                                     "consent_text_sha256",
                                                     "kvkk_notice_version",
                                                     "legal_basis",
                                                     "verified",
                                                     "name_on_record",
                                                     "prechecked",
                                                     "implied"};
constexpr std::string_view kBlockAll = "block_all";

std::optional<int> number(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// İYS writes consentDate as "YYYY-MM-DD HH:MM:SS" in Türkiye time.
std::optional<core::EpochMillis> iysDate(std::string_view t, const core::TimeZone& turkiye) {
  if (t.size() != 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' ||
      t[16] != ':') {
    return std::nullopt;
  }
  auto y = number(t.substr(0, 4));
  auto mo = number(t.substr(5, 2));
  auto d = number(t.substr(8, 2));
  auto h = number(t.substr(11, 2));
  auto mi = number(t.substr(14, 2));
  auto s = number(t.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *s > 59) {
    return std::nullopt;
  }
  return turkiye.utcOf(*y, *mo, *d, *h, *mi) + static_cast<core::EpochMillis>(*s) * 1000;
}

// "...Z" or "...+03:00" / "...-05:00" after the time of day.
bool hasZone(std::string_view t) {
  if (t.size() < 20 || t[10] != 'T') return false;
  return t.back() == 'Z' || t.find_first_of("+-", 19) != std::string_view::npos;
}

std::optional<bool> flag(std::string_view text) {
  if (text.empty() || text == "false" || text == "0" || text == "no") return false;
  if (text == "true" || text == "1" || text == "yes") return true;
  return std::nullopt;
}

}  // namespace

Result<std::vector<ConsentImportRow>> parseConsentCsv(std::string_view text,
                                                      const core::TimeZone& turkiye) {
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<core::CsvRecord> records, core::parseCsv(text));
  if (records.empty()) return Status::invalidArgument("the file is empty (no header line)");
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
    const std::string& name = records[0].fields[i];
    const bool known =
        std::find(kKnown.begin(), kKnown.end(), name) != kKnown.end() || name == kBlockAll;
    if (!known) return Status::invalidArgument("unknown column '" + name + "'");
    if (!column.emplace(name, i).second) {
      return Status::invalidArgument("column '" + name + "' appears twice");
    }
  }
  for (std::string_view name : kRequired) {
    if (column.count(std::string(name)) == 0) {
      return Status::invalidArgument("missing column '" + std::string(name) + "'");
    }
  }

  std::vector<ConsentImportRow> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const core::CsvRecord& record = records[r];
    ConsentImportRow row;
    row.line = record.line;
    auto get = [&](std::string_view name) -> std::string {
      auto it = column.find(std::string(name));
      if (it == column.end() || it->second >= record.fields.size()) return std::string();
      return record.fields[it->second];
    };
    auto fail = [&](std::string why) {
      row.error = std::move(why);
      rows.push_back(row);
    };
    if (record.fields.size() != records[0].fields.size()) {
      fail("has " + std::to_string(record.fields.size()) + " fields, the header " +
           std::to_string(records[0].fields.size()));
      continue;
    }
    row.phone = get("phone");
    ConsentEvent& e = row.event;
    e.event_type = "IMPORT";
    auto status = parseConsentStatus(get("status"));
    if (!status) {
      fail("status must be ONAY or RET");
      continue;
    }
    e.status = *status;
    const std::string date = get("consent_date");
    // A zone-less ISO time would be read as UTC: three hours off for a TR
    // shop, so only İYS's own form may omit the zone.
    auto iys = iysDate(date, turkiye);
    auto iso = hasZone(date) ? core::parseIso8601(date)
                             : core::Result<core::EpochMillis>(Status::invalidArgument(""));
    if (!iys && !iso.isOk()) {
      fail(
          "consent_date must be YYYY-MM-DD HH:MM:SS (Turkiye time) or ISO 8601 with Z or an "
          "offset");
      continue;
    }
    e.event_at = iys ? *iys : *iso;
    e.source = get("source");
    if (!isIysSource(e.source)) {
      fail("source must be an IYS source code (HS_WEB, HS_MESAJ, ...)");
      continue;
    }
    const std::string type = get("recipient_type");
    auto recipient = type.empty() ? std::optional<RecipientType>(RecipientType::kBireysel)
                                  : parseRecipientType(type);
    if (!recipient) {
      fail("recipient_type must be BIREYSEL or TACIR");
      continue;
    }
    e.recipient_type = *recipient;
    auto scope = parsePurposeScope(get("purposes"));
    if (!scope.isOk()) {
      fail(scope.status().message());
      continue;
    }
    e.purpose_scope = *scope;
    e.capture_point = get("capture_point").empty() ? "import" : get("capture_point");
    e.consent_text_id = get("consent_text_id");
    e.consent_text_version = get("consent_text_version");
    e.consent_text_sha256 = get("consent_text_sha256");
    e.kvkk_notice_version = get("kvkk_notice_version");
    e.legal_basis = get("legal_basis");
    auto verified = flag(get("verified"));
    auto named = flag(get("name_on_record"));
    auto prechecked = flag(get("prechecked"));
    auto implied = flag(get("implied"));
    auto block_all = flag(get(kBlockAll));
    if (!verified || !named || !prechecked || !implied || !block_all) {
      fail("true/false columns accept true, false, 1, 0, yes, no or empty");
      continue;
    }
    e.verified = *verified;
    e.complete = *named;
    e.block_all = *block_all && e.status == ConsentStatus::kRet;
    if (e.status == ConsentStatus::kRet) e.withdrawal_channel = "import";
    row.affirmative = !(e.status == ConsentStatus::kOnay && (*prechecked || *implied));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace cartrelay::compliance
