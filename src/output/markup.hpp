#pragma once
#include <string>
#include <string_view>

namespace photoscore {

// Text made safe inside HTML and XML, in element content and in quoted
// attributes alike: & < > " ' and newlines become character references, and
// invalid UTF-8 bytes become \xNN (as_utf8), as in the JSONL. One function for the report
// and the XMP sidecars, so a file name reads the same in both.
std::string markup_escaped(std::string_view text);

}  // namespace photoscore
