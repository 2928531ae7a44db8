package coevo

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/gomlx/core/tensors"
)

func TestParameterCounts(t *testing.T) {
	cfg := DefaultConfig()
	if n := PolicyLayout(8, cfg.Net).Count(); n != 5144 {
		t.Errorf("policy has %d parameters, want 5,144", n)
	}
	if n := JudgeLayout(8, cfg.Net).Count(); n != 4897 {
		t.Errorf("judge has %d parameters, want 4,897", n)
	}
	for _, p := range []Params{NewPolicy(cfg, 0), NewJudge(cfg, 0, 0)} {
		for i, s := range p.Layout {
			if len(p.Values[i]) != s.Size() {
				t.Errorf("%s holds %d numbers, layout says %d", s.Name, len(p.Values[i]), s.Size())
			}
		}
	}
}

func TestInitialisers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := orthogonal(rng, 32)
	for i := range 32 {
		for j := range 32 {
			var dot float64
			for k := range 32 {
				dot += float64(q[k*32+i]) * float64(q[k*32+j])
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(dot-want) > 1e-5 {
				t.Fatalf("QᵀQ[%d,%d] = %v, want %v", i, j, dot, want)
			}
		}
	}
	v := lecunNormal(rng, 200000, 16)
	var sq float64
	for _, x := range v {
		if math.Abs(float64(x)) > 2/math.Sqrt(16)/truncatedNormalStd+1e-6 {
			t.Fatalf("LeCun normal draw %v beyond the truncation", x)
		}
		sq += float64(x) * float64(x)
	}
	if variance := sq / float64(len(v)); math.Abs(variance-1.0/16) > 0.002 {
		t.Errorf("LeCun normal variance %.5f, want 1/16", variance)
	}
	if !NewPolicy(DefaultConfig(), 3).Equal(NewPolicy(DefaultConfig(), 3)) || NewPolicy(DefaultConfig(), 3).Equal(NewPolicy(DefaultConfig(), 4)) {
		t.Error("policy initialisation is not a function of the seed")
	}
}

// peakedPolicy is a seed's initial policy with output weights scaled up, so
// that its distribution is far from uniform.
func peakedPolicy(cfg Config, seed int, scale float32) Params {
	p := NewPolicy(cfg, seed)
	for i := range p.Values[5] {
		p.Values[5][i] *= scale
	}
	return p
}

func policyLogProbs(t *testing.T, lab *Lab, p Params) []float64 {
	t.Helper()
	lp, _, err := lab.score(stackParams(p.Layout, []Params{p}), nil)
	if err != nil {
		t.Fatal(err)
	}
	return lp[0]
}

func TestPolicyProbabilitiesSumToOne(t *testing.T) {
	lab := testLab(t)
	for _, scale := range []float32{1, 8} {
		lp := policyLogProbs(t, lab, peakedPolicy(lab.Config, 0, scale))
		var sum float64
		for _, v := range lp {
			sum += math.Exp(v)
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("scale %v: Σπ = %.7f, want 1", scale, sum)
		}
	}
	// With zero output weights every next-token distribution is uniform.
	p := NewPolicy(lab.Config, 0)
	clear(p.Values[5])
	d, err := lab.World.Diagnose(policyLogProbs(t, lab, p), lab.World.Quality)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.PolicyEntropy-math.Log(4096)) > 1e-4 {
		t.Errorf("entropy of the uniform policy = %v, want ln 4096", d.PolicyEntropy)
	}
}

func TestSamplingMatchesProbabilities(t *testing.T) {
	lab := testLab(t)
	p := peakedPolicy(lab.Config, 1, 6)
	lp := policyLogProbs(t, lab, p)
	const n = 40960
	idx, sampleLP, greedy, err := lab.Sample(p, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]float64, len(lp))
	for i, x := range idx {
		counts[x]++
		if math.Abs(sampleLP[i]-lp[x]) > 1e-4 {
			t.Fatalf("sample %d: log π from sampling %v, from enumeration %v", i, sampleLP[i], lp[x])
		}
	}
	// Pearson's χ² over cells with expected count ≥ 5, the rest pooled.
	var chi2, poolObs, poolExp float64
	cells := 0
	for x, v := range lp {
		exp := n * math.Exp(v)
		if exp < 5 {
			poolObs += counts[x]
			poolExp += exp
			continue
		}
		chi2 += (counts[x] - exp) * (counts[x] - exp) / exp
		cells++
	}
	if poolExp > 0 {
		chi2 += (poolObs - poolExp) * (poolObs - poolExp) / poolExp
		cells++
	}
	dof := float64(cells - 1)
	// χ² has mean dof and variance 2·dof; 5σ above the mean fails.
	if limit := dof + 5*math.Sqrt(2*dof); chi2 > limit {
		t.Errorf("χ² = %.1f over %d cells, above %.1f: samples do not follow π", chi2, cells, limit)
	}
	probs := make([]float64, len(lp))
	for x, v := range lp {
		probs[x] = math.Exp(v)
	}
	if want, err := GreedyDecode(probs, 8, 4); err != nil || greedy != want {
		t.Errorf("greedy decode of the network %s, from the enumerated π %s", lab.World.Render(greedy), lab.World.Render(want))
	}
	// This policy is peaked enough for its greedy decode to be π's mode.
	if mode := argExtreme(probs, 1); probs[mode] > 0.5 && greedy != mode {
		t.Errorf("greedy %s is not the mode %s (π = %.3f)", lab.World.Render(greedy), lab.World.Render(mode), probs[mode])
	}
}

// gradCheck compares the autodiff gradient of loss with central finite
// differences at random coordinates of every weight array.
func gradCheck(t *testing.T, lab *Lab, p Params, loss func(params []*Node) *Node) {
	t.Helper()
	n := len(p.Layout)
	e, err := NewExec(lab.Backend.Backend, func(g *Graph, in []*Node) []*Node {
		l := loss(in)
		return append([]*Node{l}, Gradient(l, in...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	eval := func(q Params) []*tensors.Tensor {
		out, err := e.Call(stackParams(q.Layout, []Params{q}))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := eval(p)
	rng := rand.New(rand.NewPCG(11, 12))
	const eps = 1e-2
	significant := 0
	for i := range n {
		grad := tensors.MustCopyFlatData[float32](out[1+i])
		for range 6 {
			k := rng.IntN(len(p.Values[i]))
			q := p.Clone()
			q.Values[i][k] += eps
			up := float64(tensors.MustCopyFlatData[float32](eval(q)[0])[0])
			q.Values[i][k] -= 2 * eps
			down := float64(tensors.MustCopyFlatData[float32](eval(q)[0])[0])
			numeric := (up - down) / (2 * eps)
			if math.Abs(numeric) > 1e-3 {
				significant++
			}
			if diff := math.Abs(numeric - float64(grad[k])); diff > 2e-3+0.03*math.Abs(numeric) {
				t.Errorf("%s[%d]: autodiff %.6f, finite differences %.6f", p.Layout[i].Name, k, grad[k], numeric)
			}
		}
	}
	if significant < 2*n {
		t.Errorf("only %d of %d checked coordinates have a gradient above 1e-3: the check says little", significant, 6*n)
	}
}

// fixedTokens draws n random sequences as a constant [1,n,L] tensor.
func fixedTokens(w *World, n int, seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0))
	L := w.Config.Length
	flat := make([]int32, 0, n*L)
	for range n {
		x := rng.IntN(w.Size)
		flat = append(flat, w.tokenTable[x*L:(x+1)*L]...)
	}
	return tensors.FromFlatDataAndDimensions(flat, 1, n, L)
}

func TestPolicyLossGradient(t *testing.T) {
	lab := testLab(t)
	toks := fixedTokens(lab.World, 16, 1)
	adv := make([]float32, 16)
	for i := range adv {
		adv[i] = float32(i%5) - 2
	}
	advantage := tensors.FromFlatDataAndDimensions(adv, 1, 16)
	gradCheck(t, lab, peakedPolicy(lab.Config, 2, 2), func(params []*Node) *Node {
		g := params[0].Graph()
		lp := newPolicyNodes(params).logProb(Const(g, toks))
		loss := Neg(ReduceAllMean(Mul(Const(g, advantage), lp)))
		return Add(loss, MulScalar(ReduceAllMean(lp), 0.01))
	})
}

func TestExactEntropyGradient(t *testing.T) {
	lab := testLab(t)
	gradCheck(t, lab, peakedPolicy(lab.Config, 2, 2), func(params []*Node) *Node {
		all := newPolicyNodes(params).enumerate(4)
		return ReduceAllSum(Mul(Exp(all), all))
	})
}

func TestJudgeLossGradient(t *testing.T) {
	lab := testLab(t)
	toks := fixedTokens(lab.World, 32, 2) // 16 pairs
	labels := make([]float32, 16)
	for i := range labels {
		labels[i] = float32(i % 2)
	}
	lab16 := tensors.FromFlatDataAndDimensions(labels, 1, 16)
	gradCheck(t, lab, NewJudge(lab.Config, 0, 0), func(params []*Node) *Node {
		g := params[0].Graph()
		a, b := newJudgeNodes(params).pairScores(Const(g, toks))
		return ReduceAllSum(pairLoss(a, b, Const(g, lab16)))
	})
}

func TestJudgeEnumerationMatchesScoring(t *testing.T) {
	lab := testLab(t)
	j := NewJudge(lab.Config, 0, 1)
	e, err := NewExec(lab.Backend.Backend, func(g *Graph, in []*Node) []*Node {
		toks := Const(g, tensors.FromFlatDataAndDimensions(lab.World.tokenTable, 1, lab.World.Size, 4))
		return []*Node{newJudgeNodes(in).score(toks)}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Call(stackParams(j.Layout, []Params{j}))
	if err != nil {
		t.Fatal(err)
	}
	direct := tensors.MustCopyFlatData[float32](out[0])
	tree, err := lab.judgeScores(stackParams(j.Layout, []Params{j}))
	if err != nil {
		t.Fatal(err)
	}
	for x := range direct {
		if math.Abs(float64(direct[x])-tree[0][x]) > 1e-5 {
			t.Fatalf("J(%s): %v read directly, %v through the prefix tree", lab.World.Render(x), direct[x], tree[0][x])
		}
	}
}

func TestAdamStepByHand(t *testing.T) {
	lab := testLab(t)
	// One weight w = 1 with gradient 0.5, moments (0.2, 0.1), 3 steps taken:
	// m = 0.9·0.2 + 0.1·0.5 = 0.23; v = 0.999·0.1 + 0.001·0.25 = 0.10015;
	// m̂ = 0.23/(1−0.9⁴); v̂ = 0.10015/(1−0.999⁴); w' = 1 − lr·m̂/(√v̂ + 1e−8).
	const lr = 0.01
	mHat := 0.23 / (1 - math.Pow(0.9, 4))
	vHat := 0.10015 / (1 - math.Pow(0.999, 4))
	want := 1 - lr*mHat/(math.Sqrt(vHat)+1e-8)
	e, err := NewExec(lab.Backend.Backend, func(g *Graph, in []*Node) []*Node {
		s := adamState{Params: in[0:1], M: in[1:2], V: in[2:3], Step: in[3]}
		mask := GreaterThan(in[4], ScalarZero(g, in[4].DType()))
		return adamStep(s, []*Node{in[5]}, mask, lr).flatten()
	})
	if err != nil {
		t.Fatal(err)
	}
	vec := func(v ...float32) *tensors.Tensor { return tensors.FromFlatDataAndDimensions(v, len(v)) }
	// The second network is masked out and must not move at all.
	out, err := e.Call(vec(1, 1), vec(0.2, 0.2), vec(0.1, 0.1), vec(3, 3), vec(1, 0), vec(0.5, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	w := tensors.MustCopyFlatData[float32](out[0])
	m := tensors.MustCopyFlatData[float32](out[1])
	steps := tensors.MustCopyFlatData[float32](out[3])
	if math.Abs(float64(w[0])-want) > 1e-6 || math.Abs(float64(m[0])-0.23) > 1e-7 || steps[0] != 4 {
		t.Errorf("Adam step: w=%v m=%v step=%v, want w=%v m=0.23 step=4", w[0], m[0], steps[0], want)
	}
	if w[1] != 1 || m[1] != 0.2 || steps[1] != 3 {
		t.Errorf("masked network moved: w=%v m=%v step=%v", w[1], m[1], steps[1])
	}
}
