#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "core/ports/message_channel.h"
#include "core/util/clock.h"

namespace cartrelay::whatsapp {

// The MessageChannel of whatsapp.mode = sandbox (DESIGN.md "Sandbox mode"):
// nothing goes to Meta. Each cleared message is appended to `log_path` as
// one JSON line {"ts","to","template","language","category","params",
// "journey","step","outbox_id"} (ts is ISO 8601 UTC; a free-form message
// adds "text" and has an empty "template"), flushed and fsynced
// before send() returns, and reported accepted with the id
// "sandbox.<outbox_id>" and simulated_delivery set, so the outbox records
// it sent and delivered and journeys can be rehearsed end to end.
//
// The file holds recipients' phone numbers and parameters in clear: it is
// created with mode 0600, and the compliance report lists it.
//
// A write failure (missing directory, full disk) is kRetry with a growing
// delay, never a silent drop. Thread-safety: send() may be called from
// several threads (lines never interleave). `clock` must outlive it.
class SandboxChannel final : public core::ports::MessageChannel {
 public:
  SandboxChannel(std::string log_path, const core::Clock& clock)
      : log_path_(std::move(log_path)), clock_(clock) {}

  core::ports::SendResult send(const core::ports::ClearedMessage& message) override;
  std::string_view name() const override { return "sandbox"; }

 private:
  std::string log_path_;
  const core::Clock& clock_;
  std::mutex mu_;
};

}  // namespace cartrelay::whatsapp
