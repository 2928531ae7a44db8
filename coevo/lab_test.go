package coevo

import (
	"context"
	"os"
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
