package jaxrand_test

import (
	"math"
	"testing"

	"github.com/coevolab/coevolab/coevo/jaxrand"
)

// TestWorld42 pins, bit for bit, the 44 quality weights of the lab's
// reference world (seed 42, L = 4 positions, K = 8 tokens, α = 0.3) in both
// counter layouts. It takes the steps of coevo's jaxQualityWeights and
// drawQualityWeights:
//
//	(k_pos, k_tok, k_pair) = split(PRNGKey(42), 3)
//	w_pos = normal(k_pos, (4,)); w_tok = normal(k_tok, (8,))
//	w_pair = float32(0.3) * normal(k_pair, (4, 8))   (float32 product)
//
// The expected values are those recorded in results/world.md
// (Partitionable) and results/world-jax-legacy.md (Legacy), which print
// the shortest decimal that round-trips to the float32, so each literal
// below is the exact value. A change here changes q* and every committed
// result.
func TestWorld42(t *testing.T) {
	const alpha float32 = 0.3
	for _, tc := range []struct {
		mode           jaxrand.Mode
		pos, tok, pair []float32
	}{
		{
			mode: jaxrand.Partitionable,
			pos:  []float32{0.07592554, -0.48634264, 1.2903206, 0.5196119},
			tok:  []float32{0.60576403, 0.7990441, -0.908927, -0.63525754, -1.2226585, -0.83226097, -0.47417238, -1.2504351},
			pair: []float32{
				0.12969196, 0.17617916, -0.3425023, -0.112139724, -0.059730522, -0.51813287, -0.54990816, -0.13850515,
				-0.009586526, -0.5332169, 0.4246417, 0.047567196, 0.30673295, -0.08390197, -0.2608989, -0.28214556,
				0.27734742, -0.43121204, -0.20894682, 0.13860352, -0.18334976, 0.15216981, 0.004909327, 0.15152594,
				0.5023524, 0.6531765, -0.4746823, 0.47101247, -0.027912403, 0.43862215, -0.33765763, 0.37638673,
			},
		},
		{
			mode: jaxrand.Legacy,
			pos:  []float32{-0.043245718, -0.24275135, -0.40485173, 0.194955},
			tok:  []float32{0.17909953, 0.046336606, 0.8200292, 0.8375705, 1.1391028, 0.7494777, 0.3394168, -0.76557213},
			pair: []float32{
				0.061179012, -0.2352842, 0.10733647, 0.45821524, -0.1286482, -0.015087326, -0.4274483, -0.16007294,
				-0.28861278, 0.039481398, -0.064257205, 0.3334449, 0.15804957, 0.15261652, 0.039055455, -0.23991083,
				0.38700122, -0.061160017, -0.07479767, -0.048118167, -0.015821408, 0.13933533, 0.18126655, 0.089673236,
				0.030329231, 0.05597775, 0.048305005, -0.3030288, -0.62857556, 0.21555944, 0.025403097, -0.62288475,
			},
		},
	} {
		key, err := jaxrand.PRNGKey(42)
		if err != nil {
			t.Fatal(err)
		}
		keys := jaxrand.Split(key, 3, tc.mode)
		pair := jaxrand.Normal(keys[2], len(tc.pair), tc.mode)
		for i := range pair {
			pair[i] *= alpha
		}
		for _, w := range []struct {
			name      string
			got, want []float32
		}{
			{"w_pos", jaxrand.Normal(keys[0], len(tc.pos), tc.mode), tc.pos},
			{"w_tok", jaxrand.Normal(keys[1], len(tc.tok), tc.mode), tc.tok},
			{"w_pair", pair, tc.pair},
		} {
			if len(w.got) != len(w.want) {
				t.Fatalf("%v %s: %d values, want %d", tc.mode, w.name, len(w.got), len(w.want))
			}
			for i := range w.want {
				if math.Float32bits(w.got[i]) != math.Float32bits(w.want[i]) {
					t.Errorf("%v %s[%d] = %v (%#08x), want %v (%#08x)", tc.mode, w.name, i,
						w.got[i], math.Float32bits(w.got[i]), w.want[i], math.Float32bits(w.want[i]))
				}
			}
		}
	}
}
