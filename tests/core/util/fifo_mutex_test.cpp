// core::FifoMutex: waiters get the lock in the order they asked for it, and
// a thread that locks in a loop cannot keep a waiter out.
#include "core/util/fifo_mutex.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

// Spins (bounded) until `n` threads wait for `mu`.
void untilWaiting(FifoMutex& mu, std::uint64_t n) {
  for (int i = 0; i < 10'000 && mu.waiting() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(mu.waiting(), n);
}

TEST(FifoMutex, WaitersAreServedInTheOrderTheyAsked) {
  FifoMutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  mu.lock();
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&mu, &order, i] {
      std::lock_guard lock(mu);
      order.push_back(i);
    });
    untilWaiting(mu, static_cast<std::uint64_t>(i) + 1);
  }
  mu.unlock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(mu.waiting(), 0u);
}

TEST(FifoMutex, AThreadThatLocksInALoopLetsAWaiterInAtItsNextUnlock) {
  FifoMutex mu;
  std::atomic<bool> stop{false};
  std::atomic<long> holds{0};
  long holds_ended_with_a_waiter = 0;  // only the looper writes it, under mu
  std::thread looper([&] {
    while (!stop.load()) {
      std::lock_guard lock(mu);
      holds.fetch_add(1);
      if (mu.waiting() > 0) ++holds_ended_with_a_waiter;
    }
  });
  while (holds.load() < 1000) std::this_thread::yield();
  long seen = 0;
  {
    // The looper re-takes the lock at once after every unlock; with
    // std::mutex it would usually win again and again. Here the hold it is
    // in when this thread queues is its last before this thread's turn.
    std::lock_guard lock(mu);
    seen = holds_ended_with_a_waiter;
  }
  stop = true;
  looper.join();
  EXPECT_LE(seen, 1);
}

}  // namespace
}  // namespace cartrelay::core
