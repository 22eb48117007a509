#include "app/message_sending.h"

#include <utility>

#include "app/compliance_setup.h"
#include "compliance/whatsapp_templates.h"
#include "connectors/whatsapp/cloud_api_channel.h"
#include "connectors/whatsapp/sandbox_channel.h"

namespace cartrelay::app {
namespace {

// Requests to the Cloud API in flight at once: at 300 ms a request, 32
// keep up with 100 messages/s.
constexpr int kCloudApiSenders = 32;

// Meta answers a send within a second or two; a minute of silence is a
// lost answer, which the outbox records as unknown rather than waiting on.
core::net::FetchLimits cloudApiLimits() {
  core::net::FetchLimits limits;
  limits.connect_timeout_ms = 10'000;
  limits.total_timeout_ms = 30'000;
  limits.max_body_bytes = 1u << 20;
  return limits;
}

}  // namespace

MessageSending::~MessageSending() {
  if (dispatcher_) dispatcher_->stop();
}

core::Result<std::unique_ptr<MessageSending>> MessageSending::create(
    const config::AppConfig& config, core::store::Database& db, const core::KeyRing& keys,
    const core::Clock& clock, const compliance::AuditLog& audit,
    const compliance::ConsentLedger& ledger, core::metrics::Metrics& metrics,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids, Hooks hooks) {
  std::unique_ptr<MessageSending> out(new MessageSending());
  const config::WhatsAppConfig& wa = config.whatsapp;
  if (wa.mode == "live") {
    whatsapp::CloudApiConfig cloud;
    cloud.api_base = wa.api_base;
    cloud.api_version = wa.api_version;
    cloud.phone_number_id = wa.phone_number_id;
    cloud.access_token = wa.access_token;
    for (const config::TemplateConfig& t : config.templates) cloud.layouts[t.name] = t.layout;
    out->http_ = std::make_unique<core::net::DefaultHttpClient>(cloudApiLimits());
    out->channel_ = std::make_unique<whatsapp::CloudApiChannel>(std::move(cloud), *out->http_);
  } else {
    out->channel_ = std::make_unique<whatsapp::SandboxChannel>(wa.sandbox_log, clock);
  }

  compliance::SendGate::Options options = sendGateOptionsOf(config, shop_ids);
  options.audit_intact = std::move(hooks.audit_intact);
  options.iys = std::move(hooks.iys);
  CARTRELAY_ASSIGN_OR_RETURN(
      out->gate_, compliance::SendGate::create(db, keys, clock, audit, ledger, std::move(options)));
  out->delivery_ = std::make_unique<compliance::OutboxDelivery>(db, clock, audit);
  std::vector<std::int64_t> ids;
  for (const auto& [name, id] : shop_ids) ids.push_back(id);
  out->consent_ = std::make_unique<compliance::WhatsAppConsent>(db, keys, ledger, std::move(ids));

  DispatcherOptions dispatch;
  dispatch.max_messages_per_second = wa.max_messages_per_second;
  dispatch.daily_unique_recipients = wa.daily_unique_recipients;
  // Meta answers in 50-300 ms from a shop's VPS: one request at a time would
  // cap a number far below its 80 messages/s. The sandbox writes one file
  // line by line, where more threads would only wait for each other.
  dispatch.senders = wa.mode == "live" ? kCloudApiSenders : 1;
  // A template Meta refused at send time is held in the registry like one
  // its webhook paused; the next sync or webhook sets it right again.
  dispatch.template_refused = [&db, &clock](const std::string& meta_name,
                                            const std::string& language,
                                            const std::string& status) {
    compliance::MetaTemplate update;
    update.name = meta_name;
    update.language = language;
    update.status = status;
    update.reason = "refused_at_send";
    return db.withTransaction([&](soci::session& s) {
      return compliance::whatsapp_templates::noteStatus(s, update, clock.nowMillis());
    });
  };
  CARTRELAY_ASSIGN_OR_RETURN(
      auto reached, out->delivery_->recentRecipients(clock.nowMillis() - 24LL * 3600 * 1000));
  out->dispatcher_ = std::make_unique<OutboxDispatcher>(*out->gate_, *out->delivery_,
                                                        *out->consent_, *out->channel_, metrics,
                                                        clock, dispatch, std::move(reached));
  return out;
}

}  // namespace cartrelay::app
