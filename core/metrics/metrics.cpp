#include "core/metrics/metrics.h"

#include <sstream>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace cartrelay::core::metrics {
namespace {

// Latency buckets in seconds: a webhook ack or a store commit should take a
// few milliseconds; the tail up to 5 s shows a struggling disk or database.
const prometheus::Histogram::BucketBoundaries& latencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  return kBuckets;
}

}  // namespace

Metrics::Metrics(std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()),
      http_requests_(&prometheus::BuildCounter()
                          .Name("cartrelay_http_requests_total")
                          .Help("HTTP requests answered, by route pattern, method and status")
                          .Register(*registry_)),
      http_duration_(&prometheus::BuildHistogram()
                          .Name("cartrelay_http_request_duration_seconds")
                          .Help("Time from request start to response, by route pattern")
                          .Register(*registry_)),
      store_duration_(&prometheus::BuildHistogram()
                           .Name("cartrelay_store_operation_duration_seconds")
                           .Help("Duration of store sessions and transactions")
                           .Register(*registry_)),
      webhooks_(&prometheus::BuildCounter()
                     .Name("cartrelay_webhooks_total")
                     .Help("Shop webhooks received, by platform, shop and outcome")
                     .Register(*registry_)),
      inbox_events_(&prometheus::BuildCounter()
                         .Name("cartrelay_inbox_events_total")
                         .Help("Inbox events processed, by platform and outcome")
                         .Register(*registry_)),
      inbox_backlog_(&prometheus::BuildGauge()
                          .Name("cartrelay_inbox_backlog")
                          .Help("Inbox events received but not processed yet")
                          .Register(*registry_)
                          .Add({})),
      poll_runs_(&prometheus::BuildCounter()
                      .Name("cartrelay_poll_runs_total")
                      .Help("Shop API polls, by shop, resource and outcome")
                      .Register(*registry_)),
      poll_success_time_(&prometheus::BuildGauge()
                              .Name("cartrelay_poll_last_success_timestamp_seconds")
                              .Help("When the shop's last poll round succeeded (Unix seconds)")
                              .Register(*registry_)),
      subscription_healthy_(&prometheus::BuildGauge()
                                 .Name("cartrelay_shop_subscription_healthy")
                                 .Help("1 when the shop's webhook subscriptions are all active")
                                 .Register(*registry_)),
      audit_integrity_(&prometheus::BuildGauge()
                            .Name("cartrelay_audit_integrity")
                            .Help("1 when the audit chain last verified intact, 0 otherwise")
                            .Register(*registry_)
                            .Add({})),
      audit_checkpoints_(&prometheus::BuildCounter()
                              .Name("cartrelay_audit_checkpoints_total")
                              .Help("Signed audit checkpoints, by outcome")
                              .Register(*registry_)),
      iys_upload_overdue_(&prometheus::BuildGauge()
                               .Name("cartrelay_iys_upload_overdue")
                               .Help("Consent events still not in IYS after 3 business days")
                               .Register(*registry_)),
      messages_(&prometheus::BuildCounter()
                     .Name("cartrelay_messages_total")
                     .Help("Messages handed to a channel, by what became of them")
                     .Register(*registry_)),
      channel_halted_(&prometheus::BuildGauge()
                           .Name("cartrelay_channel_halted")
                           .Help("1 while the channel is halted (a token or account problem)")
                           .Register(*registry_)),
      template_sendable_(&prometheus::BuildGauge()
                              .Name("cartrelay_template_sendable")
                              .Help("1 while Meta has the configured template APPROVED")
                              .Register(*registry_)),
      link_clicks_(&prometheus::BuildCounter()
                        .Name("cartrelay_link_clicks_total")
                        .Help("Requests for tracked links (GET /r/{token}), by outcome")
                        .Register(*registry_)) {
  prometheus::BuildGauge()
      .Name("cartrelay_build_info")
      .Help("Build information; the value is always 1")
      .Register(*registry_)
      .Add({{"version", std::string(version)}})
      .Set(1);
}

Metrics::~Metrics() = default;

void Metrics::observeHttpRequest(std::string_view route, std::string_view method, int status,
                                 double seconds) {
  http_requests_
      ->Add({{"route", std::string(route)},
             {"method", std::string(method)},
             {"status", std::to_string(status)}})
      .Increment();
  http_duration_->Add({{"route", std::string(route)}}, latencyBuckets()).Observe(seconds);
}

void Metrics::observeStoreOperation(std::string_view backend, bool ok, double seconds) {
  store_duration_
      ->Add({{"backend", std::string(backend)}, {"result", ok ? "ok" : "error"}}, latencyBuckets())
      .Observe(seconds);
}

void Metrics::countWebhook(std::string_view platform, std::string_view shop,
                           std::string_view outcome) {
  webhooks_
      ->Add({{"platform", std::string(platform)},
             {"shop", std::string(shop)},
             {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::countInboxEvent(std::string_view platform, std::string_view outcome) {
  inbox_events_->Add({{"platform", std::string(platform)}, {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::setInboxBacklog(double events) { inbox_backlog_->Set(events); }

void Metrics::countPollRun(std::string_view shop, std::string_view resource,
                           std::string_view outcome) {
  poll_runs_
      ->Add({{"shop", std::string(shop)},
             {"resource", std::string(resource)},
             {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::setPollSuccessTime(std::string_view shop, double epoch_seconds) {
  poll_success_time_->Add({{"shop", std::string(shop)}}).Set(epoch_seconds);
}

void Metrics::setSubscriptionHealthy(std::string_view shop, bool healthy) {
  subscription_healthy_->Add({{"shop", std::string(shop)}}).Set(healthy ? 1 : 0);
}

void Metrics::setAuditIntact(bool intact) { audit_integrity_->Set(intact ? 1 : 0); }

void Metrics::setIysUploadOverdue(std::string_view shop, double events) {
  iys_upload_overdue_->Add({{"shop", std::string(shop)}}).Set(events);
}

void Metrics::countMessage(std::string_view channel, std::string_view outcome) {
  messages_->Add({{"channel", std::string(channel)}, {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::setChannelHalted(std::string_view channel, bool halted) {
  channel_halted_->Add({{"channel", std::string(channel)}}).Set(halted ? 1 : 0);
}

void Metrics::setTemplateSendable(std::string_view template_name, bool sendable) {
  template_sendable_->Add({{"template", std::string(template_name)}}).Set(sendable ? 1 : 0);
}

void Metrics::countLinkClick(std::string_view outcome) {
  link_clicks_->Add({{"outcome", std::string(outcome)}}).Increment();
}

void Metrics::countAuditCheckpoint(bool ok) {
  audit_checkpoints_->Add({{"outcome", ok ? "ok" : "error"}}).Increment();
}

std::string Metrics::render() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace cartrelay::core::metrics
