package coevo

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Record is the exact state of one run at the end of one outer iteration
// (iteration 0 is the starting state: pretrained judges, untrained policy).
// One Record is one line of a run's JSONL file.
type Record struct {
	Condition             string  `json:"condition"`
	Seed                  int     `json:"seed"`
	Iteration             int     `json:"iteration"`
	PolicyQuality         float64 `json:"policy_quality"`          // Σ_x π(x) q*(x)
	JudgeAlignment        float64 `json:"judge_alignment"`         // Spearman(J̄, q*)
	PolicyEntropy         float64 `json:"policy_entropy"`          // −Σ_x π(x) ln π(x), nats
	JudgePerceivedQuality float64 `json:"judge_perceived_quality"` // Σ_x π(x) J̄(x)
	// MetaJudgeAccuracy is the last held-out accuracy measured (mean over
	// judges); absent when the meta-judge is off or has not measured yet.
	MetaJudgeAccuracy *float64 `json:"meta_judge_accuracy,omitempty"`
	Mode              string   `json:"mode"`             // greedy decode, in arrows
	ModeProbability   float64  `json:"mode_probability"` // π(mode)
}

// RunSummary is a run's quality ceiling: where true quality peaked and how
// much of the peak was lost by the end.
type RunSummary struct {
	PeakIteration  int     `json:"peak_iteration"`
	PeakQuality    float64 `json:"peak_quality"`
	FinalQuality   float64 `json:"final_quality"`
	DegradationPct float64 `json:"degradation_pct"` // 100·(peak − final)/(|peak| + 1e−8)
}

// Summarize computes the ceiling summary of a run's records (in iteration
// order). Like the reference experiment, which records only after each outer
// iteration, it looks for the peak among iterations 1 and later (iteration 0,
// the untrained policy, counts only when it is the sole record). The first
// maximum wins ties.
func Summarize(records []Record) RunSummary {
	if len(records) == 0 {
		return RunSummary{}
	}
	first := 0
	if len(records) > 1 && records[0].Iteration == 0 {
		first = 1
	}
	peak := first
	for i := first; i < len(records); i++ {
		if records[i].PolicyQuality > records[peak].PolicyQuality {
			peak = i
		}
	}
	s := RunSummary{
		PeakIteration: records[peak].Iteration,
		PeakQuality:   records[peak].PolicyQuality,
		FinalQuality:  records[len(records)-1].PolicyQuality,
	}
	s.DegradationPct = 100 * (s.PeakQuality - s.FinalQuality) / (abs(s.PeakQuality) + 1e-8)
	return s
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Manifest describes one finished run: everything needed to reproduce it and
// to tell whether a later request asks for the same run.
type Manifest struct {
	Condition     string     `json:"condition"`
	Seed          int        `json:"seed"`
	Knobs         Knobs      `json:"knobs"`
	Config        Config     `json:"config"`
	ConfigHash    string     `json:"config_hash"` // RunHash of (config, knobs, seed)
	Backend       string     `json:"backend"`
	ModuleVersion string     `json:"module_version"`
	WallSeconds   float64    `json:"wall_seconds"` // the run's share of its batch's wall time
	Finished      time.Time  `json:"finished"`
	Summary       RunSummary `json:"summary"`
}

// RunHash identifies a run's inputs: two runs with the same hash draw the
// same random numbers and, on the same backend, compute the same numbers up
// to floating-point rounding.
func RunHash(cfg Config, knobs Knobs, seed int) string {
	b, _ := json.Marshal(struct {
		Config Config `json:"config"`
		Knobs  Knobs  `json:"knobs"`
		Seed   int    `json:"seed"`
	}{cfg, knobs, seed})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// RunPaths returns where a run's records and manifest live under dir:
// dir/condition/seed_K.jsonl and dir/condition/seed_K.manifest.json.
func RunPaths(dir, condition string, seed int) (records, manifest string) {
	base := filepath.Join(dir, condition, fmt.Sprintf("seed_%d", seed))
	return base + ".jsonl", base + ".manifest.json"
}

// WriteRun writes a finished run's records and manifest under dir. Each file
// is written to a temporary name and renamed, and the manifest goes last, so
// a run is either complete on disk or absent as far as ReadManifest is
// concerned.
func WriteRun(dir string, m Manifest, records []Record) error {
	recPath, manPath := RunPaths(dir, m.Condition, m.Seed)
	if err := os.MkdirAll(filepath.Dir(recPath), 0o755); err != nil {
		return fmt.Errorf("write run %s seed %d: %w", m.Condition, m.Seed, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write run %s seed %d: encode iteration %d: %w", m.Condition, m.Seed, r.Iteration, err)
		}
	}
	if err := WriteFileAtomic(recPath, buf.Bytes()); err != nil {
		return err
	}
	man, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write run %s seed %d: encode manifest: %w", m.Condition, m.Seed, err)
	}
	return WriteFileAtomic(manPath, append(man, '\n'))
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so readers never see a partial file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	werr := f.Chmod(0o644) // CreateTemp makes 0600; results are meant to be shared
	if _, err := f.Write(data); werr == nil {
		werr = err
	}
	if err := f.Sync(); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// ReadManifest reads a run's manifest; a missing file gives an error
// satisfying errors.Is(err, fs.ErrNotExist).
func ReadManifest(dir, condition string, seed int) (Manifest, error) {
	_, manPath := RunPaths(dir, condition, seed)
	var m Manifest
	b, err := os.ReadFile(manPath)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", manPath, err)
	}
	return m, nil
}

// ReadRecords reads a JSONL records file, naming the file and line of the
// first line that is not exactly one record: one that does not decode, or
// one with anything but blanks after the record's JSON object.
func ReadRecords(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var records []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var r Record
		err := dec.Decode(&r)
		// Decode stops after the first JSON value, so trailing garbage or
		// a second object (two writes run together) would otherwise pass
		// silently with only the first record kept.
		if rest := bytes.TrimSpace(b[dec.InputOffset():]); err == nil && len(rest) > 0 {
			err = fmt.Errorf("unexpected data after the record's JSON object at byte %d: %.24q",
				dec.InputOffset(), rest)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		records = append(records, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return records, nil
}
