package coevo

import (
	"testing"
)

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
