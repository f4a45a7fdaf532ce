#include "store/data_dir.hpp"

#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace backend::store {
namespace {

using namespace testing;

TEST(DataDir, CreatesMissingFoldersAndMakesTheLastOnePrivate) {
  TempDir dir;
  auto target = dir.path() / "a" / "com.aios.desktop";
  EXPECT_EQ(prepare_data_dir(target), std::nullopt);
  ASSERT_TRUE(fs::is_directory(target));
#ifndef _WIN32
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all, fs::perms::owner_all);
#endif
  EXPECT_TRUE(fs::is_empty(target));  // the write check leaves nothing behind
}

TEST(DataDir, LeavesAnExistingFoldersPermissionsAlone) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  EXPECT_EQ(prepare_data_dir(dir.path()), std::nullopt);
  EXPECT_EQ(fs::status(dir.path()).permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

TEST(DataDir, RefusesAPathThroughAFile) {
  TempDir dir;
  write_file(dir.path() / "file", "x");
  EXPECT_NE(prepare_data_dir(dir.path() / "file"), std::nullopt);
  EXPECT_NE(prepare_data_dir(dir.path() / "file" / "sub"), std::nullopt);
}

}  // namespace
}  // namespace backend::store
