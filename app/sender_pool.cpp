#include "app/sender_pool.h"

#include <algorithm>
#include <utility>

namespace cartrelay::app {

SenderPool::SenderPool(core::ports::MessageChannel& channel, const core::Clock& clock, int threads,
                       std::function<void(core::EpochMillis)> on_complete)
    : channel_(channel),
      clock_(clock),
      threads_(std::max(threads, 1)),
      on_complete_(std::move(on_complete)) {}

SenderPool::~SenderPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void SenderPool::hand(core::ports::ClearedMessage message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(message));
    ++in_flight_;
    // Threads start when there is work no idle one can take, up to the
    // limit: `cartrelay send` starts one, a busy daemon `threads`.
    if (queue_.size() > static_cast<std::size_t>(idle_) &&
        workers_.size() < static_cast<std::size_t>(threads_)) {
      workers_.emplace_back([this] { run(); });
    }
  }
  work_cv_.notify_one();
}

std::vector<SenderPool::Done> SenderPool::take(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (wait.count() > 0 && done_.empty() && in_flight_ > 0) {
    done_cv_.wait_for(lock, wait, [this] { return !done_.empty() || interrupted_; });
  } else if (wait.count() > 0 && in_flight_ == 0 && !interrupted_) {
    // Nothing can finish: the caller is only pausing (a rate limit).
    done_cv_.wait_for(lock, wait, [this] { return interrupted_; });
  }
  interrupted_ = false;
  std::vector<Done> out;
  out.swap(done_);
  in_flight_ -= static_cast<int>(out.size());
  return out;
}

void SenderPool::interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
  }
  done_cv_.notify_all();
}

int SenderPool::inFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

void SenderPool::run() {
  while (true) {
    std::unique_lock<std::mutex> lock(mu_);
    ++idle_;
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    // Whatever was handed over is sent, even while stopping: it is claimed
    // (durably `sending`), and the dispatcher waits for its answer.
    if (queue_.empty()) return;
    core::ports::ClearedMessage message = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();

    core::ports::SendResult result = channel_.send(message);
    const core::EpochMillis completed_at = clock_.nowMillis();
    if (on_complete_) on_complete_(completed_at);

    lock.lock();
    done_.push_back({std::move(message), std::move(result), completed_at});
    lock.unlock();
    done_cv_.notify_all();
  }
}

}  // namespace cartrelay::app
