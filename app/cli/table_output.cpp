#include "app/cli/table_output.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace cartrelay::app::cli {
namespace {

// Control characters (C0, DEL) would let a stored value move the cursor or
// start a new row; multi-byte UTF-8 passes unchanged.
std::string sanitise(std::string_view text) {
  if (text.empty()) return "-";
  std::string out(text);
  for (char& c : out) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

// Terminal columns taken by UTF-8 text, approximated as code points: every
// byte that is not a continuation byte (10xxxxxx) starts one.
std::size_t displayWidth(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

Listing::Listing(std::vector<std::string> headers, TextLayout layout)
    : headers_(std::move(headers)), layout_(layout) {}

void Listing::add(std::vector<std::string> cells, nlohmann::json object) {
  assert(cells.size() == headers_.size());
  cells.resize(headers_.size());
  for (auto& cell : cells) cell = sanitise(cell);
  rows_.push_back(std::move(cells));
  objects_.push_back(std::move(object));
}

void Listing::print(std::ostream& out, OutputFormat format) const {
  if (format == OutputFormat::kJson) {
    out << objects_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (layout_ == TextLayout::kColumns) {
    printColumns(out);
  } else {
    printRecords(out);
  }
}

void Listing::printColumns(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) widths[i] = displayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out << cells[i];
      if (i + 1 < cells.size()) out << std::string(widths[i] - displayWidth(cells[i]) + 2, ' ');
    }
    out << "\n";
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

void Listing::printRecords(std::ostream& out) const {
  std::size_t label_width = 0;
  for (const auto& header : headers_) label_width = std::max(label_width, displayWidth(header));
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    if (r > 0) out << "\n";
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      out << headers_[i] << ":" << std::string(label_width - displayWidth(headers_[i]) + 1, ' ')
          << rows_[r][i] << "\n";
    }
  }
}

std::string timeCell(core::EpochMillis t) { return t == 0 ? "-" : core::formatIso8601(t); }

std::string yesNo(bool value) { return value ? "yes" : "no"; }

nlohmann::json timeJson(core::EpochMillis t) {
  return t == 0 ? nlohmann::json(nullptr) : nlohmann::json(core::formatIso8601(t));
}

}  // namespace cartrelay::app::cli
