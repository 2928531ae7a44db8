package coevo

import (
	"testing"
)

// TestLongBatchedGridMatchesSingle runs one seed of every grid condition at
// full length, stacked in one batch, and three of them alone: the batch must
// not change a run's numbers over 2,000 steps either. COEVO_LONG=1 only.
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
	for _, i := range []int{0, 3, 14} { // baseline, asymmetric_10, asym_meta_10
		alone := runOne(t, lab, specs[i])[0]
		for k := range alone.Records {
			if !recordsEqual(alone.Records[k], batched[i].Records[k], 1e-3) {
				t.Errorf("%s iteration %d:\nalone   %+v\nbatched %+v", specs[i], k, alone.Records[k], batched[i].Records[k])
			}
		}
	}
	for _, r := range batched {
		if len(r.Records) != lab.Config.Train.Iterations+1 {
			t.Errorf("%s: %d records", r.Spec, len(r.Records))
		}
	}
}
