#pragma once
// One home for the choice every hot loop makes between its AVX2 version and
// its portable one: which runs is use_avx2()'s answer, asked in one place.
// Every such pair computes exactly the same figures (integer sums, or keys
// that the AVX2 version checks), so the choice changes speed, never a byte;
// PHOTOSCORE_NO_AVX2 runs the portable versions to check that.
//
// A loop written once gets its AVX2 version from kAvx2Build; one written
// with intrinsics names its AVX2 function with PHOTOSCORE_AVX2, which is
// nullptr on other architectures, where the function does not exist.
#include <cstddef>
#include <type_traits>
#include <utility>

namespace photoscore {

// Whether the AVX2 versions of the hot loops run: on CPUs that have it,
// unless PHOTOSCORE_NO_AVX2 is set, which runs the portable versions so the
// two can be checked against each other (both are exact, so they must give
// the same bytes).
bool use_avx2();

#if defined(__x86_64__)
#define PHOTOSCORE_AVX2(function) function
#else
#define PHOTOSCORE_AVX2(function) nullptr
#endif

template <auto f>
struct Avx2Build;

// `f` compiled again for AVX2: flatten inlines every call it makes, so the
// whole loop is AVX2 code (the compiler vectorizes it wider).
template <typename R, typename... Args, R (*f)(Args...)>
struct Avx2Build<f> {
#if defined(__x86_64__)
  [[gnu::target("avx2"), gnu::flatten]] static R run(Args... args) { return f(std::forward<Args>(args)...); }
  static constexpr R (*kFunction)(Args...) = run;
#else
  static constexpr std::nullptr_t kFunction = nullptr;
#endif
};

// The AVX2 build of the loop `f` (nullptr on other architectures).
template <auto f>
inline constexpr auto kAvx2Build = Avx2Build<f>::kFunction;

// Calls avx2(args...) where use_avx2(), else portable(args...); `avx2` may
// be nullptr (no AVX2 version here). The test is on avx2's type, not its
// value: under -fsanitize a function's address compared with nullptr is not
// a constant expression to GCC, and the sanitizer build would not compile.
template <auto portable, auto avx2, typename... Args>
[[gnu::always_inline]] inline decltype(auto) avx2_or_portable(Args&&... args) {
  if constexpr (!std::is_same_v<decltype(avx2), std::nullptr_t>) {
    if (use_avx2()) return avx2(std::forward<Args>(args)...);
  }
  return portable(std::forward<Args>(args)...);
}

}  // namespace photoscore
