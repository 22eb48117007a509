#include "core/util/status.h"

#include <memory>

#include <gtest/gtest.h>

#include "core/util/result.h"

namespace cartrelay::core {
namespace {

TEST(Status, EachCodeMapsToOneHttpOutcome) {
  EXPECT_EQ(httpStatusFor(Status::Code::kOk), 200);
  EXPECT_EQ(httpStatusFor(Status::Code::kDuplicate), 200);
  EXPECT_EQ(httpStatusFor(Status::invalidArgument("x").code()), 400);
  EXPECT_EQ(httpStatusFor(Status::unauthenticated("x").code()), 401);
  EXPECT_EQ(httpStatusFor(Status::notFound("x").code()), 404);
  EXPECT_EQ(httpStatusFor(Status::tooLarge("x").code()), 413);
  EXPECT_EQ(httpStatusFor(Status::unavailable("x").code()), 503);
  EXPECT_EQ(httpStatusFor(Status::internal("x").code()), 500);
}

TEST(Status, ToStringAndContext) {
  EXPECT_EQ(Status::ok().toString(), "OK");
  Status s = Status::unavailable("connection refused").withContext("store");
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_EQ(s.toString(), "UNAVAILABLE: store: connection refused");
  EXPECT_TRUE(Status::ok().withContext("x").isOk());
}

Result<int> half(int v) {
  if (v % 2 != 0) return Status::invalidArgument("odd");
  return v / 2;
}

Status quarter(int v, int* out) {
  CARTRELAY_ASSIGN_OR_RETURN(int h, half(v));
  CARTRELAY_ASSIGN_OR_RETURN(*out, half(h));
  return Status::ok();
}

TEST(Result, ValueOrStatusAndPropagation) {
  Result<int> r = half(8);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r, 4);
  EXPECT_TRUE(r.status().isOk());

  Result<int> e = half(3);
  EXPECT_FALSE(e.isOk());
  EXPECT_EQ(e.status().code(), Status::Code::kInvalidArgument);

  int out = 0;
  EXPECT_TRUE(quarter(8, &out).isOk());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(quarter(6, &out).code(), Status::Code::kInvalidArgument);
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.isOk());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace cartrelay::core
