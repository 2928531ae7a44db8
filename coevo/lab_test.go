package coevo

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
)

// longTests reports whether the long tests were asked for (COEVO_LONG=1).
func longTests() bool { return os.Getenv("COEVO_LONG") == "1" }

var (
	testLabOnce sync.Once
	testLabErr  error
	sharedLab   *Lab
)

// testLab is a Lab on the default config shared by the tests, so that
// pretrained judges and compiled graphs are reused. Tests that train use
// shortConfig instead.
func testLab(t testing.TB) *Lab {
	t.Helper()
	testLabOnce.Do(func() {
		backend, err := SelectBackend()
		if err != nil {
			testLabErr = err
			return
		}
		sharedLab, testLabErr = NewLab(DefaultConfig(), backend)
	})
	if testLabErr != nil {
		t.Fatal(testLabErr)
	}
	return sharedLab
}

// shortLab is a Lab with few iterations and steps, sharing the test lab's
// backend and the judges it has pretrained so far (pretraining does not
// depend on the loop; judges it lacks are pretrained as usual).
func shortLab(t testing.TB, iterations, steps int) *Lab {
	t.Helper()
	base := testLab(t)
	cfg := base.Config
	cfg.Train.Iterations, cfg.Train.Steps = iterations, steps
	lab, err := NewLab(cfg, base.Backend)
	if err != nil {
		t.Fatal(err)
	}
	base.mu.Lock()
	for k, v := range base.judges {
		lab.judges[k] = v
	}
	base.mu.Unlock()
	return lab
}

func mustCondition(t testing.TB, name string) Condition {
	t.Helper()
	c, err := ConditionByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func runOne(t testing.TB, lab *Lab, specs ...RunSpec) []RunResult {
	t.Helper()
	res, err := lab.Run(context.Background(), specs, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestLabChecksWeightsAgainstItsOwnLayout: Evaluate, JudgeScores and Sample
// stack weights with the Lab's layout, so Params built by hand without a
// Layout work, and weights of the wrong size are refused naming the array.
func TestLabChecksWeightsAgainstItsOwnLayout(t *testing.T) {
	lab := testLab(t)
	policy, judge := NewPolicy(lab.Config, 3), NewJudge(lab.Config, 3, 0)
	bare := func(p Params) Params { return Params{Values: p.Clone().Values} }

	want, _, err := lab.Evaluate(policy, []Params{judge})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := lab.Evaluate(bare(policy), []Params{bare(judge)})
	if err != nil {
		t.Fatalf("Evaluate without a Layout: %v", err)
	}
	if got != want {
		t.Errorf("Evaluate without a Layout = %+v, with = %+v", got, want)
	}
	if _, err := lab.JudgeScores([]Params{bare(judge)}); err != nil {
		t.Errorf("JudgeScores without a Layout: %v", err)
	}
	// Two sample sizes: each compiles its own graph.
	for _, n := range []int{3, 5} {
		idx, lp, _, err := lab.Sample(bare(policy), n, 1)
		if err != nil || len(idx) != n || len(lp) != n {
			t.Errorf("Sample(n=%d) = %d indices, %d log-probabilities, %v", n, len(idx), len(lp), err)
		}
	}

	short := bare(judge)
	short.Values[0] = short.Values[0][:1]
	_, err = lab.JudgeScores([]Params{judge, short})
	if err == nil || !strings.Contains(err.Error(), "judge 1: "+lab.judgeLayout()[0].Name+" holds 1 numbers") {
		t.Errorf("JudgeScores with a short array: %v, want an error naming judge 1 and the array", err)
	}
	if _, _, _, err := lab.Sample(Params{}, 3, 1); err == nil || !strings.Contains(err.Error(), "0 weight arrays") {
		t.Errorf("Sample with no weights: %v, want an error", err)
	}
}
