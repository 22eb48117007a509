#include "core/util/csv.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

using Fields = std::vector<std::string>;

TEST(Csv, SplitsRecordsAndFieldsWithEitherLineEnding) {
  auto rows = parseCsv("phone,status\r\n+905321234567,ONAY\n+905551112233,RET");
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (Fields{"phone", "status"}));
  EXPECT_EQ((*rows)[1].fields, (Fields{"+905321234567", "ONAY"}));
  EXPECT_EQ((*rows)[2].fields, (Fields{"+905551112233", "RET"}));
  EXPECT_EQ((*rows)[2].line, 3);
}

TEST(Csv, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto rows = parseCsv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,\"\"\n");
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[1].fields, (Fields{"x, y", "say \"hi\""}));
  EXPECT_EQ((*rows)[2].fields, (Fields{"two\nlines", "z"}));
  EXPECT_EQ((*rows)[3].line, 5) << "the record after a two-line field starts on line 5";
  EXPECT_EQ((*rows)[3].fields, (Fields{"last", ""}));
}

TEST(Csv, SkipsTheBomAndBlankLinesAndKeepsEmptyFields) {
  auto rows = parseCsv("\xEF\xBB\xBFphone,,status\n\n\n1,,2\n");
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].fields, (Fields{"phone", "", "status"}));
  EXPECT_EQ((*rows)[1].line, 4);
}

TEST(Csv, BrokenQuotingIsAnErrorThatNamesTheLineNotTheContent) {
  auto open = parseCsv("a\n\"+905321234567,b\n");
  ASSERT_FALSE(open.isOk());
  EXPECT_NE(open.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(open.status().message().find("5321234567"), std::string::npos);
  auto trailing = parseCsv("\"+905321234567\"x,b\n");
  ASSERT_FALSE(trailing.isOk());
  EXPECT_EQ(trailing.status().message().find("5321234567"), std::string::npos);
  EXPECT_TRUE(parseCsv("")->empty());
}

}  // namespace
}  // namespace cartrelay::core
