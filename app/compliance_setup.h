#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "app/config/app_config.h"
#include "compliance/consent_observations.h"
#include "compliance/iys_client.h"
#include "compliance/retention.h"

// The one place where the configuration becomes the compliance side's typed
// settings, so the daemon and the CLI commands always agree.
namespace cartrelay::app {

compliance::RetentionPolicy retentionPolicyOf(const config::ComplianceConfig& config);

// Each configured shop's consent capture, by its store id.
std::map<std::int64_t, compliance::PlatformCapture> platformCapturesOf(
    const config::AppConfig& config,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids);

compliance::IysOptions iysOptionsOf(const config::ComplianceConfig& config);

}  // namespace cartrelay::app
