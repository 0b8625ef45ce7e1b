#include "common/status.h"

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  Status s = Status::NotFound("no such article");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: no such article");
  EXPECT_EQ(s.WithContext("get x").message(), "get x: no such article");
  EXPECT_TRUE(Status::Ok().WithContext("ctx").ok());
}

Status FailsWhen(bool fail) {
  NC_RETURN_IF_ERROR(fail ? Status::Timeout("slow") : Status::Ok());
  return Status::Internal("reached end");
}

TEST(StatusTest, ReturnIfError) {
  EXPECT_EQ(FailsWhen(true).code(), StatusCode::kTimeout);
  EXPECT_EQ(FailsWhen(false).code(), StatusCode::kInternal);
}

TEST(ResultTest, ValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_TRUE(good.status().ok());
  Result<int> bad = Status::InvalidArgument("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "nope");
  EXPECT_EQ(bad.value_or(7), 7);
}

}  // namespace
}  // namespace newscrawl
