#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "core/util/periodic_task.h"
#include "core/util/status.h"

namespace cartrelay::app {

// Probes the store in the background and caches the answer, so /readyz is
// answered instantly and a dead database costs one probe per interval instead
// of one blocked HTTP thread per readiness check.
//
// The first probe runs synchronously in the constructor, so current() is
// meaningful immediately. Transitions (ready <-> unavailable) are logged once.
//
// Thread-safety: current() may be called from any thread; construction and
// destruction from one thread. The destructor stops and joins the prober.
class StoreHealth {
 public:
  using Probe = std::function<core::Status()>;

  StoreHealth(Probe probe, std::chrono::milliseconds interval);
  StoreHealth(const StoreHealth&) = delete;
  StoreHealth& operator=(const StoreHealth&) = delete;
  ~StoreHealth();

  // The last probe's result (OK or the reason the store is unreachable).
  core::Status current() const;

 private:
  void record(core::Status status);

  Probe probe_;
  mutable std::mutex mutex_;
  core::Status last_;
  std::unique_ptr<core::PeriodicTask> prober_;  // last: stopped first
};

}  // namespace cartrelay::app
