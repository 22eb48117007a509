#include <string_view>

#include "app/cli/cli.h"
#include "app/signals.h"

int main(int argc, char** argv) {
  // Before anything can start a thread: every thread inherits this mask, so
  // TERM/INT/HUP reach only the daemon's sigwait loop. For short commands the
  // effect is that Ctrl-C is not instant, which is why only `run` blocks them.
  if (argc > 1 && std::string_view(argv[1]) == "run" && !cartrelay::app::blockDaemonSignals()) {
    return 1;
  }
  return cartrelay::app::cli::main(argc, argv);
}
