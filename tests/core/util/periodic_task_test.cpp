#include "core/util/periodic_task.h"

#include <atomic>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace cartrelay::core {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTask, RunsAtOnceThenEveryIntervalAndStopsCleanly) {
  std::atomic<int> runs{0};
  PeriodicTask task(10ms, [&] { ++runs; });
  EXPECT_TRUE(testing::eventually([&] { return runs.load() >= 3; }, std::chrono::seconds(10)));
  task.stop();
  const int after_stop = runs.load();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), after_stop) << "no tick after stop()";
  task.stop();  // idempotent
}

TEST(PeriodicTask, WakeRunsTheNextTickWithoutWaitingForTheInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task(std::chrono::hours(1), [&] { ++runs; });
  ASSERT_TRUE(testing::eventually([&] { return runs.load() == 1; }, std::chrono::seconds(10)));
  task.wake();
  EXPECT_TRUE(testing::eventually([&] { return runs.load() == 2; }, std::chrono::seconds(10)));
}

TEST(PeriodicTask, StopWaitsForTheRunningTick) {
  std::atomic<bool> inside{false};
  std::atomic<bool> finished{false};
  PeriodicTask task(std::chrono::hours(1), [&] {
    inside = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  ASSERT_TRUE(testing::eventually([&] { return inside.load(); }, std::chrono::seconds(10)));
  task.stop();
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace cartrelay::core
