package jaxrand

import "fmt"

// Key is a JAX raw PRNG key for the threefry2x32 implementation: the two
// uint32 words of jax.random.PRNGKey(seed) (or jax.random.key_data of a
// typed key).
type Key [2]uint32

// Mode selects how counters are assigned to array elements, matching the
// JAX configuration flag jax_threefry_partitionable.
type Mode int

const (
	// Partitionable is the layout used when jax_threefry_partitionable is
	// true, the default from JAX 0.5: every element is hashed from its own
	// flat 64-bit index.
	Partitionable Mode = iota
	// Legacy is the layout used by JAX before 0.5
	// (jax_threefry_partitionable=False): counters form one iota array
	// hashed in array form, so results depend on the array length.
	Legacy
)

// String returns the name of the mode.
func (m Mode) String() string {
	switch m {
	case Partitionable:
		return "Partitionable"
	case Legacy:
		return "Legacy"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// MaxSeed is the largest seed accepted by PRNGKey.
const MaxSeed = 1<<32 - 1

// PRNGKey returns the key jax.random.PRNGKey(seed) produces, (0, seed).
// Seeds above MaxSeed, whose high word JAX would keep only with 64-bit
// integers enabled, are rejected with an error naming the value.
func PRNGKey(seed uint64) (Key, error) {
	if seed > MaxSeed {
		return Key{}, fmt.Errorf("jaxrand: seed %d does not fit in 32 bits (max %d)", seed, uint64(MaxSeed))
	}
	return Key{0, uint32(seed)}, nil
}

// Split returns n new keys derived from key, as jax.random.split(key, n).
// A value of n <= 0 returns nil. Any mode other than Legacy is treated as
// Partitionable.
//
// In Partitionable mode key i is ThreeFry2x32(key, (hi32(i), lo32(i))).
// In Legacy mode the counters 0..2n-1 are hashed in array form (pairs
// (j, n+j)) and the 2n output words are read as n consecutive pairs; see
// the package documentation.
func Split(key Key, n int, mode Mode) []Key {
	if n <= 0 {
		return nil
	}
	keys := make([]Key, n)
	if mode == Legacy {
		out := threefryIota(key, 2*n)
		for i := range keys {
			keys[i] = Key{out[2*i], out[2*i+1]}
		}
		return keys
	}
	for i := range keys {
		keys[i] = Key(ThreeFry2x32(key, hiLo(i)))
	}
	return keys
}
