#include "app/signals.h"

#include <pthread.h>

namespace cartrelay::app {

sigset_t daemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

bool blockDaemonSignals() {
  sigset_t set = daemonSignals();
  return pthread_sigmask(SIG_BLOCK, &set, nullptr) == 0;
}

}  // namespace cartrelay::app
