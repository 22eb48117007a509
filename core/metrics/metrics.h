#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Histogram;
class Gauge;
}  // namespace prometheus

namespace cartrelay::core::metrics {

// The daemon's Prometheus registry and the metric families every layer shares.
// Served as text by `GET /metrics`. One instance lives in the composition root
// (app/) and is passed by reference; there is no global registry.
//
// Metric names (stable: dashboards depend on them):
//   cartrelay_http_requests_total{route,method,status}        counter
//   cartrelay_http_request_duration_seconds{route}            histogram
//   cartrelay_store_operation_duration_seconds{backend,result} histogram (result = ok|error)
//   cartrelay_build_info{version}                              gauge, always 1
//   cartrelay_webhooks_total{platform,shop,outcome}            counter
//       outcome = accepted|duplicate|unauthorized|malformed|too_large|
//                 unavailable|ignored_topic|ping
//   cartrelay_inbox_events_total{platform,outcome}             counter
//       outcome = done|duplicate|quarantined|retry
//   cartrelay_inbox_backlog                                    gauge, events not yet processed
//   cartrelay_poll_runs_total{shop,resource,outcome}           counter (outcome =
//   ok|error|throttled) cartrelay_poll_last_success_timestamp_seconds{shop}        gauge
//   cartrelay_shop_subscription_healthy{shop}                  gauge, 1 healthy / 0 not
//   cartrelay_audit_integrity                                  gauge, 1 the audit chain verified
//                                                              intact / 0 not (or not yet)
//   cartrelay_audit_checkpoints_total{outcome}                 counter (outcome = ok|error)
//   cartrelay_messages_total{channel,outcome}                  counter (outcome = accepted|retry|
//                                                              failed|opted_out|halted|unknown)
//   cartrelay_channel_halted{channel}                          gauge, 1 while sending is halted
//   cartrelay_iys_upload_overdue{shop}                         gauge, consent events not in İYS
//                                                              after 3 business days (alert > 0)
//   cartrelay_template_sendable{template}                      gauge, 1 while Meta has the
//                                                              configured template APPROVED
//   cartrelay_link_clicks_total{outcome}                       counter, GET /r/{token} (outcome =
//                                                              redirected|not_found|unavailable)
//
// `route` is the route pattern ("/webhooks/shopify/{shop}"), never the raw
// path, so label cardinality stays bounded and no shop data leaks.
//
// Thread-safety: all methods may be called concurrently (prometheus-cpp
// families and metrics are internally synchronised).
class Metrics {
 public:
  explicit Metrics(std::string_view version);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  ~Metrics();

  prometheus::Registry& registry() { return *registry_; }

  void observeHttpRequest(std::string_view route, std::string_view method, int status,
                          double seconds);
  void observeStoreOperation(std::string_view backend, bool ok, double seconds);
  void countWebhook(std::string_view platform, std::string_view shop, std::string_view outcome);
  void countInboxEvent(std::string_view platform, std::string_view outcome);
  void setInboxBacklog(double events);
  void countPollRun(std::string_view shop, std::string_view resource, std::string_view outcome);
  void setPollSuccessTime(std::string_view shop, double epoch_seconds);
  void setSubscriptionHealthy(std::string_view shop, bool healthy);
  void setAuditIntact(bool intact);
  void countAuditCheckpoint(bool ok);
  void setIysUploadOverdue(std::string_view shop, double events);
  void countMessage(std::string_view channel, std::string_view outcome);
  void setChannelHalted(std::string_view channel, bool halted);
  // template = the [template.NAME] name.
  void setTemplateSendable(std::string_view template_name, bool sendable);
  void countLinkClick(std::string_view outcome);

  // Prometheus text exposition format 0.0.4 of everything registered.
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  prometheus::Family<prometheus::Histogram>* http_duration_;
  prometheus::Family<prometheus::Histogram>* store_duration_;
  prometheus::Family<prometheus::Counter>* webhooks_;
  prometheus::Family<prometheus::Counter>* inbox_events_;
  prometheus::Gauge* inbox_backlog_;
  prometheus::Family<prometheus::Counter>* poll_runs_;
  prometheus::Family<prometheus::Gauge>* poll_success_time_;
  prometheus::Family<prometheus::Gauge>* subscription_healthy_;
  prometheus::Gauge* audit_integrity_;
  prometheus::Family<prometheus::Counter>* audit_checkpoints_;
  prometheus::Family<prometheus::Gauge>* iys_upload_overdue_;
  prometheus::Family<prometheus::Counter>* messages_;
  prometheus::Family<prometheus::Gauge>* channel_halted_;
  prometheus::Family<prometheus::Gauge>* template_sendable_;
  prometheus::Family<prometheus::Counter>* link_clicks_;
};

}  // namespace cartrelay::core::metrics
