package jaxrand

import (
	"slices"
	"testing"
)

// Known-answer vectors for threefry2x32 with 20 rounds from Random123's
// kat_vectors (the same three JAX uses in its own tests). The all-ones
// vector is key = counter = (0xffffffff, 0xffffffff); with a zero counter
// the same key gives a different block (0x413979c4, 0x4e58fb3f), so the
// all-ones counter is the correct reading of the Random123 vector.
func TestThreeFry2x32KnownAnswers(t *testing.T) {
	for _, tc := range []struct {
		key   Key
		count [2]uint32
		want  [2]uint32
	}{
		{Key{0, 0}, [2]uint32{0, 0}, [2]uint32{0x6b200159, 0x99ba4efe}},
		{Key{0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff}, [2]uint32{0x1cb996fc, 0xbb002be7}},
		{Key{0x13198a2e, 0x03707344}, [2]uint32{0x243f6a88, 0x85a308d3}, [2]uint32{0xc4923a9c, 0x483df7a0}},
	} {
		if got := ThreeFry2x32(tc.key, tc.count); got != tc.want {
			t.Errorf("ThreeFry2x32(%#x, %#x) = %#x, want %#x", tc.key, tc.count, got, tc.want)
		}
	}
}

func TestThreefryArrayLayout(t *testing.T) {
	key := Key{7, 11}
	for _, m := range []int{1, 2, 3, 4, 5, 8} {
		count := make([]uint32, m)
		for i := range count {
			count[i] = uint32(100 + i)
		}
		got := threefryArray(key, count)
		if iota := threefryIota(key, m); !slices.Equal(iota, threefryArray(key, iota32(m))) {
			t.Errorf("m=%d: threefryIota = %v, want %v", m, iota, threefryArray(key, iota32(m)))
		}
		if len(got) != m {
			t.Fatalf("m=%d: len = %d", m, len(got))
		}
		h := (m + 1) / 2
		for j := 0; j < h; j++ {
			var c1 uint32
			if h+j < m {
				c1 = count[h+j]
			}
			w := ThreeFry2x32(key, [2]uint32{count[j], c1})
			if got[j] != w[0] {
				t.Errorf("m=%d: out[%d] = %#x, want %#x", m, j, got[j], w[0])
			}
			if h+j < m && got[h+j] != w[1] {
				t.Errorf("m=%d: out[%d] = %#x, want %#x", m, h+j, got[h+j], w[1])
			}
		}
	}
}

// threefryArray is a reference implementation of JAX's threefry_2x32(key, count) applied to a flat
// array: count is padded to even length with one zero, split into two
// halves that form the counter pairs (count[j], count[h+j]), and the output
// is the first words followed by the second words, truncated to len(count).
func threefryArray(key Key, count []uint32) []uint32 {
	m := len(count)
	h := (m + 1) / 2
	out := make([]uint32, 2*h)
	for j := 0; j < h; j++ {
		var c1 uint32 // padding zero when m is odd and h+j == m
		if h+j < m {
			c1 = count[h+j]
		}
		w := ThreeFry2x32(key, [2]uint32{count[j], c1})
		out[j], out[h+j] = w[0], w[1]
	}
	return out[:m]
}

// iota32 returns the uint32 values 0..n-1.
func iota32(n int) []uint32 {
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i)
	}
	return s
}
