// Reading a photo's bytes: regular files and links to them only, never
// blocking on a FIFO or a device, and the --max-file-mb cap.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "run/read_file.hpp"
#include "support/temp_dir.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test_support::TempDir;

TEST(ReadFile, ReadsARegularFileAndASymlinkToOne) {
  TempDir dir;
  std::ofstream(dir.path() / "a.jpg") << "abc";
  std::filesystem::create_symlink(dir.path() / "a.jpg", dir.path() / "b.jpg");
  for (const char* name : {"a.jpg", "b.jpg"}) {
    Bytes bytes;
    std::string error;
    ASSERT_TRUE(read_file((dir.path() / name).string(), bytes, error)) << error;
    EXPECT_EQ(bytes, Bytes({'a', 'b', 'c'}));
  }
}

TEST(ReadFile, RefusesWhatIsNotARegularFileWithoutBlocking) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir.path() / "x.jpg").c_str(), 0600), 0);
  std::filesystem::create_symlink("/dev/zero", dir.path() / "y.jpg");
  std::filesystem::create_directory(dir.path() / "z.jpg");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"x.jpg", "cannot read file: it is a FIFO, not a regular file"},
      {"y.jpg", "cannot read file: it is a character device, not a regular file"},
      {"z.jpg", "cannot read file: it is a directory, not a regular file"},
  };
  for (const auto& [name, reason] : cases) {
    Bytes bytes;
    std::string error;
    EXPECT_FALSE(read_file((dir.path() / name).string(), bytes, error));
    EXPECT_EQ(error, reason);
    EXPECT_TRUE(bytes.empty());
  }
}

TEST(ReadFile, RefusesFilesOverTheCap) {
  TempDir dir;
  std::ofstream(dir.path() / "a.png") << std::string(1000, 'x');
  Bytes bytes;
  std::string error;
  EXPECT_TRUE(read_file((dir.path() / "a.png").string(), bytes, error, 1000));
  EXPECT_EQ(bytes.size(), 1000u);
  EXPECT_FALSE(read_file((dir.path() / "a.png").string(), bytes, error, 999));
  EXPECT_EQ(error, "file of 1000 bytes is over the limit of 999 bytes (--max-file-mb)");
  EXPECT_FALSE(read_file((dir.path() / "missing.png").string(), bytes, error));
  EXPECT_EQ(error.rfind("cannot open file: ", 0), 0u) << error;
}

}  // namespace
}  // namespace photoscore
