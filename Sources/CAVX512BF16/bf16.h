// AVX-512 BF16 instructions for the vision tower's matrix kernel (KernelsAVX512/AVX512BF16Matmul.swift).
//
// Why this header exists: Swift cannot call `_mm512_dpbf16_ps` or `_mm512_cvtne2ps_pbh`
// itself. Their operand and result type, `__m512bh`, is a vector of `__bf16`, a C type Swift
// does not import, so the intrinsics are invisible to Swift. These wrappers take and return
// the bf16 vectors as plain `__m512i` (32 bf16 values, each the top 16 bits of a float) and
// cast inside C, where the type exists. They are `static inline`, so clang emits each one
// into its Swift caller as the single instruction (`vdpbf16ps`, `vcvtne2ps2bf16`).
//
// Only KernelsAVX512 imports this module; it is compiled with -mavx512bf16 and its callers
// run only after the run-time check `CPUFeatures.avx512BF16`. The target attribute keeps the
// header compilable in a module built without that flag (it is then never called).
#ifndef MEDGEMMA_CAVX512BF16_H
#define MEDGEMMA_CAVX512BF16_H

#if defined(__x86_64__)
#include <immintrin.h>

#define MG_BF16_TARGET __attribute__((target("avx512f,avx512bf16"), always_inline, nodebug))

/// `acc[i] += a.bf16[2i]·b.bf16[2i] + a.bf16[2i+1]·b.bf16[2i+1]` for the 16 f32 lanes
/// (`vdpbf16ps`: 32 multiply-adds; the bf16 products are exact in f32).
static inline MG_BF16_TARGET __m512 mg_dpbf16(__m512 acc, __m512i a, __m512i b) {
    return _mm512_dpbf16_ps(acc, (__m512bh)a, (__m512bh)b);
}

/// 32 floats → 32 bf16, rounded to nearest even (`vcvtne2ps2bf16`): values 0…15 from `lo`,
/// 16…31 from `hi`, in that order, so 32 consecutive floats stay consecutive.
static inline MG_BF16_TARGET __m512i mg_cvtne2ps_bf16(__m512 hi, __m512 lo) {
    return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}
#endif

#endif
