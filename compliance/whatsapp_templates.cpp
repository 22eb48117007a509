#include "compliance/whatsapp_templates.h"

#include <map>
#include <utility>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

// The one statement that reads rows, so find() and list() agree on columns.
constexpr const char* kSelect =
    "SELECT name, language, template_id, status, category, quality, reason, updated_at_ms"
    " FROM whatsapp_templates";

struct Row {
  MetaTemplate t;
  detail::NullableText id, category, quality, reason;
};

// Runs kSelect + `where` with the row's columns bound as outputs; `bind`
// adds the inputs. SOCI needs every into() and use() in the one prepare
// expression, hence the callback.
template <typename BindInputs>
soci::statement selectRows(soci::session& s, const std::string& where, Row& r, BindInputs&& bind) {
  auto prepared =
      (s.prepare << std::string(kSelect) + where, soci::into(r.t.name), soci::into(r.t.language),
       soci::into(r.id.value, r.id.ind), soci::into(r.t.status),
       soci::into(r.category.value, r.category.ind), soci::into(r.quality.value, r.quality.ind),
       soci::into(r.reason.value, r.reason.ind), soci::into(r.t.updated_at_ms));
  bind(prepared);
  return soci::statement(prepared);
}

MetaTemplate rowOf(const Row& r) {
  MetaTemplate t = r.t;
  t.template_id = r.id.get();
  t.category = r.category.get();
  t.quality = r.quality.get();
  t.reason = r.reason.get();
  return t;
}

// Inserts an empty row for (name, language) unless there is one, so each
// update below is a plain UPDATE whichever webhook arrives first.
void ensureRow(soci::session& s, const MetaTemplate& t, core::EpochMillis now) {
  std::string name = t.name;
  std::string language = t.language;
  long long known = 0;
  s << "SELECT COUNT(*) FROM whatsapp_templates WHERE name = :n AND language = :l", soci::use(name),
      soci::use(language), soci::into(known);
  if (known != 0) return;
  // A quality or category update before any status: the status is not
  // known, which the gate treats as not approved yet.
  std::string status = t.status.empty() ? "UNKNOWN" : t.status;
  std::int64_t at = now;
  s << "INSERT INTO whatsapp_templates (name, language, status, updated_at_ms)"
       " VALUES (:n, :l, :st, :now)",
      soci::use(name), soci::use(language), soci::use(status), soci::use(at);
}

Status requireKey(const MetaTemplate& t) {
  if (t.name.empty() || t.language.empty()) {
    return Status::invalidArgument("whatsapp template: name and language are required");
  }
  return Status::ok();
}

// A webhook that reports one field (quality, category): that column and the
// update time, nothing else. `column` is one of the two literals above,
// never input.
Status noteOneField(soci::session& s, const MetaTemplate& update, std::string_view column,
                    const std::string& value, core::EpochMillis now) {
  CARTRELAY_RETURN_IF_ERROR(requireKey(update));
  return detail::guarded("whatsapp_templates." + std::string(column), [&]() -> Status {
    ensureRow(s, update, now);
    std::string name = update.name;
    std::string language = update.language;
    std::string v = value;
    std::int64_t at = now;
    s << "UPDATE whatsapp_templates SET " + std::string(column) +
             " = :v, updated_at_ms = :now WHERE name = :n AND language = :l",
        soci::use(v), soci::use(at), soci::use(name), soci::use(language);
    return Status::ok();
  });
}

}  // namespace

TemplateAvailability availabilityOf(std::string_view meta_status) {
  if (meta_status == "APPROVED") return TemplateAvailability::kApproved;
  if (meta_status == "REJECTED" || meta_status == "DELETED") {
    return TemplateAvailability::kNotApproved;
  }
  return TemplateAvailability::kPaused;
}

namespace whatsapp_templates {

Status noteStatus(soci::session& s, const MetaTemplate& update, core::EpochMillis now) {
  CARTRELAY_RETURN_IF_ERROR(requireKey(update));
  return detail::guarded("whatsapp_templates.status", [&]() -> Status {
    ensureRow(s, update, now);
    std::string name = update.name;
    std::string language = update.language;
    std::string status = update.status.empty() ? "UNKNOWN" : update.status;
    detail::NullableText id(update.template_id);
    detail::NullableText category(update.category);
    detail::NullableText reason(update.reason);
    std::int64_t at = now;
    s << "UPDATE whatsapp_templates SET status = :st, template_id = COALESCE(:id, template_id),"
         " category = COALESCE(:c, category), reason = :r, updated_at_ms = :now"
         " WHERE name = :n AND language = :l",
        soci::use(status), soci::use(id.value, id.ind), soci::use(category.value, category.ind),
        soci::use(reason.value, reason.ind), soci::use(at), soci::use(name), soci::use(language);
    return Status::ok();
  });
}

Status noteQuality(soci::session& s, const MetaTemplate& update, core::EpochMillis now) {
  return noteOneField(s, update, "quality", update.quality, now);
}

Status noteCategory(soci::session& s, const MetaTemplate& update, core::EpochMillis now) {
  return noteOneField(s, update, "category", update.category, now);
}

Result<std::vector<MetaTemplate>> replaceAll(soci::session& s,
                                             const std::vector<MetaTemplate>& listing,
                                             core::EpochMillis now) {
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<MetaTemplate> stored, list(s));
  std::map<std::pair<std::string, std::string>, MetaTemplate> before;
  for (MetaTemplate& t : stored) before[{t.name, t.language}] = std::move(t);

  std::vector<MetaTemplate> changed;
  for (const MetaTemplate& listed : listing) {
    if (listed.name.empty() || listed.language.empty()) continue;
    auto old = before.find({listed.name, listed.language});
    const bool same = old != before.end() && old->second.status == listed.status &&
                      old->second.category == listed.category &&
                      old->second.quality == listed.quality &&
                      old->second.template_id == listed.template_id;
    if (old != before.end()) before.erase(old);
    if (same) continue;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("whatsapp_templates.sync", [&]() -> Status {
      ensureRow(s, listed, now);
      std::string name = listed.name;
      std::string language = listed.language;
      std::string status = listed.status.empty() ? "UNKNOWN" : listed.status;
      detail::NullableText id(listed.template_id);
      detail::NullableText category(listed.category);
      detail::NullableText quality(listed.quality);
      std::int64_t at = now;
      s << "UPDATE whatsapp_templates SET status = :st, template_id = :id, category = :c,"
           " quality = :q, updated_at_ms = :now WHERE name = :n AND language = :l",
          soci::use(status), soci::use(id.value, id.ind), soci::use(category.value, category.ind),
          soci::use(quality.value, quality.ind), soci::use(at), soci::use(name),
          soci::use(language);
      return Status::ok();
    }));
    MetaTemplate now_stored = listed;
    now_stored.status = listed.status.empty() ? "UNKNOWN" : listed.status;
    now_stored.updated_at_ms = now;
    changed.push_back(std::move(now_stored));
  }
  // What Meta no longer lists cannot be sent under that name.
  for (auto& [key, gone] : before) {
    if (gone.status == "DELETED") continue;
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("whatsapp_templates.sync_gone", [&]() -> Status {
      std::string name = gone.name;
      std::string language = gone.language;
      std::int64_t at = now;
      s << "UPDATE whatsapp_templates SET status = 'DELETED', reason = 'NOT_LISTED',"
           " updated_at_ms = :now WHERE name = :n AND language = :l",
          soci::use(at), soci::use(name), soci::use(language);
      return Status::ok();
    }));
    gone.status = "DELETED";
    gone.reason = "NOT_LISTED";
    gone.updated_at_ms = now;
    changed.push_back(std::move(gone));
  }
  return changed;
}

Result<std::optional<MetaTemplate>> find(soci::session& s, const std::string& name,
                                         const std::string& language) {
  return detail::guarded("whatsapp_templates.find", [&]() -> Result<std::optional<MetaTemplate>> {
    Row row;
    std::string n = name;
    std::string l = language;
    soci::statement st = selectRows(s, " WHERE name = :n AND language = :l", row,
                                    [&](auto& p) { p, soci::use(n), soci::use(l); });
    st.execute();
    if (!st.fetch()) return std::optional<MetaTemplate>();
    return std::optional<MetaTemplate>(rowOf(row));
  });
}

Result<std::vector<MetaTemplate>> list(soci::session& s) {
  return detail::guarded("whatsapp_templates.list", [&]() -> Result<std::vector<MetaTemplate>> {
    Row row;
    soci::statement st = selectRows(s, " ORDER BY name, language", row, [](auto&) {});
    st.execute();
    std::vector<MetaTemplate> out;
    while (st.fetch()) out.push_back(rowOf(row));
    return out;
  });
}

}  // namespace whatsapp_templates
}  // namespace cartrelay::compliance
