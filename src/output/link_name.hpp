#pragma once
// The name of a photo's link under --link-into, from its `filename` (with
// --recursive, a path relative to the input folder). Two photos never share
// one: the name is `filename` with '%' written "%25" and '/' written "%2F"
// (percent-encoding of those two bytes only), which can be decoded back, so
// x/y__IMG.png and x__y/IMG.png give x%2Fy__IMG.png and x__y%2FIMG.png;
// a name without '%' or '/' is unchanged. Where that would pass the file
// system's 255 bytes it is cut at a character boundary and given "%~", 32
// hex digits of SHA-256 of the whole encoded name, and the photo's
// extension: "%~" never occurs in an encoded name (every '%' there is
// followed by two hex digits), so a cut name cannot be an uncut one, and
// two cut names are the same only if 128 bits of SHA-256 collide.
#include <string>
#include <string_view>

namespace photoscore {

inline constexpr std::size_t kMaxNameBytes = 255;

std::string link_name(std::string_view filename);

}  // namespace photoscore
