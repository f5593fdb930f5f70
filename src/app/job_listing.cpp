#include <string>

#include "app/job_from_options.hpp"
#include "image/codec.hpp"

namespace photoscore {

InputListing job_listing(const Options& o) {
  InputListing listing = list_input_tree(o.input_dir, o.recursive);
  if (listing.files.empty()) {
    std::string message = "no photos in " + o.input_dir + (o.recursive ? " or its subfolders" : "") +
                          " (looked for " + formats_list() + " files)";
    // The usual slip with a camera card: photos in DCIM/100CANON, not at the top.
    if (!o.recursive) {
      if (const int n = subfolders_with_photos(o.input_dir); n > 0) {
        message +=
            "; photos in " + std::to_string(n) + " subfolder" + (n == 1 ? "" : "s") + ": use --recursive";
      }
    }
    throw InputError(message);
  }
  if (o.shard_count > 1) listing.files = select_shard(listing.files, o.shard_index, o.shard_count);
  if (o.max_images >= 0 && listing.files.size() > static_cast<std::size_t>(o.max_images)) {
    listing.files.resize(static_cast<std::size_t>(o.max_images));
  }
  return listing;
}

}  // namespace photoscore
