#pragma once

#include <string>

namespace cartrelay::app::cli {

// `cartrelay retention run [--dry-run] [--json]`: the destruction job
// (compliance/retention.h) now, with the configured periods. Prints one line
// per data class: what went (or would go) and the cut-off. Exit 0 done, 1
// the store failed part-way (what ran before stays done and audited), 2 a
// configuration error.
int retentionRunCommand(const std::string& config_path, bool dry_run, bool json);

}  // namespace cartrelay::app::cli
