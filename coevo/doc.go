// Package coevo is a laboratory for judge–policy co-evolution: a policy is
// trained with a learned judge as its reward while the judge is trained on the
// policy's own outputs, labelled by the judge itself (self-rewarding training).
//
// The world is small enough to enumerate. Sequences are L tokens from a
// vocabulary of K (by default 8 compass arrows and length 4, so 4096
// sequences), and a fixed ground-truth quality q*(x) is known for every one of
// them. Because every sequence can be listed, the lab computes its diagnostics
// exactly rather than by sampling: the policy's expected true quality
// Σ π(x) q*(x), the Spearman alignment of the judge with q*, the policy's
// entropy and the quality the judge believes the policy has.
//
// The model:
//
//   - [World] holds the enumerated sequences and q*, drawn once from the world
//     seed (by default with a bit-exact port of JAX's generator, so the world is
//     the published experiment's world).
//   - The policy is an autoregressive GRU over tokens; the judge is a GRU that
//     reads a whole sequence and returns an unbounded score. Both follow the
//     Flax conventions and initialisers of the reference experiment.
//   - A judge is first pretrained on noisy q* until its Spearman alignment
//     reaches 0.7. Then, for each outer iteration, the policy takes REINFORCE
//     steps against the judges' mean score while the judges take
//     self-labelled pairwise steps on fresh policy samples. The knobs of
//     [Knobs] slow, reset, ensemble, anchor, correct or freeze the judges.
//
// Many runs advance together: a [Lab] stacks the parameters of every run (and
// every judge of every run) on a leading axis, so that one compiled GoMLX graph
// execution performs one inner step of all of them. Random numbers are drawn
// per run on the host, so a run's numbers do not depend on which other runs
// share its batch.
package coevo
