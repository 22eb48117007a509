#pragma once

#include <csignal>

namespace cartrelay::app {

// The signals the daemon handles synchronously with sigwait: TERM and INT
// (graceful stop) and HUP (never fatal).
sigset_t daemonSignals();

// Blocks daemonSignals() in the calling thread. Must run before any thread is
// created so every thread (Poco's HTTP pool, SOCI, our workers) inherits the
// mask and the signals are delivered only to the sigwait loop. Returns false
// if pthread_sigmask fails.
bool blockDaemonSignals();

}  // namespace cartrelay::app
