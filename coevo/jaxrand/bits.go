package jaxrand

// maxBlock is the largest count array JAX's legacy bits hashes with one key
// (the maximum uint32 value). It is a variable so that int(maxBlock)
// compiles on 32-bit platforms, where that path is unreachable.
var maxBlock uint64 = 1<<32 - 1

// Bits32 returns n random uint32 values, as jax.random.bits(key, (n,),
// jnp.uint32). A value of n <= 0 returns nil. Any mode other than Legacy
// is treated as Partitionable.
//
// In Partitionable mode value i is w0 ^ w1 where
// (w0, w1) = ThreeFry2x32(key, (hi32(i), lo32(i))).
// In Legacy mode the counters 0..n-1 are hashed in array form (padded with
// one zero when n is odd) and the result is truncated to n values.
func Bits32(key Key, n int, mode Mode) []uint32 {
	if n <= 0 {
		return nil
	}
	if mode == Legacy {
		return legacyBits32(key, n)
	}
	out := make([]uint32, n)
	for i := range out {
		w := ThreeFry2x32(key, hiLo(i))
		out[i] = w[0] ^ w[1]
	}
	return out
}

// legacyBits32 follows JAX's _threefry_random_bits_original for 32-bit
// values: iota(n) hashed in array form. Arrays of at least 2^32-1 values
// are generated, as in JAX, in blocks of 2^32-1 counters, each with its own
// key from a legacy split into (blocks+1) keys, the last key covering the
// remainder. That path is far beyond any practical size and has not been
// checked against JAX.
func legacyBits32(key Key, n int) []uint32 {
	blocks, rem := uint64(n)/maxBlock, uint64(n)%maxBlock
	if blocks == 0 {
		return threefryIota(key, n)
	}
	keys := Split(key, int(blocks)+1, Legacy)
	out := make([]uint32, 0, n)
	for _, k := range keys[:blocks] {
		out = append(out, threefryIota(k, int(maxBlock))...)
	}
	return append(out, threefryIota(keys[blocks], int(rem))...)
}
