#include "image/camera_raw.hpp"

namespace photoscore {

std::unique_ptr<LibRaw> make_libraw() {
  // No LibRaw chatter on stdout/stderr: failures come back as codes.
  auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE);
  raw->imgdata.params.output_bps = 8;
  raw->imgdata.params.use_camera_wb = 1;
  return raw;
}

RawPlan plan_raw(const LibRaw& raw) {
  const auto& sizes = raw.imgdata.sizes;
  const auto& thumb = raw.imgdata.thumbnail;
  const double sensor = static_cast<double>(sizes.width) * static_cast<double>(sizes.height);
  const double preview = static_cast<double>(thumb.twidth) * static_cast<double>(thumb.theight);
  RawPlan plan;
  // LibRaw 0.20 tells a preview's format only once unpacked: the decoder
  // checks that it is a JPEG, and demosaics when it is not.
  if (thumb.tlength > 0 && preview >= 0.25 * sensor) {
    plan.use_preview = true;
    plan.width = thumb.twidth;
    plan.height = thumb.theight;
  } else {
    // dcraw_process turns the picture upright: a quarter turn swaps the sides.
    const bool turned = sizes.flip == 5 || sizes.flip == 6;
    plan.width = turned ? sizes.iheight : sizes.iwidth;
    plan.height = turned ? sizes.iwidth : sizes.iheight;
  }
  return plan;
}

}  // namespace photoscore
