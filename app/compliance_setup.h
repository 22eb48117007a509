#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/config/app_config.h"
#include "compliance/consent_observations.h"
#include "compliance/iys_client.h"
#include "compliance/retention.h"
#include "compliance/send_gate.h"
#include "compliance/tracked_links.h"

// The one place where the configuration becomes the compliance side's typed
// settings, so the daemon and the CLI commands always agree.
namespace cartrelay::app {

compliance::RetentionPolicy retentionPolicyOf(const config::ComplianceConfig& config);

// Each configured shop's consent capture, by its store id.
std::map<std::int64_t, compliance::PlatformCapture> platformCapturesOf(
    const config::AppConfig& config,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids);

compliance::IysOptions iysOptionsOf(const config::ComplianceConfig& config);

// Where tracked links point (daemon.public_url) and how long they work.
compliance::LinkOptions linkOptionsOf(const config::AppConfig& config);

// The params of a template that go out as tracked links: body params of
// type link (as full URLs), tracked_url buttons (as bare tokens).
std::vector<compliance::TrackedParam> trackedParamsOf(const whatsapp::TemplateLayout& layout);

// The gate's policy, templates (with their tracked links), link options and
// shops (by store id). audit_intact and
// iys are left unset: the daemon wires them to its running services; a
// command that runs without them gets the gate's documented defaults.
compliance::SendGate::Options sendGateOptionsOf(
    const config::AppConfig& config,
    const std::map<std::string, std::int64_t, std::less<>>& shop_ids);

}  // namespace cartrelay::app
