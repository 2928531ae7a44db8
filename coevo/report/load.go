package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/coevolab/coevolab/coevo"
)

const (
	recordsSuffix  = ".jsonl"
	manifestSuffix = ".manifest.json"
	seedPrefix     = "seed_"
)

// Load reads the runs under one or several runs folders, checks them strictly
// and merges them. It is LoadWith with the zero LoadOptions.
func Load(dirs ...string) (*Runs, error) {
	return LoadWith(LoadOptions{}, dirs...)
}

// LoadWith reads the runs under one or several runs folders (each laid out
// as DIR/<condition>/seed_<K>.jsonl and .manifest.json), checks them and
// merges them. A run present in several folders is kept once if every copy
// is the same run, and is an error otherwise. Files and folders whose names
// start with a dot, and files not named seed_<K>.jsonl or
// seed_<K>.manifest.json, are ignored.
func LoadWith(opts LoadOptions, dirs ...string) (*Runs, error) {
	if len(dirs) == 0 {
		return nil, errors.New("report: no runs folder given")
	}
	var cands []candidate
	for _, dir := range dirs {
		found, err := readRunsDir(dir)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("report: no runs in %s (expected %s)", dir,
				filepath.Join(dir, "<condition>", "seed_<K>"+recordsSuffix))
		}
		cands = append(cands, found...)
	}
	return assemble(opts, cands, nil)
}

// readRunsDir reads every run under one runs folder, checking each on its
// own (decoding, names, iterations); cross-run checks are left to assemble.
func readRunsDir(dir string) ([]candidate, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("report: read runs folder: %w", err)
	}
	var cands []candidate
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		found, err := readConditionDir(dir, e.Name())
		if err != nil {
			return nil, err
		}
		cands = append(cands, found...)
	}
	return cands, nil
}

// readConditionDir reads the runs of one condition folder.
func readConditionDir(dir, cond string) ([]candidate, error) {
	sub := filepath.Join(dir, cond)
	entries, err := os.ReadDir(sub)
	if err != nil {
		return nil, fmt.Errorf("report: read condition folder: %w", err)
	}
	type files struct{ records, manifest bool }
	seeds := make(map[int]*files)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasPrefix(name, seedPrefix) {
			continue
		}
		var num string
		var isManifest bool
		if s, ok := strings.CutSuffix(name, manifestSuffix); ok {
			num, isManifest = strings.TrimPrefix(s, seedPrefix), true
		} else if s, ok := strings.CutSuffix(name, recordsSuffix); ok {
			num = strings.TrimPrefix(s, seedPrefix)
		} else {
			continue
		}
		seed, err := strconv.Atoi(num)
		if err != nil || seed < 0 || strconv.Itoa(seed) != num {
			return nil, &LoadError{Path: filepath.Join(sub, name), Kind: ErrCorrupt,
				Detail: "file name does not follow seed_<K>" + recordsSuffix + " or seed_<K>" + manifestSuffix}
		}
		f := seeds[seed]
		if f == nil {
			f = new(files)
			seeds[seed] = f
		}
		if isManifest {
			f.manifest = true
		} else {
			f.records = true
		}
	}
	order := make([]int, 0, len(seeds))
	for s := range seeds {
		order = append(order, s)
	}
	sort.Ints(order)

	var cands []candidate
	for _, seed := range order {
		f := seeds[seed]
		recPath, manPath := coevo.RunPaths(dir, cond, seed)
		if !f.records {
			return nil, &LoadError{Path: manPath, Kind: ErrCorrupt, Detail: "manifest without records file " + recPath}
		}
		records, err := readRecords(recPath)
		if err != nil {
			return nil, err
		}
		if !f.manifest {
			cands = append(cands, candidate{
				Run:        Run{Manifest: coevo.Manifest{Condition: cond, Seed: seed}, Records: records, Source: recPath},
				noManifest: true,
			})
			continue
		}
		m, err := coevo.ReadManifest(dir, cond, seed)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("report: %w", err)
			}
			le := &LoadError{Path: manPath, Kind: ErrCorrupt, Detail: "unreadable manifest", Err: errors.Unwrap(err)}
			if le.Err == nil {
				le.Path, le.Err = "", err
			}
			return nil, le
		}
		if m.Condition != cond || m.Seed != seed {
			return nil, &LoadError{Path: manPath, Kind: ErrCorrupt, Detail: fmt.Sprintf(
				"manifest is for condition %q seed %d, but its file name says condition %q seed %d",
				m.Condition, m.Seed, cond, seed)}
		}
		run := Run{Manifest: m, Records: records, Source: recPath}
		if err := checkRecords(run); err != nil {
			return nil, err
		}
		cands = append(cands, candidate{Run: run})
	}
	return cands, nil
}

// readRecords reads a records file with coevo.ReadRecords, turning its
// "path:line: error" into a *LoadError.
func readRecords(path string) ([]coevo.Record, error) {
	records, err := coevo.ReadRecords(path)
	if err == nil {
		return records, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("report: %w", err)
	}
	le := &LoadError{Path: path, Kind: ErrCorrupt, Err: err}
	// coevo.ReadRecords reports "path:line: cause".
	if rest, ok := strings.CutPrefix(err.Error(), path+":"); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if line, perr := strconv.Atoi(rest[:i]); perr == nil {
				le.Line = line
				if inner := errors.Unwrap(err); inner != nil {
					le.Err = inner
				}
			}
		}
	}
	if le.Line == 0 {
		le.Path = "" // the underlying error names the file itself
	}
	if errors.Is(le.Err, io.ErrUnexpectedEOF) || strings.Contains(le.Err.Error(), "unexpected end of JSON input") {
		le.Detail = "truncated line"
	}
	return nil, le
}

// lineOfRecord returns the 1-based line of the i-th record (0-based) of a
// records file, skipping blank lines as coevo.ReadRecords does; 0 if the
// file cannot be read.
func lineOfRecord(path string, i int) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if n == i {
			return line
		}
		n++
	}
	return 0
}

// manifestPathFor returns the manifest path belonging to a records path.
func manifestPathFor(recordsPath string) string {
	return strings.TrimSuffix(recordsPath, recordsSuffix) + manifestSuffix
}
