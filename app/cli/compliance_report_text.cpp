// The text form of `cartrelay compliance report`: how a report built by
// buildComplianceReport (compliance_report.cpp) reads for a person.
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cli/compliance_report.h"
#include "app/cli/table_output.h"
#include "core/util/text.h"

namespace cartrelay::app::cli {
namespace {

using nlohmann::json;

// ---- text -----------------------------------------------------------------

std::string cell(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return yesNo(value.get<bool>());
  return value.dump();
}

void heading(std::ostream& out, std::string_view title) { out << "\n== " << title << " ==\n"; }

// One "label: value" record per item of `items`; `fields` are (label, key).
void records(std::ostream& out, const json& items,
             const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<std::string> labels;
  for (const auto& [label, key] : fields) labels.push_back(label);
  Listing listing(labels, TextLayout::kRecords);
  for (const auto& item : items) {
    std::vector<std::string> cells;
    for (const auto& [label, key] : fields) cells.push_back(cell(item.value(key, json())));
    listing.add(std::move(cells), item);
  }
  listing.print(out, OutputFormat::kTable);
}

std::string joinedCells(const json& list) {
  std::vector<std::string> parts;
  for (const auto& item : list) parts.push_back(cell(item));
  return core::joinStrings(parts, "; ");
}

}  // namespace

void printComplianceReportText(const nlohmann::json& report, std::ostream& out) {
  out << report.value("title", "") << "\n";
  const json& source = report.at("config");
  out << "configuration: " << cell(source.value("path", json())) << "\n"
      << "sha256:        " << cell(source.value("sha256", json())) << "\n";

  const json& attention = report.at("attention");
  if (!attention.empty()) {
    heading(out, "Attention");
    for (const auto& item : attention) out << "- " << cell(item) << "\n";
  }

  const json& controller = report.at("controller");
  heading(out, "Controller");
  json summary = json::array();
  summary.push_back(json::object({{"jurisdiction", controller.at("jurisdiction")},
                                  {"laws", joinedCells(controller.at("laws"))},
                                  {"role", controller.at("role")}}));
  records(out, summary, {{"jurisdiction", "jurisdiction"}, {"laws", "laws"}, {"role", "role"}});
  out << "\n";
  records(out, controller.at("shops"),
          {{"shop", "name"},
           {"platform", "platform"},
           {"country", "country"},
           {"currency", "currency"},
           {"site", "site"},
           {"intake", "intake"},
           {"consent capture", "consent_capture"},
           {"KVKK notice", "kvkk_notice"}});

  heading(out, "Data subjects");
  for (const auto& item : report.at("data_subjects")) out << "- " << cell(item) << "\n";

  heading(out, "Purposes and legal bases");
  json purposes = json::array();
  for (const auto& p : report.at("purposes")) {
    std::vector<std::string> templates;
    for (const auto& t : p.at("templates")) {
      templates.push_back(cell(t.at("name")) + " (" + cell(t.at("meta_name")) + ", " +
                          cell(t.at("category")) + ", " + cell(t.at("purpose")) + ", " +
                          cell(t.at("class")) + ")");
    }
    std::vector<std::string> journeys;
    for (const auto& j : p.at("journeys")) {
      journeys.push_back(cell(j.at("name")) + (j.value("enabled", true) ? "" : " (disabled)"));
    }
    json row = p;
    const bool messaging = p.value("class", "") != "ACCOUNTABILITY";
    row["templates"] = templates.empty() ? (messaging ? "none configured" : "")
                                         : core::joinStrings(templates, "; ");
    row["journeys"] =
        journeys.empty() ? (messaging ? "none" : "") : core::joinStrings(journeys, ", ");
    purposes.push_back(std::move(row));
  }
  records(out, purposes,
          {{"purpose", "name"},
           {"class", "class"},
           {"legal basis", "legal_basis"},
           {"templates", "templates"},
           {"journeys", "journeys"}});

  heading(out, "Data categories");
  records(out, report.at("data_categories"),
          {{"category", "name"},
           {"data", "data"},
           {"held in", "held_in"},
           {"protection", "protection"}});

  heading(out, "Recipients");
  records(out, report.at("recipients"),
          {{"recipient", "name"}, {"role", "role"}, {"data", "data"}, {"status", "status"}});

  heading(out, "International transfers");
  records(out, report.at("transfers"),
          {{"to", "destination"}, {"data", "data"}, {"law", "law"}, {"basis", "basis"}});

  heading(out, "Retention");
  records(out, report.at("retention"),
          {{"data", "data_class"},
           {"period", "period"},
           {"config key", "config_key"},
           {"legal basis", "legal_basis"},
           {"basis kind", "basis_kind"}});

  heading(out, "Security measures");
  records(out, report.at("security_measures"), {{"measure", "measure"}, {"detail", "detail"}});
}

}  // namespace cartrelay::app::cli
