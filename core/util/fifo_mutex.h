#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace cartrelay::core {

// A mutex that is handed to its waiters in the order they asked for it (a
// ticket lock). std::mutex lets the thread that just unlocked take it again
// before a woken waiter runs, so a thread that locks in a loop (a batch
// writer) can keep another waiter out for as long as it has work.
//
// Meets BasicLockable (std::lock_guard). Not recursive. Costs a
// condition-variable wake-up per hand-over when someone waits; when nobody
// waits it is one uncontended std::mutex lock and unlock more than a plain
// mutex. Thread-safe.
class FifoMutex {
 public:
  FifoMutex() = default;
  FifoMutex(const FifoMutex&) = delete;
  FifoMutex& operator=(const FifoMutex&) = delete;

  void lock() {
    std::unique_lock guard(mu_);
    const std::uint64_t ticket = next_ticket_++;
    turn_.wait(guard, [&] { return serving_ == ticket; });
  }

  // Threads waiting for their turn now (not counting the holder).
  std::uint64_t waiting() {
    std::lock_guard guard(mu_);
    return next_ticket_ - serving_ - (next_ticket_ != serving_ ? 1 : 0);
  }

  void unlock() {
    {
      std::lock_guard guard(mu_);
      ++serving_;
      if (serving_ == next_ticket_) return;  // nobody waits
    }
    turn_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable turn_;
  std::uint64_t next_ticket_ = 0;  // the next caller's ticket
  std::uint64_t serving_ = 0;      // the ticket that holds the lock
};

}  // namespace cartrelay::core
