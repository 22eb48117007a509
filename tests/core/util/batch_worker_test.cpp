// core::BatchWorker: concurrent callers are served in batches, each caller
// gets its own answer, and nothing handed in before stop() is lost.
#include "core/util/batch_worker.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

// A one-shot latch: the worker says it holds the first batch, and holds it
// until released, so the callers that arrive meanwhile queue up behind it.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(BatchWorker, WhatQueuesBehindABatchRunsAsOneBatchAndEachCallerGetsItsAnswer) {
  Gate started;
  Gate first_batch;
  std::mutex mu;
  std::vector<std::size_t> sizes;
  BatchWorker<int, std::string> worker(
      64,
      [&](std::vector<int>& batch) {
        if (batch[0] == 0) {
          started.open();
          first_batch.wait();
        }
        {
          std::lock_guard lock(mu);
          sizes.push_back(batch.size());
        }
        std::vector<std::string> answers;
        for (int item : batch) answers.push_back("answer-" + std::to_string(item));
        return answers;
      },
      "refused");

  std::string first;
  std::thread blocker([&] { first = worker.submit(0); });
  started.wait();  // the worker holds item 0, alone

  constexpr int kCallers = 10;
  std::vector<std::string> answers(kCallers + 1);
  std::vector<std::thread> callers;
  for (int i = 1; i <= kCallers; ++i) {
    callers.emplace_back([&, i] { answers[i] = worker.submit(i); });
  }
  for (int i = 0; i < 10'000 && worker.handedIn() < kCallers + 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  first_batch.open();
  blocker.join();
  for (std::thread& caller : callers) caller.join();

  EXPECT_EQ(first, "answer-0");
  for (int i = 1; i <= kCallers; ++i) EXPECT_EQ(answers[i], "answer-" + std::to_string(i));
  ASSERT_EQ(sizes.size(), 2u) << "one batch for item 0, one for everything behind it";
  EXPECT_EQ(sizes[0], 1u);
  EXPECT_EQ(sizes[1], static_cast<std::size_t>(kCallers));
}

TEST(BatchWorker, BatchesAreCappedAndMissingAnswersAreRefusals) {
  Gate started;
  Gate first_batch;
  std::vector<std::size_t> sizes;
  BatchWorker<int, std::string> worker(
      3,
      [&](std::vector<int>& batch) {
        if (batch[0] == 0) {
          started.open();
          first_batch.wait();
        }
        sizes.push_back(batch.size());
        // Answers only the first item of each batch.
        return std::vector<std::string>{"ok-" + std::to_string(batch[0])};
      },
      "refused");
  std::thread blocker([&] { worker.submit(0); });
  started.wait();
  std::vector<std::string> answers(7);
  std::vector<std::thread> callers;
  for (int i = 1; i <= 6; ++i) callers.emplace_back([&, i] { answers[i] = worker.submit(i); });
  for (int i = 0; i < 10'000 && worker.handedIn() < 7; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  first_batch.open();
  blocker.join();
  for (std::thread& caller : callers) caller.join();
  ASSERT_EQ(sizes.size(), 3u);
  EXPECT_EQ(sizes[1], 3u);
  EXPECT_EQ(sizes[2], 3u);
  int ok = 0;
  int refused = 0;
  for (int i = 1; i <= 6; ++i) (answers[i] == "refused" ? refused : ok) += 1;
  EXPECT_EQ(ok, 2) << "one answered item per batch";
  EXPECT_EQ(refused, 4);
}

TEST(BatchWorker, AfterStopEveryCallerIsRefusedAtOnce) {
  BatchWorker<int, std::string> worker(
      8, [](std::vector<int>& batch) { return std::vector<std::string>(batch.size(), "done"); },
      "refused");
  EXPECT_EQ(worker.submit(1), "done");
  worker.stop();
  worker.stop();  // idempotent
  EXPECT_EQ(worker.submit(2), "refused");
}

}  // namespace
}  // namespace cartrelay::core
