// Package jaxrand is a bit-exact port of JAX's default pseudo-random number
// generator (the "threefry2x32" implementation) for float32 output.
//
// # Model
//
// A JAX raw key is a pair of uint32 words. All randomness is derived by
// hashing 64-bit counters with the Threefry-2x32 block cipher (20 rounds)
// from the Random123 family, keyed by such a pair:
//
//	ThreeFry2x32(key, (c0, c1)) -> (w0, w1)
//
// Keys are created with [PRNGKey], derived with [Split], and consumed by
// [Bits32], [Uniform] and [Normal], which mirror jax.random.split,
// jax.random.bits, jax.random.uniform and jax.random.normal for
// one-dimensional float32/uint32 shapes (n,). Multi-dimensional JAX shapes
// are reproduced by asking for their flat size and reading the result in
// row-major order.
//
// # Modes
//
// JAX has two ways of laying counters out over an array, selected by the
// configuration flag jax_threefry_partitionable:
//
//   - [Partitionable] (the default from JAX 0.5): element i of an array is
//     produced from the counter (hi32(i), lo32(i)) of its flat 64-bit index.
//     Split(key, n) returns ThreeFry2x32(key, (hi32(i), lo32(i))) as key i,
//     and 32-bit bits are w0 ^ w1 of that same hash.
//
//   - [Legacy] (JAX before 0.5): counters are an iota array hashed "in
//     array form" (see below), so every output word depends on the array
//     length.
//
// # Array form of threefry_2x32
//
// JAX's threefry_2x32(key, count) accepts a flat uint32 array. If the array
// has odd length m it is padded with a single zero. The (even-length) array
// x of length 2h is cut into two halves, and pair j (0 <= j < h) is the
// counter (x[j], x[h+j]). The two output words of pair j are stored at
// out[j] and out[h+j], so the output is the concatenation of all first
// words followed by all second words; any padding element is dropped. The
// legacy split of a key into n keys hashes iota(2n) this way and reshapes
// the 2n words to (n, 2), so legacy key i is (out[2i], out[2i+1]): its two
// words usually come from two different Threefry blocks.
//
// # Floating point
//
// [Uniform] and [Normal] use float32 arithmetic throughout, with explicit
// float32 conversions after every product so that the Go compiler cannot
// fuse a multiply and an add into an FMA. [ErfInv32] evaluates XLA's
// single-precision inverse error function (M. Giles' approximation) in the
// same order of operations as XLA; see its documentation for the one place
// (log1p) where the result may differ from a given XLA backend by an ulp.
package jaxrand
