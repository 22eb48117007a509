#pragma once

#include <string>

// `cartrelay subject export|erase` (DESIGN.md "The interface"): a data
// subject's access and erasure requests (compliance/subject_rights.h), by
// --phone, --email or --customer (a platform customer id, with --shop).
// export prints the JSON document on stdout; erase prints what it did. Both
// are audited with actor "cli". Exit 0 done, 1 nothing held about the
// person, 2 usage or configuration error. Errors never quote the phone or
// e-mail.
namespace cartrelay::app::cli {

struct SubjectTarget {
  std::string config_path;
  std::string phone;
  std::string email;
  std::string customer;  // platform customer id
  std::string shop;      // for --customer, and the country of --phone
};

int subjectExportCommand(const SubjectTarget& target);
int subjectEraseCommand(const SubjectTarget& target);

}  // namespace cartrelay::app::cli
