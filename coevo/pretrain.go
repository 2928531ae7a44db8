package coevo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/gomlx/core/tensors"
)

// AlignmentPoint is one alignment check during judge pretraining.
type AlignmentPoint struct {
	Step      int     `json:"step"`
	Alignment float64 `json:"alignment"` // Spearman(J, q*) over all sequences
}

// PretrainedJudge is a judge after pretraining on noisy ground truth.
type PretrainedJudge struct {
	Seed, Index int              // judge number Index of Seed
	Params      Params           // weights at the end of pretraining
	Steps       int              // Adam steps taken
	Alignment   float64          // Spearman(J, q*) when it stopped
	History     []AlignmentPoint // every check, in order
}

type judgeKey struct{ Seed, Index int }

// pretrainShape fixes one compiled pretraining step graph.
type pretrainShape struct {
	Judges, Batch, Length, JudgeArrays int
	LearningRate                       float64
}

// build: inputs are the judges' Adam state, tokens [P,B,L], targets [P,B]
// and an active mask [P]; outputs the new state and each judge's loss.
func (sh pretrainShape) build(_ *Graph, nodes []*Node) []*Node {
	judges, rest := unflattenAdam(nodes, sh.JudgeArrays)
	tokens, targets, active := rest[0], rest[1], rest[2]
	scores := newJudgeNodes(judges.Params).score(tokens)
	loss := ReduceMean(Square(Sub(scores, targets)), -1)
	judges = adamStep(judges, Gradient(ReduceAllSum(loss), judges.Params...), active, sh.LearningRate)
	return append(judges.flatten(), loss)
}

// PretrainedJudges returns judges 0..n−1 of seed, pretraining (together, in
// one stack) those not already pretrained by this Lab.
func (lab *Lab) PretrainedJudges(ctx context.Context, seed, n int) ([]*PretrainedJudge, error) {
	keys := make([]judgeKey, n)
	for j := range keys {
		keys[j] = judgeKey{seed, j}
	}
	if err := lab.pretrain(ctx, keys, nil); err != nil {
		return nil, err
	}
	out := make([]*PretrainedJudge, n)
	for j, k := range keys {
		out[j] = lab.judges[k]
	}
	return out, nil
}

// pretrain trains every judge of keys not yet in the cache, stacked. Each
// judge stops at its first check at or above the target alignment; it fails
// if any judge has not reached it after MaxSteps.
func (lab *Lab) pretrain(ctx context.Context, keys []judgeKey, progress func(Progress)) error {
	lab.mu.Lock()
	defer lab.mu.Unlock()
	var todo []judgeKey
	for _, k := range keys {
		if _, ok := lab.judges[k]; !ok && !containsKey(todo, k) {
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	defer lab.since(time.Now(), func(p *PhaseTimes) *time.Duration { return &p.Pretrain })
	cfg, w := lab.Config, lab.World
	P, B, L := len(todo), cfg.Pretrain.Batch, cfg.World.Length
	layout := JudgeLayout(cfg.World.Vocab, cfg.Net)
	inits := make([]Params, P)
	rngs := make([]*rand.Rand, P)
	for i, k := range todo {
		inits[i] = NewJudge(cfg, k.Seed, k.Index)
		rngs[i] = newStream(k.Seed, streamPretrain, k.Index)
	}
	state := newAdamTensors(layout, inits)
	sh := pretrainShape{Judges: P, Batch: B, Length: L, JudgeArrays: len(layout), LearningRate: cfg.Train.LearningRate}
	step, err := lab.exec(sh, sh.build)
	if err != nil {
		return err
	}
	results := make([]*PretrainedJudge, P)
	for i, k := range todo {
		results[i] = &PretrainedJudge{Seed: k.Seed, Index: k.Index}
	}
	active := make([]bool, P)
	for i := range active {
		active[i] = true
	}
	tokens := make([]int32, P*B*L)
	targets := make([]float32, P*B)
	remaining := P
	for s := 1; s <= cfg.Pretrain.MaxSteps && remaining > 0; s++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range P {
			if !active[i] {
				continue // a finished judge draws nothing, so its stream does not depend on the others
			}
			for b := range B {
				x := rngs[i].IntN(w.Size)
				copy(tokens[(i*B+b)*L:], w.tokenTable[x*L:(x+1)*L])
				targets[i*B+b] = float32(w.Quality[x] + cfg.Pretrain.LabelNoise*rngs[i].NormFloat64())
			}
		}
		args := append(state.all(), tensors.FromFlatDataAndDimensions(tokens, P, B, L),
			tensors.FromFlatDataAndDimensions(targets, P, B), tensors.FromFlatDataAndDimensions(active, P))
		out, err := step.Call(args)
		if err != nil {
			return fmt.Errorf("pretrain judges: step %d: %w", s, err)
		}
		state.replace(out[:state.len()])
		losses := tensors.MustCopyFlatData[float32](out[state.len()])
		for i := range P {
			if active[i] && !finite32(losses[i]) {
				return fmt.Errorf("pretrain judge %d of seed %d: loss %v at step %d", todo[i].Index, todo[i].Seed, losses[i], s)
			}
		}
		if s%cfg.Pretrain.CheckEvery != 0 && s != cfg.Pretrain.MaxSteps {
			continue
		}
		scores, err := lab.judgeScores(state.params())
		if err != nil {
			return fmt.Errorf("pretrain judges: score at step %d: %w", s, err)
		}
		for i := range P {
			if !active[i] {
				continue
			}
			a := Spearman(scores[i], w.Quality)
			results[i].History = append(results[i].History, AlignmentPoint{s, a})
			results[i].Steps, results[i].Alignment = s, a
			if a >= cfg.Pretrain.TargetAlignment {
				active[i] = false
				remaining--
			}
		}
		if progress != nil {
			progress(Progress{Phase: PhasePretrain, Done: s, Total: cfg.Pretrain.MaxSteps})
		}
	}
	for i, r := range results {
		if active[i] {
			return fmt.Errorf("pretrain judge %d of seed %d: alignment %.4f after %d steps, below the target %.2f",
				r.Index, r.Seed, r.Alignment, r.Steps, cfg.Pretrain.TargetAlignment)
		}
	}
	for i, r := range results {
		p, err := unstackParams(layout, state.params(), i)
		if err != nil {
			return fmt.Errorf("pretrain judge %d of seed %d: %w", r.Index, r.Seed, err)
		}
		r.Params = p
		lab.judges[todo[i]] = r
	}
	return nil
}

func containsKey(keys []judgeKey, k judgeKey) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}
