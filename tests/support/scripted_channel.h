#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/message_channel.h"

namespace cartrelay::testing {

// A MessageChannel standing in for Meta in tests of what the sender does
// with each kind of answer: it records every message handed to it and
// answers with the next scripted SendResult, or, when the script is empty,
// accepts. An accept without an id gets "wamid.<n>". Thread-safe.
class ScriptedChannel final : public core::ports::MessageChannel {
 public:
  struct Handed {
    std::int64_t outbox_id = 0;
    std::string to;
    int attempt = 0;
  };

  void script(core::ports::SendResult result) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(result));
  }

  core::ports::SendResult send(const core::ports::ClearedMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    handed_.push_back(
        {message.content().outbox_id, message.content().to, message.content().attempt});
    if (!script_.empty()) {
      core::ports::SendResult next = script_.front();
      script_.pop_front();
      if (next.outcome == core::ports::SendResult::Outcome::kAccepted &&
          next.provider_message_id.empty()) {
        next.provider_message_id = "wamid." + std::to_string(handed_.size());
      }
      return next;
    }
    core::ports::SendResult accepted;
    accepted.outcome = core::ports::SendResult::Outcome::kAccepted;
    accepted.provider_message_id = "wamid." + std::to_string(handed_.size());
    return accepted;
  }

  std::string_view name() const override { return "scripted"; }

  std::vector<Handed> handed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return handed_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<core::ports::SendResult> script_;
  std::vector<Handed> handed_;
};

}  // namespace cartrelay::testing
