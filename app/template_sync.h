#pragma once

#include <string>
#include <vector>

#include "app/config/app_config.h"
#include "connectors/whatsapp/template_list.h"
#include "core/metrics/metrics.h"
#include "core/net/http_fetch.h"
#include "core/store/database.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::app {

// Keeps the template registry (compliance/whatsapp_templates.h, which the
// gate reads) in step with Meta's list of the account's templates
// (whatsapp-cloud-api.md §7): one run lists every template, writes the
// listing in one transaction (templates Meta no longer lists become
// DELETED) and then says, for every configured [template.NAME], whether it
// can be sent: the gauge cartrelay_template_sendable{template} and, for one
// that cannot, the error log line `whatsapp.template_unusable` (its journey
// steps wait, TEMPLATE_PAUSED, or are dropped, TEMPLATE_NOT_APPROVED).
//
// Template webhooks update the same rows between runs; the sync is the
// safety net for a webhook that never came.
//
// Ownership: every reference must outlive the object. Thread-safety: run()
// may be called from one thread at a time (the daemon's periodic task, or
// `cartrelay templates sync`).
class TemplateSync {
 public:
  struct Report {
    int listed = 0;   // templates Meta listed
    int changed = 0;  // registry rows whose status, category or quality changed
    // Configured templates ([template.NAME]) that cannot be sent now.
    std::vector<std::string> unusable;
  };

  // `metrics` may be null (the CLI).
  TemplateSync(const config::AppConfig& config, core::store::Database& db,
               core::net::HttpClient& http, const core::Clock& clock,
               core::metrics::Metrics* metrics);

  // Errors: listTemplates' (kUnavailable, kUnauthenticated,
  // kInvalidArgument, kInternal) and store errors; the registry is left as
  // it was.
  core::Result<Report> run() const;

  // The [whatsapp] settings of a listing.
  static whatsapp::TemplateListConfig listConfigOf(const config::WhatsAppConfig& whatsapp);

 private:
  const config::AppConfig& config_;
  core::store::Database& db_;
  core::net::HttpClient& http_;
  const core::Clock& clock_;
  core::metrics::Metrics* metrics_;
};

}  // namespace cartrelay::app
