#pragma once

#include "app/config/app_config.h"

namespace cartrelay::app {

// `cartrelay run`: the daemon in the foreground (systemd Type=exec; it never
// forks). Start order: keys, store (+ migrations), metrics, HTTP server,
// background workers; then a sigwait loop. SIGTERM/SIGINT stop it in reverse
// order (stop HTTP intake, drain in-flight requests and workers, close the
// store) and it returns 0. SIGHUP is logged and ignored (reload is not
// implemented yet), never fatal.
//
// Precondition: blockDaemonSignals() (app/signals.h) was called before any
// thread was created.
//
// Returns the process exit code: 0 after a graceful stop, 1 when the store or
// the listener cannot be set up, 2 when keys are missing or unsafe.
int runDaemon(const config::AppConfig& config);

}  // namespace cartrelay::app
