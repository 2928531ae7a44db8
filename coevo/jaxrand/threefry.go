package jaxrand

import "math/bits"

// ks2Parity is the Threefry key-schedule parity constant (SKEIN_KS_PARITY32).
const ks2Parity = 0x1BD11BDA

// rotations holds the Threefry-2x32 rotation constants, used in two groups
// of four that alternate between key injections.
var rotations = [2][4]int{{13, 15, 26, 6}, {17, 29, 16, 24}}

// ThreeFry2x32 hashes the 64-bit counter count with key using the
// Random123 Threefry-2x32 function with 20 rounds. The argument order is
// that of JAX's threefry_2x32(keypair, count) for a single counter pair.
//
// The key schedule is (k0, k1, k0^k1^0x1BD11BDA); after every four rounds
// the next two schedule words are added to the state, together with the
// injection number added to the second word.
func ThreeFry2x32(key Key, count [2]uint32) [2]uint32 {
	ks := [3]uint32{key[0], key[1], key[0] ^ key[1] ^ ks2Parity}
	x0 := count[0] + ks[0]
	x1 := count[1] + ks[1]
	for inj := uint32(1); inj <= 5; inj++ {
		for _, r := range rotations[(inj-1)%2] {
			x0 += x1
			x1 = bits.RotateLeft32(x1, r)
			x1 ^= x0
		}
		x0 += ks[inj%3]
		x1 += ks[(inj+1)%3] + inj
	}
	return [2]uint32{x0, x1}
}

// threefryIota returns JAX's threefry_2x32(key, iota(m)) in array form
// (see the package documentation) without building the count array. Pair
// j is the counter (j, h+j) with h = ceil(m/2); when m is odd the word
// h+j == m is the zero padding.
func threefryIota(key Key, m int) []uint32 {
	h := (m + 1) / 2
	out := make([]uint32, 2*h)
	for j := 0; j < h; j++ {
		c1 := uint32(h + j)
		if h+j == m {
			c1 = 0
		}
		w := ThreeFry2x32(key, [2]uint32{uint32(j), c1})
		out[j], out[h+j] = w[0], w[1]
	}
	return out[:m]
}

// hiLo returns the high and low 32-bit words of the 64-bit index i.
func hiLo(i int) [2]uint32 {
	u := uint64(i)
	return [2]uint32{uint32(u >> 32), uint32(u)}
}
