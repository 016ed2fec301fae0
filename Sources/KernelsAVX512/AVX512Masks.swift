/// Lane masks for the tails of AVX-512 loops (a row's last, partial vector), shared by the
/// kernels of this module.
#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The low `n` bits set (n clamped to 0…16).
@inline(__always)
func mask16(_ n: Int) -> __mmask16 { n >= 16 ? 0xFFFF : n <= 0 ? 0 : __mmask16((1 << n) - 1) }

/// The low `n` bits set (n clamped to 0…32).
@inline(__always)
func mask32(_ n: Int) -> __mmask32 { n >= 32 ? 0xFFFF_FFFF : n <= 0 ? 0 : __mmask32((1 << n) - 1) }
#endif
