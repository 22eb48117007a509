#pragma once

namespace cartrelay::app::cli {

// Entry point of the `cartrelay` executable: parses `cartrelay COMMAND
// [options]`, dispatches, and returns the process exit code as DESIGN.md
// defines it: 0 success, 1 a finding or failure, 2 usage or configuration
// error. Every command accepts --help and --config PATH (default
// /etc/cartrelay/cartrelay.ini). Output for humans goes to stdout, problems
// to stderr. Never throws.
int main(int argc, char** argv);

}  // namespace cartrelay::app::cli
