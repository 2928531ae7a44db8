package jaxrand

import "testing"

// jax.random.bits(jax.random.PRNGKey(1701), (3,), jnp.uint32) with
// jax_threefry_partitionable=False, from JAX's test suite.
func TestBits32Legacy1701(t *testing.T) {
	k, _ := PRNGKey(1701)
	want := []uint32{56197195, 4200222568, 961309823}
	got := Bits32(k, 3, Legacy)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Bits32(PRNGKey(1701), 3, Legacy) = %v, want %v", got, want)
		}
	}
}

func TestBits32Partitionable(t *testing.T) {
	k, _ := PRNGKey(1701)
	got := Bits32(k, 5, Partitionable)
	for i, v := range got {
		w := ThreeFry2x32(k, [2]uint32{0, uint32(i)})
		if v != w[0]^w[1] {
			t.Errorf("bits[%d] = %#x, want %#x", i, v, w[0]^w[1])
		}
	}
	// Partitionable values do not depend on the array length.
	if Bits32(k, 2, Partitionable)[1] != got[1] {
		t.Error("partitionable bits depend on n")
	}
	if got[0] == Bits32(k, 5, Legacy)[0] {
		t.Error("modes agree")
	}
	if Bits32(k, 0, Legacy) != nil || Bits32(k, -3, Partitionable) != nil {
		t.Error("n <= 0 should give nil")
	}
}
