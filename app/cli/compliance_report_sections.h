#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "app/config/app_config.h"

// The sections of `cartrelay compliance report` built outside
// compliance_report.cpp, which assembles them (compliance_report.h documents
// every key). Internal to the report; pure functions of the configuration.
namespace cartrelay::app::cli::report_detail {

inline constexpr std::int64_t kHourMs = 3'600'000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

// compliance.jurisdiction is TR (else EU).
bool isTr(const config::AppConfig& c);

// "retention": the compliance.retention.* periods, then audit_log,
// suppression_list and destruction_records.
nlohmann::json retentionOf(const config::AppConfig& c);

// "security_measures"; appends what a DPO should act on to `attention`
// (a JSON array, must not be null).
nlohmann::json securityOf(const config::AppConfig& c, nlohmann::json* attention);

}  // namespace cartrelay::app::cli::report_detail
