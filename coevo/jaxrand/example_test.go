package jaxrand_test

import (
	"fmt"
	"log"

	"github.com/coevolab/coevolab/coevo/jaxrand"
)

// This example reproduces, in both counter layouts,
//
//	key = jax.random.PRNGKey(42)
//	kpos, ktok, kpair = jax.random.split(key, 3)
//	jax.random.normal(kpos, (4,))
func Example() {
	key, err := jaxrand.PRNGKey(42)
	if err != nil {
		log.Fatal(err)
	}
	for _, mode := range []jaxrand.Mode{jaxrand.Legacy, jaxrand.Partitionable} {
		keys := jaxrand.Split(key, 3, mode)
		fmt.Println(mode, keys[0], jaxrand.Normal(keys[0], 4, mode))
	}
	// Output:
	// Legacy [3134548294 3733159049] [-0.043245718 -0.24275135 -0.40485173 0.194955]
	// Partitionable [1832780943 270669613] [0.07592554 -0.48634264 1.2903206 0.5196119]
}
