#include "app/cli/commands.h"

#include <iostream>

#include <grp.h>

#include "app/cli/command_support.h"
#include "app/config/loader.h"
#include "app/daemon.h"
#include "app/store_options.h"
#include "app/version.h"
#include "core/store/database.h"
#include "core/store/migrations.h"
#include "core/util/key_ring.h"

namespace cartrelay::app::cli {
namespace {

constexpr int kFailure = kExitFailure;
constexpr int kConfigError = kExitUsage;

}  // namespace

int runCommand(const std::string& config_path) {
  auto config = loadOrReport(config_path);
  if (!config) return kConfigError;
  return runDaemon(*config);
}

int checkConfigCommand(const std::string& config_path) {
  config::LoadResult result = config::loadConfigFile(config_path);
  if (result.config) {
    // Exposed or corrupt keys make the configuration unusable: an error.
    // Keys not generated yet are a deployment step still to do (keygen), not
    // a configuration mistake, so they only warn; `run` refuses them.
    auto keys = core::KeyRing::load(result.config->daemon.key_dir);
    if (keys.status().code() == core::Status::Code::kNotFound) {
      std::cerr << "warning: daemon.key_dir: " << keys.status().message() << "\n";
    } else if (!keys.isOk()) {
      result.errors.push_back({"daemon.key_dir", keys.status().message()});
    }
  }
  for (const auto& error : result.errors) std::cerr << error.toString() << "\n";
  if (!result.errors.empty()) {
    std::cerr << config_path << ": " << result.errors.size() << " problem(s)\n";
    return kConfigError;
  }
  std::cout << config_path << ": OK (" << result.config->shops.size() << " shop(s), whatsapp "
            << result.config->whatsapp.mode << ", jurisdiction "
            << result.config->compliance.jurisdiction << ")\n";
  return 0;
}

int migrateCommand(const std::string& config_path) {
  auto config = loadOrReport(config_path);
  if (!config) return kConfigError;
  auto db = core::store::Database::open(storeOptions(config->daemon), nullptr);
  if (!db.isOk()) {
    std::cerr << "migrate: " << db.status().toString() << "\n";
    return kFailure;
  }
  core::Status migrated = core::store::migrate(**db);
  if (!migrated.isOk()) {
    std::cerr << "migrate: " << migrated.toString() << "\n";
    return kFailure;
  }
  auto version = core::store::currentVersion(**db);
  std::cout << "schema at version " << (version.isOk() ? *version : -1) << " ("
            << core::store::toString((*db)->backend()) << ")\n";
  return 0;
}

int keygenCommand(const std::string& config_path, const std::string& key_dir,
                  const std::string& group) {
  std::string dir = key_dir;
  if (dir.empty()) {
    auto config = loadOrReport(config_path);
    if (!config) return kConfigError;
    dir = config->daemon.key_dir;
  }
  long gid = -1;
  if (!group.empty()) {
    struct group* gr = ::getgrnam(group.c_str());
    if (gr == nullptr) {
      std::cerr << "keygen: unknown group '" << group << "'\n";
      return kConfigError;
    }
    gid = static_cast<long>(gr->gr_gid);
  }
  auto created = core::KeyRing::generateMissing(dir, gid >= 0 ? 0640 : 0600, gid);
  if (!created.isOk()) {
    std::cerr << "keygen: " << created.status().toString() << "\n";
    return kFailure;
  }
  for (const auto& path : *created) std::cout << "created " << path << "\n";
  if (created->empty()) std::cout << "keys already present in " << dir << "\n";
  return 0;
}

int versionCommand() {
  std::cout << "cartrelay " << version() << "\n";
  return 0;
}

}  // namespace cartrelay::app::cli
