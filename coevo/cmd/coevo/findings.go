package main

import (
	"context"
	"flag"

	"github.com/coevolab/coevolab/coevo/report"
)

// findingsFlags is the findings command: it loads runs folders as summary
// does and prints, in Markdown, which of the spec's qualitative claims hold
// in them (report.Findings and report.WriteFindings).
func findingsFlags(fs *flag.FlagSet) func([]string) (job, error) {
	var l loadFlags
	l.register(fs)
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		return func(_ context.Context, e *env) error {
			runs, err := l.load(e)
			if err != nil {
				return err
			}
			return report.WriteFindings(e.stdout, runs, report.Findings(runs))
		}, nil
	}
}
