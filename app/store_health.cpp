#include "app/store_health.h"

#include "core/util/log.h"

namespace cartrelay::app {

StoreHealth::StoreHealth(Probe probe, std::chrono::milliseconds interval)
    : probe_(std::move(probe)), interval_(interval), last_(core::Status::ok()) {
  record(probe_());
  thread_ = std::thread([this] { loop(); });
}

StoreHealth::~StoreHealth() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

core::Status StoreHealth::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_;
}

void StoreHealth::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    // Probe without the lock: a probe against a dead server can take up to
    // the connect timeout, and current() must not wait for it.
    lock.unlock();
    core::Status status = probe_();
    record(std::move(status));
    lock.lock();
  }
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
