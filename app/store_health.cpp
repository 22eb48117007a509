#include "app/store_health.h"

#include "core/util/log.h"

namespace cartrelay::app {

StoreHealth::StoreHealth(Probe probe, std::chrono::milliseconds interval)
    : probe_(std::move(probe)), last_(core::Status::ok()) {
  record(probe_());
  // Probes run without the lock: one against a dead server can take up to
  // the connect timeout, and current() must not wait for it.
  prober_ = std::make_unique<core::PeriodicTask>(
      interval, [this] { record(probe_()); }, core::PeriodicTask::Start::kAfterInterval);
}

StoreHealth::~StoreHealth() { prober_->stop(); }

core::Status StoreHealth::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_;
}

void StoreHealth::record(core::Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (status.isOk() != last_.isOk()) {
    if (status.isOk()) {
      core::log::info("store.ready");
    } else {
      core::log::warn("store.unavailable").status(status);
    }
  }
  last_ = std::move(status);
}

}  // namespace cartrelay::app
