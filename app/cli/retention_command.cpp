#include "app/cli/retention_command.h"

#include <iostream>

#include "app/cli/command_support.h"
#include "app/cli/table_output.h"
#include "app/compliance_setup.h"
#include "compliance/audit_log.h"
#include "compliance/retention.h"

namespace cartrelay::app::cli {

int retentionRunCommand(const std::string& config_path, bool dry_run, bool json) {
  constexpr std::string_view kCommand = "retention run";
  int exit_code = kExitOk;
  auto store = OperatorStore::open(config_path, kCommand, &exit_code);
  if (!store) return exit_code;
  compliance::AuditLog audit(store->clock());
  compliance::RetentionJob job(store->database(), store->clock(), audit,
                               retentionPolicyOf(store->config().compliance));
  auto done = job.run(dry_run, "cli");
  if (!done.isOk()) {
    printError(kCommand, done.status().toString());
    return kExitFailure;
  }
  Listing listing({"class", dry_run ? "would_go" : "destroyed", "older_than"});
  for (const auto& c : *done) {
    listing.add({c.data_class, std::to_string(c.rows), timeCell(c.cutoff_ms)},
                {{"data_class", c.data_class},
                 {"rows", c.rows},
                 {"cutoff", timeJson(c.cutoff_ms)},
                 {"dry_run", dry_run}});
  }
  listing.print(std::cout, json ? OutputFormat::kJson : OutputFormat::kTable);
  return kExitOk;
}

}  // namespace cartrelay::app::cli
