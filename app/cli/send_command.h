#pragma once

#include <string>
#include <vector>

namespace cartrelay::app::cli {

struct SendOptions {
  std::string config_path;
  std::string shop;                 // --shop NAME; may be empty with one shop configured
  std::string to;                   // --to PHONE, as typed
  std::string template_name;        // --template NAME ([template.NAME])
  std::vector<std::string> params;  // --param K=V, repeated
  bool json = false;
};

// `cartrelay send`: one message through the gate, the outbox and the
// channel of whatsapp.mode, exactly as a journey's message goes (the same
// MessageSending the daemon builds). Prints the gate's decision (and
// reason), the outbox id and what became of the message (state, Meta's id
// or error). The recipient is never printed back.
//
// Before deciding, the command verifies the audit chain as the daemon does
// at start (a chain that is not intact stops commercial messages). With
// compliance.iys = api the command has no İYS view of its own, so the gate
// defers commercial messages to Turkish recipients and the running daemon
// sends them once its İYS check passes.
//
// Exit codes: 0 when the message was accepted by the channel, or deferred
// or queued for a retry; 1 when it was denied or failed (or is unknown); 2
// for usage or configuration errors.
int sendCommand(const SendOptions& options);

}  // namespace cartrelay::app::cli
