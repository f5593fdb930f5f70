// The EXIF details of the report's cards (image/exif_details.hpp), from Exif
// blocks written here by Exiv2's encoder with known values.
#include <gtest/gtest.h>

#include <cstdint>
#include <exiv2/exiv2.hpp>
#include <string>
#include <vector>

#include "image/exif_details.hpp"

namespace photoscore {
namespace {

std::vector<std::uint8_t> block(const Exiv2::ExifData& exif) {
  Exiv2::Blob out;
  Exiv2::ExifParser::encode(out, Exiv2::littleEndian, exif);
  return {out.begin(), out.end()};
}

TEST(ExifDetails, CameraExposureTimeAndOrientation) {
  Exiv2::ExifData exif;
  exif["Exif.Image.Orientation"] = std::uint16_t(6);
  exif["Exif.Image.Make"] = "Canon";
  exif["Exif.Image.Model"] = "Canon EOS R5";
  exif["Exif.Photo.DateTimeOriginal"] = "2024:05:01 12:34:56";
  exif["Exif.Photo.SubSecTimeOriginal"] = "78";
  exif["Exif.Photo.OffsetTimeOriginal"] = "+02:00";
  exif["Exif.Photo.ExposureTime"] = Exiv2::URational(1, 250);
  exif["Exif.Photo.FNumber"] = Exiv2::URational(28, 10);
  exif["Exif.Photo.ISOSpeedRatings"] = std::uint16_t(400);
  exif["Exif.Photo.FocalLength"] = Exiv2::URational(50, 1);
  const ExifDetails d = exif_details(block(exif));
  EXPECT_EQ(d.orientation, 6);
  EXPECT_EQ(d.camera, "Canon EOS R5");
  EXPECT_EQ(d.taken, "2024-05-01 12:34:56.78 +02:00");
  EXPECT_EQ(d.exposure, "1/250 s, f/2.8, ISO 400, 50 mm");
}

TEST(ExifDetails, OnlyWhatTheCameraWrote) {
  Exiv2::ExifData exif;
  exif["Exif.Image.Make"] = "NIKON CORPORATION";
  exif["Exif.Image.Model"] = "NIKON D850  ";
  exif["Exif.Photo.ExposureTime"] = Exiv2::URational(5, 2);
  exif["Exif.Photo.FNumber"] = Exiv2::URational(11, 1);
  const ExifDetails d = exif_details(block(exif));
  EXPECT_EQ(d.orientation, 1);
  EXPECT_EQ(d.camera, "NIKON CORPORATION NIKON D850");
  EXPECT_EQ(d.taken, "");
  EXPECT_EQ(d.exposure, "2.5 s, f/11");
}

// A zero denominator, an orientation out of range, control bytes in the
// camera's name, a block that is no Exif at all: left out, never thrown.
TEST(ExifDetails, HostileValuesLeftOut) {
  Exiv2::ExifData exif;
  exif["Exif.Image.Orientation"] = std::uint16_t(9);
  exif["Exif.Image.Model"] = "Cam\x1b[31m<b>\x7f";
  exif["Exif.Photo.ExposureTime"] = Exiv2::URational(1, 0);
  exif["Exif.Photo.FocalLength"] = Exiv2::URational(0, 1);
  exif["Exif.Photo.ISOSpeedRatings"] = std::uint16_t(100);
  const ExifDetails d = exif_details(block(exif));
  EXPECT_EQ(d.orientation, 1);
  EXPECT_EQ(d.camera, "Cam[31m<b>");  // printable ASCII only; the page escapes it
  EXPECT_EQ(d.exposure, "ISO 100");
  EXPECT_EQ(exif_details(std::vector<std::uint8_t>(100, 0xff)), ExifDetails{});
  EXPECT_EQ(exif_details({}), ExifDetails{});
}

}  // namespace
}  // namespace photoscore
