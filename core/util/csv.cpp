#include "core/util/csv.h"

namespace cartrelay::core {

Result<std::vector<CsvRecord>> parseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord record;
  std::string field;
  int line = 1;
  record.line = 1;
  bool quoted = false;         // inside a quoted field
  bool after_quote = false;    // a quoted field just closed
  bool field_started = false;  // anything seen in this record
  auto endField = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto endRecord = [&] {
    endField();
    // A blank line is one empty field: not a record.
    if (!(record.fields.size() == 1 && record.fields[0].empty() && !field_started)) {
      out.push_back(std::move(record));
    }
    record = CsvRecord();
    record.line = line;
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      field_started = true;
      endField();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      endRecord();
    } else if (after_quote) {
      return Status::invalidArgument("CSV line " + std::to_string(line) +
                                     ": text after a closing quote");
    } else if (c == '"' && field.empty()) {
      quoted = true;
      field_started = true;
    } else {
      field_started = true;
      field.push_back(c);
    }
  }
  if (quoted) {
    return Status::invalidArgument("CSV line " + std::to_string(record.line) +
                                   ": quoted field never closed");
  }
  if (field_started || !field.empty() || !record.fields.empty()) endRecord();
  return out;
}

}  // namespace cartrelay::core
