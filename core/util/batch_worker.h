#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cartrelay::core {

// The group-commit pattern, once: callers on many threads hand in one item
// each and block; one worker thread takes everything queued so far (up to
// `max_batch`) and runs it as one batch, typically one store transaction,
// so one disk sync covers the whole batch. Each caller gets its own answer
// once its batch has run.
//
// `run_batch` gets the items in arrival order and must return exactly one
// answer per item, in the same order (fewer are filled with `refused`). It
// runs on the worker thread only, one batch at a time, and must not throw.
// A caller that hands in after stop() began gets `refused` at once; items
// already queued still run.
//
// Ownership: `run_batch` and what it refers to must outlive the worker.
// Thread-safety: submit() may be called from any number of threads, but
// never from inside `run_batch` (it would wait for itself). stop() is
// idempotent and called by the destructor.
template <typename Item, typename Answer>
class BatchWorker {
 public:
  using RunBatch = std::function<std::vector<Answer>(std::vector<Item>& batch)>;

  BatchWorker(std::size_t max_batch, RunBatch run_batch, Answer refused)
      : max_batch_(std::max<std::size_t>(max_batch, 1)),
        run_batch_(std::move(run_batch)),
        refused_(std::move(refused)),
        thread_([this] { run(); }) {}
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;
  ~BatchWorker() { stop(); }

  // Blocks until the item's batch has run; its answer.
  Answer submit(Item item) {
    std::future<Answer> answer;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return refused_;
      queue_.push_back(Queued{std::move(item), {}});
      answer = queue_.back().done.get_future();
      handed_in_.fetch_add(1, std::memory_order_relaxed);
    }
    wake_.notify_one();
    return answer.get();
  }

  // Refuses new items, runs what is queued, joins the worker.
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    std::lock_guard join_lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }

  // Items handed to submit() so far, a running count: how busy callers are.
  std::uint64_t handedIn() const { return handed_in_.load(std::memory_order_relaxed); }

 private:
  struct Queued {
    Item item;
    std::promise<Answer> done;
  };

  void run() {
    std::vector<Queued> batch;
    std::vector<Item> items;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and drained
        // Everything that queued up while the previous batch ran goes into
        // this one: that is the group commit.
        const std::size_t n = std::min(queue_.size(), max_batch_);
        for (std::size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      items.clear();
      for (Queued& q : batch) items.push_back(std::move(q.item));
      std::vector<Answer> answers = run_batch_(items);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].done.set_value(i < answers.size() ? std::move(answers[i]) : refused_);
      }
      batch.clear();
    }
  }

  const std::size_t max_batch_;
  const RunBatch run_batch_;
  const Answer refused_;

  std::atomic<std::uint64_t> handed_in_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::mutex join_mu_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace cartrelay::core
