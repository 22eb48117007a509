#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ports/message_channel.h"
#include "core/util/clock.h"

namespace cartrelay::app {

// The dispatcher's senders: threads that hand cleared messages to the
// channel, so that several requests are in flight at once (a Cloud API
// answer takes 50-300 ms from a shop's VPS; one at a time, that is a few
// messages per second). It only sends: claiming, pacing and recording stay
// with the dispatcher, which hands a message over only when it may go.
//
// Each finished send comes back through take() with the clock's time of its
// completion; `on_complete` runs on the sending thread right after the
// channel returned (the dispatcher's throughput limiter counts from that
// moment).
//
// Ownership: `channel` and `clock` must outlive the pool. Thread-safety:
// every method may be called from any thread; the channel's send() is
// called from up to `threads` threads at once, so it must allow that.
class SenderPool {
 public:
  struct Done {
    core::ports::ClearedMessage message;
    core::ports::SendResult result;
    core::EpochMillis completed_at = 0;  // clock time when send() returned
  };

  // `threads` is clamped to at least 1; they start as hand() needs them.
  SenderPool(core::ports::MessageChannel& channel, const core::Clock& clock, int threads,
             std::function<void(core::EpochMillis completed_at)> on_complete);
  SenderPool(const SenderPool&) = delete;
  SenderPool& operator=(const SenderPool&) = delete;
  // Lets the messages handed over finish (each send is bounded by the
  // channel's own timeouts), then joins the threads.
  ~SenderPool();

  // Starts sending `message` on a free thread (or the next one to free up).
  void hand(core::ports::ClearedMessage message);

  // The sends finished since the last call, oldest first. Waits up to `wait`
  // for at least one while any is in flight; returns early (possibly empty)
  // after interrupt().
  std::vector<Done> take(std::chrono::milliseconds wait);
  // Wakes a take() that is waiting, now or next time (once).
  void interrupt();

  // Handed over and not yet returned by take().
  int inFlight() const;

 private:
  void run();

  core::ports::MessageChannel& channel_;
  const core::Clock& clock_;
  const int threads_;
  std::function<void(core::EpochMillis)> on_complete_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a message to send, or stopping
  std::condition_variable done_cv_;  // a send finished, or interrupted
  std::deque<core::ports::ClearedMessage> queue_;
  std::vector<Done> done_;
  int in_flight_ = 0;
  int idle_ = 0;  // threads waiting for a message
  bool interrupted_ = false;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cartrelay::app
