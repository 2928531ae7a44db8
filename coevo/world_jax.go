package coevo

import "github.com/coevolab/coevolab/coevo/jaxrand"

// jaxQualityWeights draws the three weight arrays as the reference did with
// JAX: key = PRNGKey(seed); (k_pos, k_tok, k_pair) = split(key, 3); then
// normal(k_pos, (L,)), normal(k_tok, (K,)), normal(k_pair, (L, K)), float32.
// The caller scales the pairwise weights by α.
func jaxQualityWeights(seed uint32, L, K int, legacy bool) (pos, tok, pair []float32, err error) {
	mode := jaxrand.Partitionable
	if legacy {
		mode = jaxrand.Legacy
	}
	key, err := jaxrand.PRNGKey(uint64(seed))
	if err != nil {
		return nil, nil, nil, err
	}
	keys := jaxrand.Split(key, 3, mode)
	return jaxrand.Normal(keys[0], L, mode), jaxrand.Normal(keys[1], K, mode), jaxrand.Normal(keys[2], L*K, mode), nil
}
