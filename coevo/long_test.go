package coevo

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// referenceRuns is the committed reference grid, written by `make results`
// on the pure-Go backend.
var referenceRuns = filepath.Join("..", "results", "runs")

// TestLongBatchedGridMatchesSingle runs one seed of every grid condition at
// full length, stacked in one batch, and five of them alone: over 2,000
// steps too, a run's records and final weights must not depend on its batch,
// to the last bit. COEVO_LONG=1 only.
func TestLongBatchedGridMatchesSingle(t *testing.T) {
	if !longTests() {
		t.Skip("long test: set COEVO_LONG=1")
	}
	lab := testLab(t)
	var specs []RunSpec
	for _, c := range Grid() {
		specs = append(specs, RunSpec{c, 4})
	}
	batched := runOne(t, lab, specs...)
	for _, r := range batched {
		if len(r.Records) != lab.Config.Train.Iterations+1 {
			t.Errorf("%s: %d records", r.Spec, len(r.Records))
		}
		checkReference(t, lab, r)
	}
	// baseline, asymmetric_10, anchor_0.05, meta_1 and asym_meta_10: every
	// kind of judge update, and both paddings.
	for _, i := range []int{0, 3, 8, 10, 14} {
		alone := runOne(t, lab, specs[i])[0]
		for k := range alone.Records {
			if !recordsEqual(alone.Records[k], batched[i].Records[k], 0) {
				t.Errorf("%s iteration %d:\nalone   %+v\nbatched %+v", specs[i], k, alone.Records[k], batched[i].Records[k])
			}
		}
		if !alone.FinalPolicy.Equal(batched[i].FinalPolicy) {
			t.Errorf("%s: the final policy differs alone and batched", specs[i])
		}
	}
}

// checkReference compares a run with its committed reference run, when
// results/runs has one made from the same inputs on the same backend: the
// reference results must stay what the code computes, to the last bit, or be
// regenerated (make results) in the same change.
func checkReference(t *testing.T, lab *Lab, r RunResult) {
	t.Helper()
	m, err := ReadManifest(referenceRuns, r.Spec.Condition.Name, r.Spec.Seed)
	if errors.Is(err, fs.ErrNotExist) {
		t.Logf("%s: no reference run in %s", r.Spec, referenceRuns)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if m.Backend != lab.Backend.Name() || m.ConfigHash != RunHash(lab.Config, r.Spec.Condition.Knobs, r.Spec.Seed) {
		t.Logf("%s: the reference run was made on %s with inputs %s, this one on %s: not compared",
			r.Spec, m.Backend, m.ConfigHash, lab.Backend.Name())
		return
	}
	recPath, _ := RunPaths(referenceRuns, r.Spec.Condition.Name, r.Spec.Seed)
	ref, err := ReadRecords(recPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != len(r.Records) {
		t.Fatalf("%s: %d records, the reference %s has %d", r.Spec, len(r.Records), recPath, len(ref))
	}
	for k := range ref {
		if !recordsEqual(ref[k], r.Records[k], 0) {
			t.Errorf("%s iteration %d differs from the reference run (regenerate with make results):\nreference %+v\nnow       %+v",
				r.Spec, k, ref[k], r.Records[k])
		}
	}
}
