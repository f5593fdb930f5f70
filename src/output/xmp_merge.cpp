#include "output/xmp_merge.hpp"

#include <exiv2/exiv2.hpp>
#include <mutex>
#include <stdexcept>

namespace photoscore {

namespace {

// Exiv2's XMP toolkit and its namespace registry are global: set up once.
void set_up_exiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);  // its reasons come back as errors here
    Exiv2::XmpParser::initialize();
    Exiv2::XmpProperties::registerNs(kXmpNamespace, kXmpPrefix);
  });
}

}  // namespace

std::string merge_xmp(std::string_view existing, const XmpUpdate& update) {
  set_up_exiv2();
  // One sidecar at a time: the toolkit is not made for concurrent use.
  static std::mutex serial;
  std::lock_guard lock(serial);
  try {
    Exiv2::XmpData xmp;
    if (Exiv2::XmpParser::decode(xmp, std::string(existing)) != 0)
      throw std::runtime_error("it is not valid XMP");
    for (auto it = xmp.begin(); it != xmp.end();) {
      if (it->groupName() == kXmpPrefix)
        it = xmp.erase(it);
      else
        ++it;
    }
    xmp["Xmp.xmp.Rating"] = std::to_string(update.rating);
    xmp["Xmp.xmp.Label"] = update.label;
    for (const auto& [name, value] : update.properties)
      xmp[std::string("Xmp.") + kXmpPrefix + "." + name] = value;
    std::string packet;
    if (Exiv2::XmpParser::encode(packet, xmp, Exiv2::XmpParser::useCompactFormat, 0) != 0)
      throw std::runtime_error("Exiv2 cannot write it back");
    return packet;
  } catch (const Exiv2::AnyError& e) {
    throw std::runtime_error(std::string("Exiv2: ") + e.what());
  }
}

}  // namespace photoscore
