#include "app/outbox_dispatcher.h"

#include <algorithm>
#include <chrono>

#include "core/util/log.h"

namespace cartrelay::app {
namespace {

using core::ports::SendResult;
using Outcome = SendResult::Outcome;

std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted:
      return "accepted";
    case Outcome::kRetry:
      return "retry";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kOptedOut:
      return "opted_out";
    case Outcome::kHalted:
      return "halted";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

void logIfFailed(const core::Status& status, std::string_view what, std::int64_t outbox_id) {
  // The row stays `sending`; the next start turns it into `unknown`, which
  // is the safe side (never a second send).
  if (!status.isOk()) {
    core::log::error("outbox.record_failed")
        .kv("what", what)
        .kv("outbox_id", outbox_id)
        .status(status);
  }
}

}  // namespace

OutboxDispatcher::OutboxDispatcher(
    const compliance::SendGate& gate, const compliance::OutboxDelivery& delivery,
    const compliance::WhatsAppConsent& consent, core::ports::MessageChannel& channel,
    core::metrics::Metrics& metrics, const core::Clock& clock, DispatcherOptions options,
    std::vector<std::pair<std::string, core::EpochMillis>> reached_recipients)
    : gate_(gate),
      delivery_(delivery),
      consent_(consent),
      channel_(channel),
      metrics_(metrics),
      clock_(clock),
      options_(options),
      throughput_(options.max_messages_per_second, 1000),
      pairs_(options.pair_interval_ms),
      daily_(options.daily_unique_recipients, std::move(reached_recipients)) {
  metrics_.setChannelHalted(channel_.name(), false);
}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

std::string OutboxDispatcher::haltReason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return halt_reason_;
}

void OutboxDispatcher::halt(const SendResult& result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    halt_reason_ = result.reason + " (error " + std::to_string(result.error_code) + ")";
  }
  halted_.store(true);
  metrics_.setChannelHalted(channel_.name(), true);
  core::log::error("whatsapp.channel_halted")
      .kv("channel", channel_.name())
      .kv("error_code", static_cast<std::int64_t>(result.error_code))
      .kv("reason", result.reason)
      .kv("action", "fix the cause (e.g. replace whatsapp.access_token), then restart cartrelay");
}

bool OutboxDispatcher::pauseUntil(core::EpochMillis until) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const core::EpochMillis now = clock_.nowMillis();
    if (now >= until) return true;
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<core::EpochMillis>(until - now, 100)));
  }
  return false;
}

void OutboxDispatcher::handle(const core::ports::ClearedMessage& message, const SendResult& result,
                              core::EpochMillis now) {
  const auto& m = message.content();
  metrics_.countMessage(channel_.name(), outcomeName(result.outcome));
  switch (result.outcome) {
    case Outcome::kAccepted: {
      logIfFailed(delivery_.recordAccepted(m.outbox_id, result.provider_message_id), "accepted",
                  m.outbox_id);
      if (result.simulated_delivery) {
        compliance::StatusReport delivered;
        delivered.provider_message_id = result.provider_message_id;
        delivered.status = compliance::DeliveryState::kDelivered;
        delivered.at_ms = clock_.nowMillis();
        delivered.outbox_id = m.outbox_id;
        logIfFailed(delivery_.applyStatus(delivered).status(), "simulated_delivery", m.outbox_id);
      }
      return;
    }
    case Outcome::kRetry: {
      const core::EpochMillis until = now + std::max<std::int64_t>(result.retry_after_ms, 1000);
      if (result.recipient_only) pairs_.penalise(m.subject_ref, until);
      if (result.slow_down) paused_until_ = std::max(paused_until_, until);
      core::log::warn("outbox.retry")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("error_code", static_cast<std::int64_t>(result.error_code))
          .kv("reason", result.reason)
          .kv("retry_in_ms", until - now);
      logIfFailed(delivery_.recordRetry(m.outbox_id, until, result.error_code, result.reason),
                  "retry", m.outbox_id);
      return;
    }
    case Outcome::kFailed:
      core::log::warn("outbox.failed")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("error_code", static_cast<std::int64_t>(result.error_code))
          .kv("reason", result.reason);
      logIfFailed(delivery_.recordFailed(m.outbox_id, result.error_code, result.reason), "failed",
                  m.outbox_id);
      return;
    case Outcome::kOptedOut: {
      logIfFailed(delivery_.recordFailed(m.outbox_id, result.error_code, result.reason), "failed",
                  m.outbox_id);
      auto recorded =
          consent_.record(compliance::WhatsAppSignal::kMarketingOptOutError, m.to, now,
                          {{"outbox_id", m.outbox_id}, {"error_code", result.error_code}});
      if (!recorded.isOk()) {
        core::log::error("consent.opt_out_failed")
            .kv("subject", m.subject_ref)
            .status(recorded.status());
      } else {
        core::log::info("consent.opt_out").kv("subject", m.subject_ref).kv("via", "meta_131050");
      }
      return;
    }
    case Outcome::kHalted:
      logIfFailed(delivery_.release(m.outbox_id), "release", m.outbox_id);
      halt(result);
      return;
    case Outcome::kUnknown:
      core::log::warn("outbox.unknown")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("reason", result.reason);
      logIfFailed(delivery_.recordUnknown(m.outbox_id, result.reason), "unknown", m.outbox_id);
      return;
  }
}

OutboxDispatcher::Round OutboxDispatcher::runOnce() {
  Round round;
  if (halted()) return round;
  if (clock_.nowMillis() < paused_until_) return round;
  auto due = delivery_.due(options_.batch);
  if (!due.isOk()) {
    core::log::error("outbox.due_failed").status(due.status());
    return round;
  }
  std::vector<std::int64_t> ids;
  for (const compliance::DueMessage& d : *due) {
    const core::EpochMillis now = clock_.nowMillis();
    std::int64_t wait = pairs_.tryAcquire(d.subject_ref, now);
    // A customer-service window is not tracked yet, so every recipient
    // counts against the portfolio limit (the conservative side).
    if (wait == 0) wait = daily_.tryAdmit(d.subject_ref, now, /*in_service_window=*/false);
    if (wait > 0) {
      ++round.postponed;
      logIfFailed(delivery_.postpone(d.outbox_id, now + wait), "postpone", d.outbox_id);
      continue;
    }
    ids.push_back(d.outbox_id);
  }
  dispatch(ids, round);
  return round;
}

OutboxDispatcher::Round OutboxDispatcher::sendNow(std::int64_t outbox_id) {
  Round round;
  if (halted()) return round;
  dispatch({outbox_id}, round);
  return round;
}

void OutboxDispatcher::dispatch(const std::vector<std::int64_t>& ids, Round& round) {
  if (ids.empty()) return;
  auto claimed = gate_.claim(ids);
  if (!claimed.isOk()) {
    core::log::error("outbox.claim_failed").status(claimed.status());
    return;
  }
  round.not_claimed = claimed->deferred + claimed->suppressed + claimed->skipped;
  for (std::size_t i = 0; i < claimed->messages.size(); ++i) {
    const auto& message = claimed->messages[i];
    bool give_back = halted() || clock_.nowMillis() < paused_until_;
    while (!give_back) {
      const std::int64_t wait = throughput_.tryAcquire(clock_.nowMillis());
      if (wait == 0) break;
      if (!pauseUntil(clock_.nowMillis() + wait)) give_back = true;
    }
    if (give_back) {
      // Claimed but not sent (halted, paused or stopping): back to queued.
      logIfFailed(delivery_.release(message.content().outbox_id), "release",
                  message.content().outbox_id);
      continue;
    }
    const SendResult result = channel_.send(message);
    // The request counts against the limit until a second after its answer.
    throughput_.complete(clock_.nowMillis());
    ++round.attempted;
    if (result.outcome == Outcome::kAccepted) ++round.sent;
    handle(message, result, clock_.nowMillis());
  }
}

void OutboxDispatcher::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    while (true) {
      const Round round = runOnce();
      std::unique_lock<std::mutex> guard(mu_);
      if (stopping_) return;
      // A full round may have more behind it: go again at once.
      if (round.attempted + round.postponed + round.not_claimed >= options_.batch) continue;
      cv_.wait_for(guard, std::chrono::milliseconds(options_.idle_wait_ms),
                   [this] { return stopping_ || woken_; });
      woken_ = false;
      if (stopping_) return;
    }
  });
}

void OutboxDispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace cartrelay::app
