#include "app/store_options.h"

namespace cartrelay::app {

core::store::DatabaseOptions storeOptions(const config::DaemonConfig& daemon) {
  core::store::DatabaseOptions options;
  options.url = daemon.database_url;
  options.password = daemon.database_password;
  options.pool_size = daemon.database_pool_size;
  return options;
}

}  // namespace cartrelay::app
