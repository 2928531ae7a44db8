// Package report loads the results of coevolab runs and summarises them per
// condition.
//
// A runs folder holds one sub-folder per condition and, in it, two files per
// seed, as written by coevo.WriteRun:
//
//	DIR/<condition>/seed_<K>.jsonl          one coevo.Record per line, iterations 0..N
//	DIR/<condition>/seed_<K>.manifest.json  the run's coevo.Manifest
//
// [Load] reads one or several such folders, checks them and merges them into
// a [Runs]. It refuses what would make a comparison misleading: a corrupted
// or truncated line, a records file without its manifest (an unfinished run)
// or a manifest without records, records that name another condition or
// seed than their file, gaps in the iterations, runs of one condition made
// with different configurations, runs with fewer iterations than their
// configuration asks for, seeds that one condition lacks and others have,
// and one run present in two folders with different contents. Every error
// names the file (and line) concerned and wraps one of ErrCorrupt,
// ErrIncomplete, ErrMissingSeed, ErrMixedConfig or ErrConflict. With
// LoadOptions.DropIncomplete, incomplete runs are dropped and missing seeds
// tolerated; each is reported by Runs.Warnings.
//
// [Summarize] is pure computation on loaded runs: for each condition the
// final value of every diagnostic as mean ± sample standard deviation over
// seeds, the iteration of peak quality, the degradation from peak, and the
// paired difference of final quality to the baseline on the same seeds with
// a 95% Student t interval. [WriteMarkdown] and [WriteCSV] render a summary.
// [Trajectory] gives the per-iteration mean and spread that figures draw.
package report
