#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/app_config.h"
#include "core/model/shop.h"
#include "core/store/database.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"

// Helpers shared by the subcommands in app/cli: exit codes, loading the
// configuration, and opening the store the way an operator's command needs it.
namespace cartrelay::app::cli {

// Process exit codes (DESIGN.md "The interface").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a failure or a finding (e.g. not found)
inline constexpr int kExitUsage = 2;    // usage or configuration error

// Prints "cartrelay <command>: <message>" as one line on stderr.
void printError(std::string_view command, std::string_view message);

// Loads the configuration, printing every problem on stderr as
// "section.key: message"; std::nullopt on any problem.
std::optional<config::AppConfig> loadOrReport(const std::string& path);

// What `--shop NAME` selects in a listing.
struct ShopSelection {
  bool all = true;  // no --shop given
  // The shop's row in the store. std::nullopt with all=false means the shop
  // is configured but nothing of it was stored yet: the listing is empty.
  std::optional<core::model::Shop> shop;
  std::string name;  // as given
};

// The configuration, the keys and an open store at this binary's schema
// version: what the inspection commands (inbox, carts, orders, customers)
// work with. Opening never creates or migrates anything, so pointing a
// command at the wrong configuration cannot leave an empty database behind.
//
// Info-level log lines (store.opened, ...) are suppressed while a command
// runs: its stdout is the output, its stderr the errors.
//
// Not thread-safe; one per command invocation.
class OperatorStore {
 public:
  // Loads `config_path` and the key files, opens daemon.database and checks
  // that its schema is at latestVersion(). On failure prints the reason on
  // stderr (prefixed "cartrelay <command>: ") and returns nullptr with
  // *exit_code set: kExitUsage for configuration or key problems,
  // kExitFailure when the database is missing, unreachable or at another
  // schema version.
  static std::unique_ptr<OperatorStore> open(const std::string& config_path,
                                             std::string_view command, int* exit_code);

  OperatorStore(const OperatorStore&) = delete;
  OperatorStore& operator=(const OperatorStore&) = delete;
  ~OperatorStore();

  const config::AppConfig& config() const { return config_; }
  const core::KeyRing& keys() const { return keys_; }
  const core::Clock& clock() const { return clock_; }
  core::store::Database& database() { return *database_; }

  // The shops stored when the command started, ordered by name.
  const std::vector<core::model::Shop>& shops() const { return shops_; }
  // The name of stored shop `id`; "#<id>" for an id not in shops().
  std::string shopName(std::int64_t id) const;
  // The [shop.NAME] section called `name`, or nullptr.
  const config::ShopConfig* shopConfig(std::string_view name) const;

  // Resolves a --shop value (empty = all shops). A name that is neither
  // configured nor stored is a usage error: prints it with the configured
  // names and returns false.
  bool selectShop(std::string_view command, const std::string& name, ShopSelection* out) const;

 private:
  OperatorStore(config::AppConfig config, core::KeyRing keys,
                std::unique_ptr<core::store::Database> database);

  config::AppConfig config_;
  core::KeyRing keys_;
  core::SystemClock clock_;
  std::unique_ptr<core::store::Database> database_;
  std::vector<core::model::Shop> shops_;
};

// The E.164 numbers `phone` can stand for: read with the country of the
// selected shop, else of every configured shop, and as written (a number
// with +CC needs no country). Sorted, without repeats; empty when it parses
// nowhere.
std::vector<std::string> phoneCandidates(const OperatorStore& store, const ShopSelection& shop,
                                         std::string_view phone);

}  // namespace cartrelay::app::cli
