#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace cartrelay::core {

// Runs a function on a thread of its own: once immediately (or after the
// first interval, with Start::kAfterInterval), then every `interval` after
// the previous run ended, until stop(). The background
// loops of the daemon (store probe, audit checkpoints, consumers of the
// domain events) are all this shape; here it is written once, with the
// shutdown handled in one place.
//
// `tick` must not throw (it runs on a thread with no one to catch). It
// never runs concurrently with itself.
//
// Thread-safety: wake() may be called from any thread; stop() and the
// destructor from the owner. stop() waits for a running tick to finish.
class PeriodicTask {
 public:
  enum class Start { kNow, kAfterInterval };
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> tick,
               Start start = Start::kNow);
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;
  ~PeriodicTask();  // stop()

  // Runs the next tick now instead of at the end of the interval.
  void wake();

  // Ends the loop after the current tick (if any) and joins. Idempotent.
  void stop();

 private:
  void loop();

  std::chrono::milliseconds interval_;
  std::function<void()> tick_;
  Start start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace cartrelay::core
