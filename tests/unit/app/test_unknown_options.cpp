// The message for words CLI11 could not place (app/unknown_options.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/unknown_options.hpp"

namespace photoscore {
namespace {

const std::vector<std::string> kKnown = {"--recursive", "--analyzers", "--jsonl",
                                         "--h5",        "--list",      "--threads"};

TEST(UnknownOptions, AMisspeltOptionIsNamedWithTheOneItMeant) {
  EXPECT_EQ(unknown_options_message({"--recursve"}, kKnown),
            "unknown option --recursve: did you mean --recursive?");
  // Cut short, or with its value attached.
  EXPECT_EQ(unknown_options_message({"--analyzer"}, kKnown),
            "unknown option --analyzer: did you mean --analyzers?");
  EXPECT_EQ(unknown_options_message({"--thread=4"}, kKnown),
            "unknown option --thread: did you mean --threads?");
}

TEST(UnknownOptions, TheFolderIsNotBlamedForTheOptionBeforeIt) {
  // `--analyzer sharpness DIR`: CLI11 takes sharpness for the folder and
  // leaves DIR and --analyzer over.
  EXPECT_EQ(unknown_options_message({"DIR", "--analyzer"}, kKnown),
            "unknown option --analyzer: did you mean --analyzers?");
}

TEST(UnknownOptions, NothingNearIsNoGuess) {
  EXPECT_EQ(unknown_options_message({"--xyzzy"}, kKnown), "unknown option --xyzzy");
  // Two letters off a four-letter name is not a slip.
  EXPECT_EQ(unknown_options_message({"--ab"}, kKnown), "unknown option --ab");
  EXPECT_EQ(unknown_options_message({"--jsonll", "--xyzzy"}, kKnown),
            "unknown option --jsonll: did you mean --jsonl?; unknown option --xyzzy");
}

TEST(UnknownOptions, WordsThatAreNotOptionsAreLeftToCli11) {
  EXPECT_EQ(unknown_options_message({"second_folder"}, kKnown), "");
  EXPECT_EQ(unknown_options_message({"-5", "-"}, kKnown), "");
  EXPECT_EQ(unknown_options_message({}, kKnown), "");
}

}  // namespace
}  // namespace photoscore
