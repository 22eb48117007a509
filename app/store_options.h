#pragma once

#include "app/config/app_config.h"
#include "core/store/database.h"

namespace cartrelay::app {

// The store options for the [daemon] section: one mapping shared by `run` and
// `migrate`, so both always open the same database the same way.
core::store::DatabaseOptions storeOptions(const config::DaemonConfig& daemon);

}  // namespace cartrelay::app
