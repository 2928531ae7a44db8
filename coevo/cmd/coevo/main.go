// Command coevo runs judge–policy co-evolution experiments and reports on
// their results.
//
// Usage:
//
//	coevo <command> [flags]
//
// The commands:
//
//	run         run one condition over a list of seeds
//	sweep       run the grid of conditions × seeds (resumable, shardable)
//	summary     the summary table of runs folders (Markdown or CSV)
//	figures     the figures of runs folders (PNG and SVG)
//	findings    which of the original's claims hold in runs folders (Markdown)
//	conditions  list the named conditions and their knobs
//	world       describe the world: q*'s weights, range and best sequences
//	help        print this help, or a command's (coevo help run)
//
// `coevo <command> -h` prints a command's flags. Runs are written as
// DIR/<condition>/seed_<K>.jsonl with a seed_<K>.manifest.json beside it;
// run and sweep skip runs already finished with the same configuration
// unless --force, and refuse to overwrite runs made with another one.
//
// Exit status: 0 on success, 1 when the work fails (a NaN, an I/O error, a
// results folder that cannot be used), 2 for bad usage (an unknown command
// or condition, a flag value out of range, extra arguments), detected
// before any work starts, and 130 when interrupted (SIGINT or SIGTERM); the
// runs finished before an interruption are on disk, and running the same
// command again resumes after them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program: it parses args, runs the command and returns the
// exit status. SIGINT and SIGTERM cancel the work in progress; a second
// signal ends the process at once.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default handling: a second Ctrl-C kills
	}()
	e := &env{stdout: stdout, stderr: stderr}
	e.tty, e.columns = terminal(stderr)
	return execute(ctx, e, args)
}

// env is what a command writes to.
type env struct {
	stdout, stderr io.Writer
	tty            bool // stderr is a terminal: progress bars may be drawn
	columns        int  // the terminal's width, 0 if unknown
}

// logf writes one "coevo: ..." line on stderr.
func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "coevo: "+format+"\n", args...)
}

// terminal reports whether w is a terminal, and its width in columns (0
// when unknown).
func terminal(w io.Writer) (tty bool, columns int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	if c, _, err := term.GetSize(int(f.Fd())); err == nil {
		columns = c
	}
	return true, columns
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// flags makes the command's flag set and returns the function that
	// checks the parsed flags and the remaining arguments; the checked job
	// it returns does the work.
	flags func(fs *flag.FlagSet) func(args []string) (job, error)
}

// job is a checked command, ready to do its work.
type job func(ctx context.Context, e *env) error

var commands []command

func init() {
	commands = []command{
		{"run", "run one condition over a list of seeds", runFlags},
		{"sweep", "run the grid of conditions × seeds (resumable, shardable)", sweepFlags},
		{"summary", "print the summary table of runs folders (Markdown or CSV)", summaryFlags},
		{"figures", "draw the figures of runs folders (PNG and SVG)", figuresFlags},
		{"findings", "check the spec's qualitative claims against runs folders (Markdown)", findingsFlags},
		{"conditions", "list the named conditions and their knobs", conditionsFlags},
		{"world", "describe the world: q*'s weights, range and best sequences (Markdown)", worldFlags},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageError marks an error in the command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// execute runs the command line args and returns the exit status.
func execute(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		writeUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			c, ok := lookup(args[1])
			if !ok || len(args) > 2 {
				fmt.Fprintf(e.stderr, "coevo help: unknown command %q: the commands are %s\n", strings.Join(args[1:], " "), commandNames())
				return exitUsage
			}
			fs, _ := newFlagSet(c)
			writeCommandUsage(e.stdout, c, fs)
			return exitOK
		}
		writeUsage(e.stdout)
		return exitOK
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(e.stderr, "coevo: unknown command %q: the commands are %s (coevo help)\n", name, commandNames())
		return exitUsage
	}
	fs, check := newFlagSet(c)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeCommandUsage(e.stdout, c, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "coevo %s: %s (coevo %s -h lists the flags)\n", c.name, flagMessage(err), c.name)
		return exitUsage
	}
	j, err := check(fs.Args())
	if err != nil {
		fmt.Fprintf(e.stderr, "coevo %s: %v\n", c.name, err)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFailure
	}
	return finish(ctx, e, c.name, j(ctx, e))
}

// finish turns a job's error into a message and an exit status.
func finish(ctx context.Context, e *env, name string, err error) int {
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		fmt.Fprintf(e.stderr, "coevo %s: %v\n", name, err)
		return exitInterrupted
	}
	fmt.Fprintf(e.stderr, "coevo %s: %v\n", name, err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

// newFlagSet makes a command's flag set, silent: execute prints the
// messages.
func newFlagSet(c command) (*flag.FlagSet, func([]string) (job, error)) {
	fs := flag.NewFlagSet("coevo "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs, c.flags(fs)
}

// flagDash matches the single-dash flag names in the flag package's
// messages, which this program spells with two dashes.
var flagDash = regexp.MustCompile(`(flag |for |argument: |defined: )-([A-Za-z])`)

// flagMessage rewrites a flag package error with --flag names.
func flagMessage(err error) string {
	return flagDash.ReplaceAllString(err.Error(), "$1--$2")
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("coevo runs judge–policy co-evolution experiments and reports on their results.\n\n")
	b.WriteString("Usage:\n\n\tcoevo <command> [flags]\n\nThe commands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-11s %s\n", c.name, c.summary)
	}
	b.WriteString("\t" + fmt.Sprintf("%-11s %s", "help", "print this help, or a command's (coevo help run)") + "\n")
	b.WriteString(`
"coevo <command> -h" lists a command's flags. Examples:

	coevo run --condition baseline --seeds 0-4
	coevo sweep --out results/runs              # the 17 conditions × seeds 0-4
	coevo sweep --shard 2/8 --out shards/2      # one 8th of it, for a job array
	coevo summary --runs results/runs --format md
	coevo figures --runs results/runs --out results/figures

Exit status: 0 on success, 1 when the work fails, 2 for bad usage (found
before any work starts), 130 when interrupted; finished runs are kept, and
the same command resumes after them.
`)
	io.WriteString(w, b.String())
}

// commandDocs are the usage lines and notes of each command.
var commandDocs = map[string]struct{ usage, notes string }{
	"run": {"coevo run [--condition NAME] [--seeds LIST] [flags]",
		"Runs one condition over the seeds, all advancing together, writes OUT/NAME/seed_K.jsonl\n" +
			"and its manifest for each seed and prints the summary table. Runs already finished with\n" +
			"the same configuration are skipped unless --force."},
	"sweep": {"coevo sweep [--conditions LIST] [--seeds LIST] [--shard I/N] [flags]",
		"Runs conditions × seeds (the 17 conditions of the grid by default), the runs of one seed\n" +
			"advancing together (--max-batch to change that), and writes each batch's runs as soon as\n" +
			"it ends. An interrupted sweep resumes where it stopped when run again. --shard I/N runs\n" +
			"the runs at positions i with i mod N = I of the condition-major list, for job arrays."},
	"summary": {"coevo summary [--runs DIR]... [--format md|csv] [--drop-incomplete]",
		"Prints one row per condition: final values as mean ± std over seeds, peak iteration,\n" +
			"degradation and the paired difference to the baseline. Several --runs folders are merged."},
	"figures": {"coevo figures [--runs DIR]... [--out DIR] [--condition NAME] [--drop-incomplete]",
		"Draws the headline figure of a condition, one figure per mitigation family and the\n" +
			"best-mitigations figure, as PNG and SVG, and prints the files written."},
	"findings": {"coevo findings [--runs DIR]... [--drop-incomplete]",
		"Checks each of the spec's qualitative claims (\"What the original reports\") against the\n" +
			"measured runs with a rule stated in the output, and prints the verdicts, the numbers behind\n" +
			"them and the rules in Markdown: results/README.md is this command's output."},
	"conditions": {"coevo conditions",
		"Lists the grid's named conditions and the knobs each sets; † marks the boundary conditions."},
	"world": {"coevo world [--generator jax|jax-legacy|go]",
		"Describes the world in Markdown: the three q* weight arrays at full float32 precision (to compare\n" +
			"with another implementation's draw), q*'s range, mean and spread, and its best sequences."},
}

func writeCommandUsage(w io.Writer, c command, fs *flag.FlagSet) {
	d := commandDocs[c.name]
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n%s\n", d.usage, d.notes)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			b.WriteString("\nFlags:\n")
			first = false
		}
		arg, text := flag.UnquoteUsage(f)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			arg = ""
		}
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		fmt.Fprintf(&b, "  %s\n    \t%s", name, text)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	io.WriteString(w, b.String())
}

// intFlag is an integer flag with a lower bound, whose parse errors say
// what is allowed.
type intFlag struct {
	v   *int
	min int
}

func (f intFlag) String() string {
	if f.v == nil {
		return ""
	}
	return strconv.Itoa(*f.v)
}

func (f intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min {
		if f.min == 1 {
			return errors.New("must be a positive integer")
		}
		return fmt.Errorf("must be an integer ≥ %d", f.min)
	}
	*f.v = n
	return nil
}

// listFlag is a repeatable string flag.
type listFlag struct{ v *[]string }

func (f listFlag) String() string {
	if f.v == nil {
		return ""
	}
	return strings.Join(*f.v, ",")
}

func (f listFlag) Set(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	*f.v = append(*f.v, s)
	return nil
}

// noArgs refuses positional arguments.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument(s) %q: this command takes flags only (a flag after an argument is not read)", args)
	}
	return nil
}
