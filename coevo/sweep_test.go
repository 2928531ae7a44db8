package coevo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coevolab/coevolab/coevo"
)

func ExampleParseSeeds() {
	for _, s := range []string{"0-4", "0,2,5", "0-2,7", "3-1", "0,0"} {
		seeds, err := coevo.ParseSeeds(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(seeds)
	}
	// Output:
	// [0 1 2 3 4]
	// [0 2 5]
	// [0 1 2 7]
	// invalid --seeds = "3-1": reversed range "3-1": a range runs from low to high, e.g. 1-3
	// invalid --seeds = "0,0": seed 0 appears twice; each seed may be listed once
}

func ExampleShard() {
	conds, err := coevo.ParseConditions("baseline,asymmetric_10,frozen")
	if err != nil {
		log.Fatal(err)
	}
	specs := coevo.Expand(conds, []int{0, 1})
	index, count, err := coevo.ParseShard("1/2")
	if err != nil {
		log.Fatal(err)
	}
	shard, err := coevo.Shard(specs, index, count)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range shard {
		fmt.Println(s)
	}
	// Output:
	// baseline seed 1
	// asymmetric_10 seed 1
	// frozen seed 1
}

func ExampleBatches() {
	conds, err := coevo.ParseConditions("baseline,ensemble_3")
	if err != nil {
		log.Fatal(err)
	}
	specs := coevo.Expand(conds, []int{0, 1, 2})
	for _, b := range coevo.Batches(specs, 0) {
		fmt.Println(b)
	}
	fmt.Println(len(coevo.Batches(specs, 4)), "batches of at most 4")
	// Output:
	// [baseline seed 0 ensemble_3 seed 0]
	// [baseline seed 1 ensemble_3 seed 1]
	// [baseline seed 2 ensemble_3 seed 2]
	// 2 batches of at most 4
}

func ExampleSweep() {
	backend, err := coevo.SelectBackend()
	if err != nil {
		log.Fatal(err)
	}
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations, cfg.Train.Steps = 1, 2 // a tiny sweep
	lab, err := coevo.NewLab(cfg, backend)
	if err != nil {
		log.Fatal(err)
	}
	conds, err := coevo.ParseConditions("baseline,frozen")
	if err != nil {
		log.Fatal(err)
	}
	out, err := os.MkdirTemp("", "sweep")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(out)
	specs := coevo.Expand(conds, []int{0})
	res, err := coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{Out: out})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("written:", res.Written)
	again, err := coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{Out: out})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("second sweep skipped:", again.Skipped)
	recs, err := coevo.ReadRecords(filepath.Join(out, "frozen", "seed_0.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("frozen seed 0:", len(recs), "records")
	// Output:
	// written: [baseline seed 0 frozen seed 0]
	// second sweep skipped: [baseline seed 0 frozen seed 0]
	// frozen seed 0: 2 records
}

func TestParseSeeds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"0", []int{0}},
		{"0-4", []int{0, 1, 2, 3, 4}},
		{"0,2,5", []int{0, 2, 5}},
		{"0-2,7", []int{0, 1, 2, 7}},
		{" 5 , 1-2 ", []int{5, 1, 2}},
		{"3-3", []int{3}},
	} {
		got, err := coevo.ParseSeeds(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseSeeds(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "no seeds given"},
		{"a", `"a" is not a non-negative integer`},
		{"0-b", `"b" is not a non-negative integer`},
		{"-1", "negative"},
		{"0--1", "negative"},
		{"4-0", "reversed range"},
		{"0,1,1", "seed 1 appears twice"},
		{"0-3,2", "seed 2 appears twice"},
		{"0,,1", "empty item"},
		{"1-2-3", "not a non-negative integer"},
		{"+1", "not a non-negative integer"},
		{"0-99999999", "more than"},
	} {
		_, err := coevo.ParseSeeds(tc.in)
		var fe *coevo.FieldError
		if !errors.As(err, &fe) || fe.Field != "--seeds" {
			t.Errorf("ParseSeeds(%q): error %v is not a *FieldError naming --seeds", tc.in, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, fmt.Sprintf("%q", tc.in)) {
			t.Errorf("ParseSeeds(%q): error %q should name the value and say %q", tc.in, msg, tc.want)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in         string
		index, cnt int
	}{{"0/1", 0, 1}, {"3/4", 3, 4}, {" 2/85 ", 2, 85}} {
		i, n, err := coevo.ParseShard(tc.in)
		if err != nil || i != tc.index || n != tc.cnt {
			t.Errorf("ParseShard(%q) = %d, %d, %v; want %d, %d", tc.in, i, n, err, tc.index, tc.cnt)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"3/2", "must lie in 0..1"},
		{"2/2", "must lie in 0..1"},
		{"-1/2", "must lie in 0..1"},
		{"a/b", "not two integers"},
		{"1/0", "must be at least 1"},
		{"1", `no "/"`},
		{"", `no "/"`},
	} {
		_, _, err := coevo.ParseShard(tc.in)
		var fe *coevo.FieldError
		if !errors.As(err, &fe) || fe.Field != "--shard" {
			t.Errorf("ParseShard(%q): error %v is not a *FieldError naming --shard", tc.in, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, "0 ≤ I < N") {
			t.Errorf("ParseShard(%q): error %q should say %q and what is allowed", tc.in, msg, tc.want)
		}
	}
	if _, err := coevo.Shard(nil, 2, 2); err == nil || !strings.Contains(err.Error(), "--shard") {
		t.Errorf("Shard(nil, 2, 2) = %v; want an error naming --shard", err)
	}
}

func TestParseConditions(t *testing.T) {
	conds, err := coevo.ParseConditions("baseline, asymmetric_10,anchor_0.1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range conds {
		names = append(names, c.Name)
	}
	if want := []string{"baseline", "asymmetric_10", "anchor_0.1"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	if conds[1].Knobs.JudgeUpdateEvery != 10 {
		t.Errorf("asymmetric_10 has judge_update_every %d", conds[1].Knobs.JudgeUpdateEvery)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "no conditions given"},
		{"baseline,nope", `condition "nope"`},
		{"asymmetric_x", "positive integer"},
		{"baseline,baseline", "appears twice"},
		{"baseline,", "empty name"},
	} {
		_, err := coevo.ParseConditions(tc.in)
		var fe *coevo.FieldError
		if !errors.As(err, &fe) || fe.Field != "--conditions" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseConditions(%q) = %v; want a --conditions error saying %q", tc.in, err, tc.want)
		}
	}
}

func TestShardsPartitionGrid(t *testing.T) {
	specs := coevo.Expand(coevo.Grid(), []int{0, 1, 2, 3, 4})
	if len(specs) != 85 {
		t.Fatalf("the grid has %d runs, want 85", len(specs))
	}
	for _, n := range []int{1, 2, 3, 7, 85, 100} {
		seen := make(map[string]int)
		minSize, maxSize := len(specs), 0
		for i := range n {
			shard, err := coevo.Shard(specs, i, n)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := coevo.Shard(specs, i, n)
			if !reflect.DeepEqual(shard, again) {
				t.Errorf("N=%d shard %d is not deterministic", n, i)
			}
			minSize, maxSize = min(minSize, len(shard)), max(maxSize, len(shard))
			for _, s := range shard {
				seen[s.String()]++
			}
		}
		for _, s := range specs {
			if seen[s.String()] != 1 {
				t.Errorf("N=%d: %s is in %d shards, want exactly 1", n, s, seen[s.String()])
			}
		}
		if len(seen) != len(specs) {
			t.Errorf("N=%d: shards hold %d distinct runs, want %d", n, len(seen), len(specs))
		}
		if n <= len(specs) && maxSize-minSize > 1 {
			t.Errorf("N=%d: shard sizes range %d..%d, want them within one", n, minSize, maxSize)
		}
	}
}

func TestBatches(t *testing.T) {
	conds, _ := coevo.ParseConditions("baseline,frozen,ensemble_3")
	specs := coevo.Expand(conds, []int{4, 1})
	bySeed := coevo.Batches(specs, 0)
	if len(bySeed) != 2 || len(bySeed[0]) != 3 || bySeed[0][0].Seed != 4 || bySeed[1][2].Condition.Name != "ensemble_3" {
		t.Errorf("Batches(specs, 0) = %v", bySeed)
	}
	capped := coevo.Batches(specs, 4)
	if len(capped) != 2 || len(capped[0]) != 4 || len(capped[1]) != 2 {
		t.Errorf("Batches(specs, 4) = %v", capped)
	}
	var flat []coevo.RunSpec
	for _, b := range coevo.Batches(specs, 1) {
		flat = append(flat, b...)
	}
	if len(flat) != len(specs) {
		t.Errorf("Batches(specs, 1) holds %d runs, want %d", len(flat), len(specs))
	}
	if coevo.Batches(nil, 0) != nil {
		t.Error("Batches(nil, 0) should be nil")
	}
}

// tinyConfig is a configuration that trains in a blink.
func tinyConfig() coevo.Config {
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations, cfg.Train.Steps = 2, 3
	return cfg
}

var (
	tinyLabOnce sync.Once
	tinyLab     *coevo.Lab
	tinyLabErr  error
)

// sharedTinyLab is one Lab on tinyConfig for the tests of this file, so
// that judges are pretrained once per seed.
func sharedTinyLab(t *testing.T) *coevo.Lab {
	t.Helper()
	tinyLabOnce.Do(func() {
		backend, err := coevo.SelectBackend()
		if err != nil {
			tinyLabErr = err
			return
		}
		tinyLab, tinyLabErr = coevo.NewLab(tinyConfig(), backend)
	})
	if tinyLabErr != nil {
		t.Fatal(tinyLabErr)
	}
	return tinyLab
}

func TestResumeRefusesOtherConfig(t *testing.T) {
	out := t.TempDir()
	cfg := tinyConfig()
	conds, _ := coevo.ParseConditions("baseline,frozen")
	specs := coevo.Expand(conds, []int{0, 1})
	// Fake finished runs of the tiny config for seed 0.
	for _, s := range specs[:1] {
		m := coevo.Manifest{Condition: s.Condition.Name, Seed: s.Seed, Knobs: s.Condition.Knobs, Config: cfg,
			ConfigHash: coevo.RunHash(cfg, s.Condition.Knobs, s.Seed)}
		if err := coevo.WriteRun(out, m, []coevo.Record{{Condition: s.Condition.Name, Seed: s.Seed}}); err != nil {
			t.Fatal(err)
		}
	}
	todo, done, err := coevo.Resume(out, cfg, specs, false)
	if err != nil || len(done) != 1 || done[0] != specs[0] || len(todo) != 3 {
		t.Fatalf("Resume = todo %v, done %v, %v; want baseline seed 0 done and 3 to do", todo, done, err)
	}
	other := cfg
	other.Train.Steps++
	_, _, err = coevo.Resume(out, other, specs, false)
	var ce *coevo.ConflictError
	if !errors.As(err, &ce) || len(ce.Runs) != 1 || ce.Runs[0] != specs[0] {
		t.Fatalf("Resume with another config: %v; want a *ConflictError for %s", err, specs[0])
	}
	for _, want := range []string{"another configuration", "--force", "--out", "seed_0.manifest.json"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("conflict error %q does not say %q", err, want)
		}
	}
	todo, done, err = coevo.Resume(out, other, specs, true)
	if err != nil || len(todo) != 4 || len(done) != 0 {
		t.Errorf("Resume with force = todo %v, done %v, %v; want all to do", todo, done, err)
	}
	// The same refusal from Sweep, before any work (the lab is not even used
	// for training: it has the other config).
	backend, err := coevo.SelectBackend()
	if err != nil {
		t.Fatal(err)
	}
	lab, err := coevo.NewLab(other, backend)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{Out: out}); !errors.As(err, &ce) {
		t.Errorf("Sweep with another config: %v; want a *ConflictError", err)
	}
	// A corrupt manifest is an error, not a silent redo.
	_, manPath := coevo.RunPaths(out, "baseline", 0)
	if err := os.WriteFile(manPath, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := coevo.Resume(out, cfg, specs, false); err == nil || !strings.Contains(err.Error(), manPath) {
		t.Errorf("Resume with a corrupt manifest: %v; want an error naming %s", err, manPath)
	}
}

func TestSweepRejectsDuplicates(t *testing.T) {
	lab := sharedTinyLab(t)
	c, _ := coevo.ConditionByName("baseline")
	specs := []coevo.RunSpec{{Condition: c, Seed: 0}, {Condition: c, Seed: 0}}
	if _, err := coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{Out: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "twice") {
		t.Errorf("Sweep with a duplicate run: %v; want an error", err)
	}
	if _, err := coevo.Sweep(context.Background(), lab, specs[:1], coevo.SweepOptions{}); err == nil {
		t.Error("Sweep without Out: want an error")
	}
}

// readTree returns every file under dir by relative path, with manifests'
// wall time and finish time zeroed.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := make(map[string][]byte)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".manifest.json") {
			cond, seed := filepath.Base(filepath.Dir(path)), 0
			fmt.Sscanf(filepath.Base(path), "seed_%d", &seed)
			m, err := coevo.ReadManifest(dir, cond, seed)
			if err != nil {
				return err
			}
			m.WallSeconds, m.Finished = 0, time.Time{}
			b = []byte(fmt.Sprintf("%+v", m))
		}
		files[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSweepResume(t *testing.T) {
	lab := sharedTinyLab(t)
	conds, _ := coevo.ParseConditions("baseline,asymmetric_2")
	specs := coevo.Expand(conds, []int{0, 1})
	interrupted, whole := t.TempDir(), t.TempDir()

	// A sweep cancelled as soon as its first batch (seed 0) ends.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ran []string
	var lastProgress coevo.SweepProgress
	res, err := coevo.Sweep(ctx, lab, specs, coevo.SweepOptions{
		Out:      interrupted,
		OnRun:    func(r coevo.RunResult) { ran = append(ran, r.Spec.String()); cancel() },
		Progress: func(p coevo.SweepProgress) { lastProgress = p },
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted after 2 of 4 runs") {
		t.Fatalf("interrupted sweep: error %v; want an interruption after 2 of 4 runs", err)
	}
	if want := []string{"baseline seed 0", "asymmetric_2 seed 0"}; !reflect.DeepEqual(ran, want) {
		t.Fatalf("interrupted sweep ran %v, want %v", ran, want)
	}
	if len(res.Written) != 2 {
		t.Errorf("interrupted sweep wrote %v", res.Written)
	}
	if p := lastProgress; p.Phase != coevo.PhaseTrain || p.Done != 2*2*3 || p.Total != 4*2*3 || p.Batches != 2 {
		t.Errorf("last progress %+v; want 12 of 24 run-steps in batch 1 of 2", p)
	}
	before := make(map[string]coevo.Manifest)
	for _, name := range []string{"baseline", "asymmetric_2"} {
		m, err := coevo.ReadManifest(interrupted, name, 0)
		if err != nil {
			t.Fatal(err)
		}
		before[name] = m
		if _, err := coevo.ReadManifest(interrupted, name, 1); err == nil {
			t.Errorf("%s seed 1 was written by the interrupted sweep", name)
		}
	}

	// The rerun does only seed 1.
	ran = nil
	res, err = coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{
		Out:   interrupted,
		OnRun: func(r coevo.RunResult) { ran = append(ran, r.Spec.String()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"baseline seed 1", "asymmetric_2 seed 1"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("resumed sweep ran %v, want %v", ran, want)
	}
	if len(res.Skipped) != 2 || len(res.Written) != 2 {
		t.Errorf("resumed sweep: skipped %v, written %v", res.Skipped, res.Written)
	}
	for name, m := range before {
		again, err := coevo.ReadManifest(interrupted, name, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Finished.Equal(m.Finished) {
			t.Errorf("%s seed 0 was redone: finished %v, then %v", name, m.Finished, again.Finished)
		}
	}

	// The same records as an uninterrupted sweep.
	if _, err := coevo.Sweep(context.Background(), lab, specs, coevo.SweepOptions{Out: whole}); err != nil {
		t.Fatal(err)
	}
	a, b := readTree(t, interrupted), readTree(t, whole)
	if len(a) != 8 || len(b) != 8 {
		t.Errorf("%d files after resuming, %d after one sweep; want 8 (4 runs × records and manifest)", len(a), len(b))
	}
	for name, want := range b {
		if got, ok := a[name]; !ok || !bytes.Equal(got, want) {
			t.Errorf("%s differs between the resumed and the uninterrupted sweep:\n%s\n%s", name, got, want)
		}
	}

	// Forced, everything is redone.
	ran = nil
	if _, err := coevo.Sweep(context.Background(), lab, specs[:1], coevo.SweepOptions{Out: whole, Force: true,
		OnRun: func(r coevo.RunResult) { ran = append(ran, r.Spec.String()) }}); err != nil || len(ran) != 1 {
		t.Errorf("forced sweep ran %v, %v; want baseline seed 0 again", ran, err)
	}
	m, err := coevo.ReadManifest(whole, "baseline", 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Backend != lab.Backend.Name() || m.ModuleVersion == "" || m.ConfigHash != coevo.RunHash(lab.Config, specs[0].Condition.Knobs, 0) {
		t.Errorf("manifest %+v lacks backend, module version or hash", m)
	}
}
