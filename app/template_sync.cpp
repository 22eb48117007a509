#include "app/template_sync.h"

#include <map>
#include <utility>

#include "compliance/whatsapp_templates.h"
#include "core/util/log.h"

namespace cartrelay::app {

using core::Result;

TemplateSync::TemplateSync(const config::AppConfig& config, core::store::Database& db,
                           core::net::HttpClient& http, const core::Clock& clock,
                           core::metrics::Metrics* metrics)
    : config_(config), db_(db), http_(http), clock_(clock), metrics_(metrics) {}

whatsapp::TemplateListConfig TemplateSync::listConfigOf(const config::WhatsAppConfig& whatsapp) {
  return {whatsapp.api_base, whatsapp.api_version, whatsapp.waba_id, whatsapp.access_token};
}

Result<TemplateSync::Report> TemplateSync::run() const {
  auto listed = whatsapp::listTemplates(http_, listConfigOf(config_.whatsapp));
  if (!listed.isOk()) return listed.status();
  std::vector<compliance::MetaTemplate> listing;
  listing.reserve(listed->size());
  for (const whatsapp::ListedTemplate& t : *listed) {
    compliance::MetaTemplate m;
    m.name = t.name;
    m.language = t.language;
    m.template_id = t.id;
    m.status = t.status;
    m.category = t.category;
    m.quality = t.quality;
    listing.push_back(std::move(m));
  }

  const core::EpochMillis now = clock_.nowMillis();
  std::vector<compliance::MetaTemplate> changed;
  std::vector<compliance::MetaTemplate> registry;
  auto written = db_.withTransaction([&](soci::session& s) -> core::Status {
    CARTRELAY_ASSIGN_OR_RETURN(changed,
                               compliance::whatsapp_templates::replaceAll(s, listing, now));
    CARTRELAY_ASSIGN_OR_RETURN(registry, compliance::whatsapp_templates::list(s));
    return core::Status::ok();
  });
  if (!written.isOk()) return written;

  for (const compliance::MetaTemplate& t : changed) {
    core::log::info("whatsapp.template_changed")
        .kv("meta_template", t.name)
        .kv("language", t.language)
        .kv("status", t.status)
        .kv("category", t.category)
        .kv("quality", t.quality);
  }

  std::map<std::pair<std::string, std::string>, const compliance::MetaTemplate*> by_key;
  for (const compliance::MetaTemplate& t : registry) by_key[{t.name, t.language}] = &t;
  Report report;
  report.listed = static_cast<int>(listing.size());
  report.changed = static_cast<int>(changed.size());
  for (const config::TemplateConfig& configured : config_.templates) {
    auto found = by_key.find({configured.meta_name, configured.language});
    const std::string status = found == by_key.end() ? "NOT_AT_META" : found->second->status;
    const bool sendable =
        compliance::availabilityOf(status) == compliance::TemplateAvailability::kApproved;
    if (metrics_ != nullptr) metrics_->setTemplateSendable(configured.name, sendable);
    if (sendable) continue;
    report.unusable.push_back(configured.name);
    core::log::error("whatsapp.template_unusable")
        .kv("template", configured.name)
        .kv("meta_template", configured.meta_name)
        .kv("language", configured.language)
        .kv("status", status);
  }
  return report;
}

}  // namespace cartrelay::app
