#include "core/util/periodic_task.h"

namespace cartrelay::core {

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> tick,
                           Start start)
    : interval_(interval), tick_(std::move(tick)), start_(start) {
  // Started last, so the loop only ever sees fully constructed members.
  thread_ = std::thread([this] { loop(); });
}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void PeriodicTask::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (start_ == Start::kAfterInterval) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    tick_();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
}

}  // namespace cartrelay::core
