package coevo

import "math/rand/v2"

// Random streams. Each run draws from PCG generators seeded with its seed and
// one of these stream constants, so that a run's random numbers depend only
// on its seed (and judge number), not on its condition or on which runs share
// its batch. Conditions of one seed therefore see common random numbers.
const (
	streamWorld uint64 = 0x776f726c64000000 + iota
	streamMetaHoldout
	streamPolicyInit
	streamJudgeInit
	streamPretrain
	streamPolicySamples
	streamJudgeSamples
	streamAnchors
)

// newStream returns the generator of stream for (seed, sub), where sub
// separates the judges of one seed.
func newStream(seed int, stream uint64, sub int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream^(uint64(sub)<<32)))
}

// fillUniform fills dst with uniforms in [0, 1).
func fillUniform(rng *rand.Rand, dst []float32) {
	for i := range dst {
		dst[i] = rng.Float32()
	}
}
