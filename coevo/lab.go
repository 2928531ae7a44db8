package coevo

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/gomlx/core/tensors"
)

// Lab runs co-evolution experiments in one world on one backend. It keeps
// compiled graphs and pretrained judges, so that conditions run one after
// another share them. A Lab is safe for use by one goroutine at a time.
type Lab struct {
	// Config, World and Backend describe the Lab; they are read-only after
	// NewLab (the World and the cached judges were made from Config).
	Config  Config
	World   *World
	Backend BackendChoice

	mu     sync.Mutex // guards judges
	judges map[judgeKey]*PretrainedJudge

	execMu sync.Mutex // guards execs
	execs  map[any]*Exec

	timesMu sync.Mutex // guards times
	times   PhaseTimes
}

// PhaseTimes is the wall time a Lab has spent in each phase of its runs.
type PhaseTimes struct {
	Pretrain    time.Duration // pretraining judges, alignment checks included
	Train       time.Duration // inner steps of the co-evolution loop (graph compilation included)
	Diagnostics time.Duration // the exact diagnostics at iterations 0..N
}

// Times returns the wall time spent in each phase since NewLab.
func (lab *Lab) Times() PhaseTimes {
	lab.timesMu.Lock()
	defer lab.timesMu.Unlock()
	return lab.times
}

// since adds the time elapsed since start to the phase chosen by field.
func (lab *Lab) since(start time.Time, field func(*PhaseTimes) *time.Duration) {
	lab.timesMu.Lock()
	defer lab.timesMu.Unlock()
	*field(&lab.times) += time.Since(start)
}

// NewLab validates cfg, builds its world and returns a Lab computing on
// backend (see SelectBackend).
func NewLab(cfg Config, backend BackendChoice) (*Lab, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if backend.Backend == nil {
		return nil, fmt.Errorf("new lab: no backend (use SelectBackend)")
	}
	w, err := NewWorld(cfg.World)
	if err != nil {
		return nil, err
	}
	return &Lab{Config: cfg, World: w, Backend: backend, judges: map[judgeKey]*PretrainedJudge{}, execs: map[any]*Exec{}}, nil
}

// exec returns the compiled graph for key, building it with build on first
// use.
func (lab *Lab) exec(key any, build func(*Graph, []*Node) []*Node) (*Exec, error) {
	lab.execMu.Lock()
	defer lab.execMu.Unlock()
	if e, ok := lab.execs[key]; ok {
		return e, nil
	}
	e, err := NewExec(lab.Backend.Backend, build)
	if err != nil {
		return nil, fmt.Errorf("compile %T: %w", key, err)
	}
	lab.execs[key] = e
	return e, nil
}

// scoreShape fixes a graph that scores every sequence: log π(x) for a stack
// of policies, J(x) for a stack of judges.
type scoreShape struct {
	Policies, Judges, PolicyArrays, JudgeArrays, Length int
}

func (sh scoreShape) build(_ *Graph, nodes []*Node) []*Node {
	var out []*Node
	if sh.Policies > 0 {
		out = append(out, newPolicyNodes(nodes[:sh.PolicyArrays]).enumerate(sh.Length))
		nodes = nodes[sh.PolicyArrays:]
	}
	if sh.Judges > 0 {
		out = append(out, newJudgeNodes(nodes[:sh.JudgeArrays]).enumerate(sh.Length))
	}
	return out
}

// score evaluates stacked policies and judges (either may be nil) over every
// sequence in one execution: log π [policies][K^L] and J [judges][K^L].
func (lab *Lab) score(policies, judges []*tensors.Tensor) (logProb, scores [][]float64, err error) {
	sh := scoreShape{Length: lab.Config.World.Length, PolicyArrays: len(policies), JudgeArrays: len(judges)}
	if len(policies) > 0 {
		sh.Policies = policies[0].Shape().Dim(0)
	}
	if len(judges) > 0 {
		sh.Judges = judges[0].Shape().Dim(0)
	}
	e, err := lab.exec(sh, sh.build)
	if err != nil {
		return nil, nil, err
	}
	out, err := e.Call(append(append([]*tensors.Tensor(nil), policies...), judges...))
	if err != nil {
		return nil, nil, fmt.Errorf("score all sequences: %w", err)
	}
	defer func() {
		for _, t := range out {
			_ = t.FinalizeAll()
		}
	}()
	if sh.Policies > 0 {
		logProb = rows(out[0])
		out = out[1:]
	}
	if sh.Judges > 0 {
		scores = rows(out[0])
	}
	return logProb, scores, nil
}

// JudgeScores returns J(x) of every sequence (indexed like World.Quality)
// for each judge, in one execution.
func (lab *Lab) JudgeScores(judges []Params) ([][]float64, error) {
	if len(judges) == 0 {
		return nil, fmt.Errorf("judge scores: no judges")
	}
	stacked, err := lab.stackChecked("judge scores: judge", lab.judgeLayout(), judges)
	if err != nil {
		return nil, err
	}
	return lab.judgeScores(stacked)
}

// judgeScores scores every sequence with each judge of a stack.
func (lab *Lab) judgeScores(judges []*tensors.Tensor) ([][]float64, error) {
	_, s, err := lab.score(nil, judges)
	return s, err
}

// rows copies a [S, N] float32 tensor into S float64 rows.
func rows(t *tensors.Tensor) [][]float64 {
	flat := tensors.MustCopyFlatData[float32](t)
	S := t.Shape().Dim(0)
	n := len(flat) / S
	out := make([][]float64, S)
	for s := range out {
		out[s] = make([]float64, n)
		for i, v := range flat[s*n : (s+1)*n] {
			out[s][i] = float64(v)
		}
	}
	return out
}

// Evaluate computes the exact diagnostics of a policy judged by the mean of
// judges, with the policy's probability and the judges' mean score of every
// sequence.
func (lab *Lab) Evaluate(policy Params, judges []Params) (Diagnostics, Scores, error) {
	if len(judges) == 0 {
		return Diagnostics{}, Scores{}, fmt.Errorf("evaluate: at least one judge is needed")
	}
	stackedPolicy, err := lab.stackChecked("evaluate: policy", lab.policyLayout(), []Params{policy})
	if err != nil {
		return Diagnostics{}, Scores{}, err
	}
	stackedJudges, err := lab.stackChecked("evaluate: judge", lab.judgeLayout(), judges)
	if err != nil {
		return Diagnostics{}, Scores{}, err
	}
	lp, js, err := lab.score(stackedPolicy, stackedJudges)
	if err != nil {
		return Diagnostics{}, Scores{}, err
	}
	sc := Scores{LogProb: lp[0], JudgeMean: meanRows(js)}
	d, err := lab.World.Diagnose(sc.LogProb, sc.JudgeMean)
	return d, sc, err
}

// Scores are a policy's log-probability and the judges' mean score of every
// sequence, indexed like World.Quality.
type Scores struct {
	LogProb   []float64
	JudgeMean []float64
}

func meanRows(rs [][]float64) []float64 {
	out := make([]float64, len(rs[0]))
	for _, r := range rs {
		for i, v := range r {
			out[i] += v
		}
	}
	for i := range out {
		out[i] /= float64(len(rs))
	}
	return out
}

// sampleShape fixes a graph that draws sequences from a stack of policies.
type sampleShape struct{ PolicyArrays, N int }

func (sh sampleShape) build(_ *Graph, nodes []*Node) []*Node {
	p := newPolicyNodes(nodes[:sh.PolicyArrays])
	u := nodes[sh.PolicyArrays]
	tokens, logProb := p.sample(u)
	return []*Node{tokens, logProb, p.greedy(u.Shape().Dim(2))}
}

// Sample draws n sequences from policy by ancestral sampling, with
// randomness from seed: their indices and log-probabilities, and the
// policy's greedy decode.
func (lab *Lab) Sample(policy Params, n int, seed uint64) (indices []int, logProb []float64, greedy int, err error) {
	if n <= 0 {
		return nil, nil, 0, &FieldError{"n", n, "must be a positive integer"}
	}
	stacked, err := lab.stackChecked("sample: policy", lab.policyLayout(), []Params{policy})
	if err != nil {
		return nil, nil, 0, err
	}
	L := lab.Config.World.Length
	u := make([]float32, n*L)
	fillUniform(rand.New(rand.NewPCG(seed, streamPolicySamples)), u)
	// One graph per sample size: the compiled graph fixes n.
	sh := sampleShape{PolicyArrays: len(stacked), N: n}
	e, err := lab.exec(sh, sh.build)
	if err != nil {
		return nil, nil, 0, err
	}
	args := append(stacked, tensors.FromFlatDataAndDimensions(u, 1, n, L))
	out, err := e.Call(args)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("sample: %w", err)
	}
	toks := tensors.MustCopyFlatData[int32](out[0])
	lp := tensors.MustCopyFlatData[float32](out[1])
	indices, logProb = make([]int, n), make([]float64, n)
	for i := range n {
		indices[i] = tokensIndex(toks[i*L:(i+1)*L], lab.Config.World.Vocab)
		logProb[i] = float64(lp[i])
	}
	return indices, logProb, tokensIndex(tensors.MustCopyFlatData[int32](out[2]), lab.Config.World.Vocab), nil
}

func tokensIndex(tokens []int32, vocab int) int {
	x := 0
	for _, t := range tokens {
		x = x*vocab + int(t)
	}
	return x
}

func (lab *Lab) policyLayout() Layout { return PolicyLayout(lab.Config.World.Vocab, lab.Config.Net) }
func (lab *Lab) judgeLayout() Layout  { return JudgeLayout(lab.Config.World.Vocab, lab.Config.Net) }

// stackChecked stacks nets with the Lab's layout want, after checking that
// each net's weights fit it: the layout comes from the Lab, not from the
// Params, so weights built by hand without a Layout work too.
func (lab *Lab) stackChecked(what string, want Layout, nets []Params) ([]*tensors.Tensor, error) {
	for k, p := range nets {
		if len(p.Values) != len(want) {
			return nil, fmt.Errorf("%s %d: %d weight arrays, the Lab's network has %d", what, k, len(p.Values), len(want))
		}
		for i, s := range want {
			if len(p.Values[i]) != s.Size() {
				return nil, fmt.Errorf("%s %d: %s holds %d numbers, want %d (dimensions %v)", what, k, s.Name, len(p.Values[i]), s.Size(), s.Dims)
			}
		}
	}
	return stackParams(want, nets), nil
}
