package jaxrand

import (
	"strconv"
	"strings"
	"testing"
)

func TestPRNGKey(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, 1701, MaxSeed} {
		k, err := PRNGKey(seed)
		if err != nil {
			t.Fatalf("PRNGKey(%d): %v", seed, err)
		}
		if k != (Key{0, uint32(seed)}) {
			t.Errorf("PRNGKey(%d) = %v", seed, k)
		}
	}
	for _, seed := range []uint64{MaxSeed + 1, 1 << 40, ^uint64(0)} {
		_, err := PRNGKey(seed)
		if err == nil {
			t.Fatalf("PRNGKey(%d): no error", seed)
		}
		if !strings.Contains(err.Error(), strconv.FormatUint(seed, 10)) {
			t.Errorf("error %q does not name the seed %d", err, seed)
		}
	}
}

// The legacy values are jax.random.split(jax.random.PRNGKey(0)) as printed
// by JAX < 0.5. The partitionable values follow from the definition
// (ThreeFry2x32 of the counters (0,0) and (0,1)).
func TestSplitKnownAnswers(t *testing.T) {
	k, _ := PRNGKey(0)
	for _, tc := range []struct {
		mode Mode
		want []Key
	}{
		{Legacy, []Key{{4146024105, 967050713}, {2718843009, 1272950319}}},
		{Partitionable, []Key{{1797259609, 2579123966}, {928981903, 3453687069}}},
	} {
		got := Split(k, 2, tc.mode)
		for i := range tc.want {
			if got[i] != tc.want[i] {
				t.Errorf("%v: Split(PRNGKey(0), 2)[%d] = %v, want %v", tc.mode, i, got[i], tc.want[i])
			}
		}
	}
}

func TestSplit(t *testing.T) {
	k, _ := PRNGKey(42)
	for _, n := range []int{-1, 0} {
		if got := Split(k, n, Legacy); got != nil {
			t.Errorf("Split(%d) = %v, want nil", n, got)
		}
	}
	const n = 1000
	leg, part := Split(k, n, Legacy), Split(k, n, Partitionable)
	for name, keys := range map[string][]Key{"legacy": leg, "partitionable": part} {
		if len(keys) != n {
			t.Fatalf("%s: len = %d", name, len(keys))
		}
		seen := make(map[Key]bool)
		for _, key := range keys {
			if seen[key] || key == k {
				t.Fatalf("%s: repeated key %v", name, key)
			}
			seen[key] = true
		}
	}
	differ := 0
	for i := range leg {
		if leg[i] != part[i] {
			differ++
		}
	}
	if differ != n {
		t.Errorf("modes agree on %d of %d keys", n-differ, n)
	}
	// Legacy keys depend on n; partitionable keys are prefixes.
	if Split(k, 3, Legacy)[0] == Split(k, 4, Legacy)[0] {
		t.Error("legacy split unexpectedly independent of n")
	}
	if Split(k, 3, Partitionable)[2] != part[2] {
		t.Error("partitionable split depends on n")
	}
}

func TestModeString(t *testing.T) {
	if Partitionable.String() != "Partitionable" || Legacy.String() != "Legacy" || Mode(7).String() != "Mode(7)" {
		t.Error("bad Mode.String")
	}
}
