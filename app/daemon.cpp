#include "app/daemon.h"

#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "app/compliance_setup.h"
#include "app/http/admin_handlers.h"
#include "app/http/compliance_handlers.h"
#include "app/http/link_handlers.h"
#include "app/http/message_handlers.h"
#include "app/http/ops_handlers.h"
#include "app/http/router.h"
#include "app/http/server.h"
#include "app/http/webhook_handlers.h"
#include "app/inbox_routing.h"
#include "app/message_sending.h"
#include "app/shop_pollers.h"
#include "app/signals.h"
#include "app/store_health.h"
#include "app/store_options.h"
#include "app/template_sync.h"
#include "app/version.h"
#include "app/whatsapp_event_handler.h"
#include "compliance/audit_service.h"
#include "compliance/consent_observations.h"
#include "compliance/iys_client.h"
#include "compliance/iys_sync.h"
#include "compliance/retention.h"
#include "compliance/subject_requests.h"
#include "compliance/subject_rights.h"
#include "compliance/tracked_links.h"
#include "core/inbox/inbox_processor.h"
#include "core/inbox/inbox_writer.h"
#include "core/metrics/metrics.h"
#include "core/net/http_fetch.h"
#include "core/store/database.h"
#include "core/store/migrations.h"
#include "core/store/shop_repo.h"
#include "core/util/key_ring.h"
#include "core/util/log.h"
#include "core/util/periodic_task.h"

namespace cartrelay::app {
namespace {

namespace log = core::log;

// How often the background probe checks the store for /readyz.
constexpr std::chrono::milliseconds kStoreProbeInterval{1000};
// How soon a consent change seen on a platform reaches the ledger.
constexpr std::chrono::milliseconds kConsumerInterval{500};
constexpr std::chrono::milliseconds kRetentionInterval{24LL * 60 * 60 * 1000};
// One template listing (every page) may take this long before the sync
// gives up until its next period.
constexpr std::int64_t kTemplateSyncTimeoutMs = 15'000;

// Blocks until TERM or INT; HUP is acknowledged and ignored.
int waitForStopSignal() {
  sigset_t set = daemonSignals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      log::info("daemon.sighup").kv("action", "ignored").kv("reason", "reload not supported yet");
      continue;
    }
    return sig;
  }
}

// Registers every configured shop so rows can reference a stable id.
core::Result<std::map<std::string, std::int64_t, std::less<>>> ensureShops(
    const config::AppConfig& config, core::store::Database& database, const core::Clock& clock) {
  core::store::ShopRepo shops(clock);
  return database.queryTransaction(
      [&](soci::session& s) -> core::Result<std::map<std::string, std::int64_t, std::less<>>> {
        std::map<std::string, std::int64_t, std::less<>> ids;
        for (const config::ShopConfig& shop : config.shops) {
          auto platform = core::model::parsePlatform(shop.platform);
          if (!platform) return core::Status::invalidArgument("unknown platform " + shop.platform);
          CARTRELAY_ASSIGN_OR_RETURN(std::int64_t id, shops.ensure(s, shop.name, *platform));
          ids.emplace(shop.name, id);
        }
        return ids;
      });
}

core::inbox::InboxProcessor::Options processorOptions(const config::AppConfig& config) {
  core::inbox::InboxProcessor::Options options;
  options.keep_processed_ms = config.compliance.retention_inbox_ms;
  options.keep_quarantined_ms = config.compliance.retention_inbox_quarantined_ms;
  return options;
}

}  // namespace

int runDaemon(const config::AppConfig& config) {
  auto level = log::parseLevel(config.daemon.log_level);
  if (level.isOk()) log::setMinLevel(*level);
  log::info("daemon.starting").kv("version", version()).kv("config", config.source_path);

  auto keys = core::KeyRing::load(config.daemon.key_dir);
  if (!keys.isOk()) {
    log::error("daemon.keys_refused").status(keys.status());
    return 2;
  }

  core::metrics::Metrics metrics(version());

  auto db = core::store::Database::open(storeOptions(config.daemon), &metrics);
  if (!db.isOk()) {
    log::error("daemon.store_open_failed").status(db.status());
    return 1;
  }
  std::unique_ptr<core::store::Database> database = std::move(db).value();
  core::Status migrated = core::store::migrate(*database);
  if (!migrated.isOk()) {
    log::error("daemon.migrate_failed").status(migrated);
    return 1;
  }

  core::SystemClock clock;
  auto shop_ids = ensureShops(config, *database, clock);
  if (!shop_ids.isOk()) {
    log::error("daemon.shops_failed").status(shop_ids.status());
    return 1;
  }

  // The audit chain: config.loaded now, checkpoints when due, verification
  // at start and daily (compliance/audit_service.h).
  compliance::AuditService::Options audit_options;
  audit_options.checkpoints.key_dir = config.daemon.state_dir;
  audit_options.checkpoints.anchor_file = config.compliance.audit_anchor_file;
  audit_options.checkpoints.every_entries = config.compliance.audit_checkpoint_entries;
  audit_options.checkpoints.every_ms = config.compliance.audit_checkpoint_interval_ms;
  audit_options.config_sha256 = config.source_sha256;
  auto audit_started = compliance::AuditService::start(*database, clock, &metrics, audit_options);
  if (!audit_started.isOk()) {
    log::error("daemon.audit_failed").status(audit_started.status());
    return 1;
  }
  std::unique_ptr<compliance::AuditService> audit = std::move(audit_started).value();

  // What the platforms tell the compliance side, as it arrives: consent
  // observations into the ledger, data-subject requests carried out.
  compliance::AuditLog audit_log(clock);
  compliance::ConsentLedger consent_ledger(*keys, clock, audit_log);
  compliance::ConsentObservationConsumer consent_observations(
      *database, consent_ledger, clock, platformCapturesOf(config, *shop_ids));
  compliance::SubjectRights subject_rights(*database, *keys, clock, audit_log, consent_ledger);
  compliance::SubjectRequestConsumer subject_requests(*database, subject_rights, clock,
                                                      config.daemon.state_dir + "/exports");
  auto compliance_task = std::make_unique<core::PeriodicTask>(kConsumerInterval, [&] {
    auto consumed = consent_observations.runOnce();
    if (!consumed.isOk()) log::warn("consent.observations_failed").status(consumed.status());
    auto requests = subject_requests.runOnce();
    if (!requests.isOk()) log::warn("subject.requests_failed").status(requests.status());
  });

  // İYS (compliance.iys = api): the shops' consents go up, İYS's changes
  // (a citizen's RET) come down, and late uploads are reported (rules 8-11).
  std::unique_ptr<core::net::DefaultHttpClient> iys_http;
  std::unique_ptr<compliance::IysClient> iys_client;
  // (shop name, its sync) per configured shop.
  std::vector<std::pair<std::string, std::unique_ptr<compliance::IysSyncService>>> iys_syncs;
  std::unique_ptr<core::PeriodicTask> iys_task;
  if (config.compliance.iys == "api") {
    const compliance::IysOptions iys_options = iysOptionsOf(config.compliance);
    iys_http =
        std::make_unique<core::net::DefaultHttpClient>(compliance::iysFetchLimits(iys_options));
    iys_client = std::make_unique<compliance::IysClient>(iys_options, *iys_http, clock);
    compliance::IysSyncService::Options sync_options;
    sync_options.max_staleness_ms = config.compliance.iys_max_staleness_ms;
    for (const auto& [name, id] : *shop_ids) {
      auto sync = compliance::IysSyncService::create(id, *iys_client, *database, *keys, clock,
                                                     consent_ledger, audit_log, sync_options);
      if (!sync.isOk()) {
        log::error("daemon.iys_failed").status(sync.status());
        return 1;
      }
      iys_syncs.emplace_back(name, std::move(sync).value());
    }
    iys_task = std::make_unique<core::PeriodicTask>(
        std::chrono::milliseconds(config.compliance.iys_sync_interval_ms), [&] {
          for (const auto& [shop, sync] : iys_syncs) {
            auto pushed = sync->pushPending();
            if (!pushed.isOk()) log::warn("iys.push_failed").status(pushed.status());
            auto pulled = sync->pullChanges();
            if (!pulled.isOk()) log::warn("iys.pull_failed").status(pulled.status());
            auto late = sync->overdue();
            if (!late.isOk()) continue;
            metrics.setIysUploadOverdue(shop, static_cast<double>(late->size()));
            if (!late->empty()) {
              log::warn("iys.upload_overdue")
                  .kv("shop", shop)
                  .kv("events", static_cast<std::int64_t>(late->size()))
                  .kv("first_consent_event", late->front());
            }
          }
        });
  }

  // Sending: the gate, the outbox and the channel of whatsapp.mode. A
  // message left `sending` by a process that died becomes `unknown` first,
  // so nothing is ever sent twice (DESIGN.md "Delivery semantics").
  std::map<std::int64_t, const compliance::IysSyncService*> iys_by_shop;
  for (const auto& [shop, sync] : iys_syncs) iys_by_shop[shop_ids->at(shop)] = sync.get();
  MessageSending::Hooks sending_hooks;
  sending_hooks.audit_intact = [&audit] {
    return audit->integrity() == compliance::AuditService::Integrity::kIntact;
  };
  if (!iys_by_shop.empty()) {
    sending_hooks.iys = [&iys_by_shop](std::int64_t shop_id, const std::string& e164) {
      auto sync = iys_by_shop.find(shop_id);
      if (sync == iys_by_shop.end()) {
        return std::make_pair(compliance::GateFacts::IysStatus::kUnknown, false);
      }
      return sync->second->view(e164);
    };
  }
  auto sending_created =
      MessageSending::create(config, *database, *keys, clock, audit_log, consent_ledger, metrics,
                             *shop_ids, std::move(sending_hooks));
  if (!sending_created.isOk()) {
    log::error("daemon.sending_failed").status(sending_created.status());
    return 1;
  }
  std::unique_ptr<MessageSending> sending = std::move(sending_created).value();

  // Live with a WhatsApp Business Account: Meta's status of each template,
  // which the gate reads (a paused template holds its steps). The first
  // sync runs before anything is sent, so a fresh store does not hold every
  // message back as "not known at Meta" until the first period ends.
  std::unique_ptr<core::net::DefaultHttpClient> template_http;
  std::unique_ptr<TemplateSync> template_sync;
  std::unique_ptr<core::PeriodicTask> template_task;
  if (config.whatsapp.mode == "live" && !config.whatsapp.waba_id.empty()) {
    core::net::FetchLimits limits;
    limits.total_timeout_ms = kTemplateSyncTimeoutMs;
    template_http = std::make_unique<core::net::DefaultHttpClient>(limits);
    template_sync =
        std::make_unique<TemplateSync>(config, *database, *template_http, clock, &metrics);
    auto syncTemplates = [&template_sync] {
      auto synced = template_sync->run();
      if (!synced.isOk()) {
        log::warn("whatsapp.template_sync_failed").status(synced.status());
        return;
      }
      log::info("whatsapp.template_sync")
          .kv("listed", static_cast<std::int64_t>(synced->listed))
          .kv("changed", static_cast<std::int64_t>(synced->changed))
          .kv("unusable", static_cast<std::int64_t>(synced->unusable.size()));
    };
    syncTemplates();
    template_task = std::make_unique<core::PeriodicTask>(
        std::chrono::milliseconds(config.whatsapp.template_sync_interval_ms), syncTemplates,
        core::PeriodicTask::Start::kAfterInterval);
  }
  auto interrupted = sending->delivery().recoverInterrupted();
  if (!interrupted.isOk()) {
    log::error("daemon.outbox_recovery_failed").status(interrupted.status());
    return 1;
  }
  if (*interrupted > 0) {
    log::warn("outbox.interrupted_sends")
        .kv("messages", static_cast<std::int64_t>(*interrupted))
        .kv("state", "unknown");
  }
  sending->dispatcher().start();

  // Intake and processing: webhooks are committed by the writer (group
  // commit) and worked off by the processor, which the writer wakes.
  core::store::InboxRepo inbox_repo(*keys, clock);
  std::unique_ptr<core::inbox::InboxWriter> writer;
  core::inbox::InboxProcessor::Options processor_options = processorOptions(config);
  processor_options.intake_total = [&writer] { return writer ? writer->handedIn() : 0; };
  // WhatsApp's webhooks go through the same inbox; their items are applied
  // by the handler (statuses, opt-outs, template updates).
  OptOutConfirmation confirmation;
  if (!config.compliance.opt_out_confirmation.empty() && !config.shops.empty()) {
    auto first_shop = shop_ids->find(config.shops.front().name);
    if (first_shop != shop_ids->end()) confirmation = {&sending->gate(), first_shop->second};
  }
  WhatsAppEventHandler whatsapp_events(sending->delivery(), sending->consent(),
                                       whatsapp::KeywordMatcher(config.compliance.opt_out_keywords),
                                       whatsapp::KeywordMatcher(config.compliance.opt_in_keywords),
                                       *keys, clock, confirmation);
  auto processor = std::make_unique<core::inbox::InboxProcessor>(
      *database, *keys, clock, makeInboxRouter(config, &whatsapp_events), &metrics,
      processor_options);
  writer = std::make_unique<core::inbox::InboxWriter>(*database, inbox_repo,
                                                      core::inbox::InboxWriter::Options{},
                                                      [p = processor.get()] { p->notify(); });
  processor->start();

  // Reconciliation polling feeds the same inbox as the webhooks, so a change
  // seen both ways is one change.
  auto pollers = std::make_unique<ShopPollers>(
      config, *database, clock, metrics,
      [w = writer.get()](core::model::InboxEvent&& event) -> core::Status {
        auto stored = w->write(std::move(event));
        if (stored.isOk() || stored.status().code() == core::Status::Code::kDuplicate) {
          return core::Status::ok();
        }
        return stored.status();
      });
  pollers->start();

  // The periodic destruction job: at start, then daily (KVKK deletion
  // by-law Art. 11 allows at most six months).
  compliance::RetentionJob retention(*database, clock, audit_log,
                                     retentionPolicyOf(config.compliance));
  auto retention_task = std::make_unique<core::PeriodicTask>(kRetentionInterval, [&] {
    auto done = retention.run(/*dry_run=*/false, "daemon");
    if (!done.isOk()) {
      log::error("retention.failed").status(done.status());
      return;
    }
    std::int64_t rows = 0;
    for (const auto& c : *done) rows += c.rows;
    log::info("retention.ran").kv("rows", rows);
  });

  auto store_health =
      std::make_unique<StoreHealth>([&database] { return database->ping(); }, kStoreProbeInterval);

  http::Router router;
  http::addOpsRoutes(router, http::OpsDeps{&metrics, [&store_health, &sending] {
                                             core::Status s = store_health->current();
                                             if (!s.isOk()) return s.withContext("store");
                                             if (sending->dispatcher().halted()) {
                                               return core::Status::unavailable(
                                                   "whatsapp channel halted: " +
                                                   sending->dispatcher().haltReason());
                                             }
                                             return s;
                                           }});

  http::WebhookDeps webhook_deps;
  webhook_deps.config = &config;
  webhook_deps.shop_ids = *shop_ids;
  webhook_deps.writer = writer.get();
  webhook_deps.metrics = &metrics;
  webhook_deps.clock = &clock;
  http::addWebhookRoutes(router, std::move(webhook_deps));

  http::addAdminRoutes(router, http::AdminDeps{config.daemon.admin_token, pollers.get()});
  http::ComplianceDeps compliance_deps;
  compliance_deps.admin_token = config.daemon.admin_token;
  compliance_deps.database = database.get();
  compliance_deps.keys = &*keys;
  compliance_deps.clock = &clock;
  compliance_deps.ledger = &consent_ledger;
  compliance_deps.rights = &subject_rights;
  for (const config::ShopConfig& shop : config.shops) {
    auto id = shop_ids->find(shop.name);
    if (id != shop_ids->end()) compliance_deps.shops[shop.name] = {id->second, shop.country};
  }
  compliance_deps.anchor_file = config.compliance.audit_anchor_file;
  http::addComplianceRoutes(router, std::move(compliance_deps));
  http::addMessageRoutes(router, http::MessageDeps{config.daemon.admin_token, database.get(),
                                                   sending.get(), *shop_ids});
  const compliance::TrackedLinks tracked_links(*database, *keys, clock, linkOptionsOf(config));
  http::addLinkRoutes(router, http::LinkDeps{&tracked_links, &metrics});

  http::HttpServerOptions http_options;
  http_options.listen = config.daemon.listen.host + ":" + std::to_string(config.daemon.listen.port);
  http_options.max_body_bytes = static_cast<std::size_t>(config.daemon.max_body_bytes);
  http_options.read_timeout_ms = static_cast<int>(config.daemon.read_timeout_ms);
  http_options.max_threads = config.daemon.http_threads;
  http_options.drain_timeout_ms = static_cast<int>(config.daemon.shutdown_timeout_ms);
  auto started = http::HttpServer::start(http_options, std::move(router), metrics);
  if (!started.isOk()) {
    log::error("daemon.listen_failed").status(started.status());
    return 1;
  }
  std::unique_ptr<http::HttpServer> server = std::move(started).value();
  log::info("daemon.ready")
      .kv("listen", config.daemon.listen.host + ":" + std::to_string(server->port()))
      .kv("store", core::store::toString(database->backend()))
      .kv("shops", static_cast<std::int64_t>(config.shops.size()))
      .kv("whatsapp_mode", config.whatsapp.mode);

  int sig = waitForStopSignal();
  log::info("daemon.stopping").kv("signal", sig == SIGTERM ? "TERM" : "INT");

  // Reverse start order: no new requests, finish in-flight ones (each waits
  // for its inbox commit), then the pollers, the writer, the processor, the
  // prober and the store.
  server->stop();
  server.reset();
  sending->dispatcher().stop();  // finishes the message in hand
  pollers->stop();
  pollers.reset();
  writer->stop();
  processor->stop();  // before the writer goes: it reads the writer's intake count
  processor.reset();
  writer.reset();
  store_health.reset();
  compliance_task.reset();
  iys_task.reset();
  template_task.reset();
  retention_task.reset();
  sending.reset();
  audit->stop();  // signs what is left unsigned
  audit.reset();
  database.reset();
  log::info("daemon.stopped");
  return 0;
}

}  // namespace cartrelay::app
