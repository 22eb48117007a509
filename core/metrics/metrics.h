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

  // Prometheus text exposition format 0.0.4 of everything registered.
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  prometheus::Family<prometheus::Histogram>* http_duration_;
  prometheus::Family<prometheus::Histogram>* store_duration_;
};

}  // namespace cartrelay::core::metrics
