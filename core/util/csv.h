#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"

namespace cartrelay::core {

// One parsed CSV record and the 1-based line it starts on.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 CSV: fields separated by ',', records by CRLF or LF; a field in
// double quotes may hold commas, line breaks and "" (one quote). A UTF-8 BOM
// at the start is skipped and blank lines are dropped. kInvalidArgument for
// an unterminated quoted field or text after a closing quote; the message
// gives the line, never the content (imports carry personal data). Pure.
Result<std::vector<CsvRecord>> parseCsv(std::string_view text);

}  // namespace cartrelay::core
