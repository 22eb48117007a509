#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/clock.h"

// The one place where the inspection commands decide between text for
// humans and --json for scripts, so every command looks and escapes alike.
namespace cartrelay::app::cli {

enum class OutputFormat { kTable, kJson };

// How a Listing is drawn as text.
enum class TextLayout {
  // A header row and one aligned row per item: `inbox list`, `carts list`.
  kColumns,
  // One "label: value" block per item, blank line between items: for items
  // with many fields (`customers show`).
  kRecords,
};

// A list of items, each kept both as text cells (one per header) and as a
// JSON object, printed in the format the user asked for.
//
// Text: columns separated by two spaces, left-aligned, the last column not
// padded; widths count UTF-8 code points so Turkish names line up. Control
// characters (newlines, tabs, escape sequences) in cells become spaces, so a
// stored reason or name can never break the layout or the terminal. An empty
// cell is shown as "-".
// JSON: an array of the objects, pretty-printed; invalid UTF-8 in a string is
// replaced (U+FFFD) rather than failing the whole output.
//
// Not thread-safe; a value type.
class Listing {
 public:
  Listing(std::vector<std::string> headers, TextLayout layout = TextLayout::kColumns);

  // Adds one item. `cells` must have one entry per header.
  void add(std::vector<std::string> cells, nlohmann::json object);

  std::size_t size() const { return objects_.size(); }

  // Prints every item to `out`. An empty listing prints only the header row
  // (columns), nothing (records) or "[]" (JSON).
  void print(std::ostream& out, OutputFormat format) const;

 private:
  void printColumns(std::ostream& out) const;
  void printRecords(std::ostream& out) const;

  std::vector<std::string> headers_;
  TextLayout layout_;
  std::vector<std::vector<std::string>> rows_;
  nlohmann::json objects_ = nlohmann::json::array();
};

// Text-cell helpers shared by the commands.
// ISO 8601 UTC with milliseconds ("2026-11-22T15:04:05.123Z"); "-" for 0.
std::string timeCell(core::EpochMillis t);
// "yes" / "no".
std::string yesNo(bool value);
// The JSON value for a time: the ISO 8601 string, or null for 0.
nlohmann::json timeJson(core::EpochMillis t);

}  // namespace cartrelay::app::cli
