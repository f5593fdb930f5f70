#pragma once
// What decoding a HEIF file's primary image will really take, read from its
// item boxes (meta: pitm, iinf, iloc, iref, iprp, idat) without libheif.
// libheif 1.15 trusts the `ispe` property for a grid's or an overlay's size
// while it allocates the canvas their own data declares (a 639-byte overlay
// whose ispe says 64x64 makes it allocate 20000x12000), follows a chain of
// `iden` items recursively until its stack overflows, and decodes a grid
// of grids tile by tile for minutes. Each of those is refused here first,
// in a moment and the same way every run.
#include <cstdint>
#include <span>

namespace photoscore {

// Deeper derivations (an iden of an iden of ...; a grid of grids is two)
// are refused: cameras write a coded image or a grid of them, at most
// behind one iden.
inline constexpr int kMaxHeifDerivation = 3;
// Coded images decoded for the primary one, counted through nesting: a
// 1-gigapixel grid of 512 x 512 tiles has 4,096.
inline constexpr std::uint64_t kMaxHeifDecodes = 4096;
// Items in the file: libheif takes seconds over tens of thousands, which
// cameras never write (an iPhone's HEIC has about fifty).
inline constexpr std::uint64_t kMaxHeifItems = 5000;

struct HeifLayout {
  int width = 0;  // of the primary image as decoded (a canvas, turned by irot)
  int height = 0;
  std::uint64_t decodes = 0;  // coded images decoded for it
  std::uint64_t items = 0;    // in the file
};

// Throws DecodeError (one line) for a file that is not a readable HEIF
// item structure or that exceeds the limits above.
HeifLayout read_heif_layout(std::span<const std::uint8_t> bytes);

}  // namespace photoscore
