package coevo

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // the pure-Go backend, always available
	"github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
)

// GoBackendConfig is the pure-Go backend's configuration used when none is
// given. With its default worker pool the Go backend of compute v0.1.2 can
// deadlock on the lab's stacked graphs (ops filling the pool wait on the
// parallel matmul); parallelism=-1 avoids that and was also the fastest.
const GoBackendConfig = "go:parallelism=-1"

// XLAInstallHint tells a user how to get the faster XLA CPU backend.
const XLAInstallHint = "install the XLA CPU plugin with `make xla` (needs internet) or set PJRT_PLUGIN_LIBRARY_PATH to a folder holding pjrt_c_api_cpu_plugin.so"

// BackendChoice is the outcome of backend selection.
type BackendChoice struct {
	Backend compute.Backend
	// Config is the GOMLX_BACKEND-style configuration that was used.
	Config string
	// Reason says why it was chosen, for the one-line notice.
	Reason string
	// FellBack is true when the pure-Go backend was chosen only because no
	// XLA CPU plugin is installed.
	FellBack bool
}

// Name is the backend's name as recorded in manifests ("go", "xla:cpu", ...).
func (c BackendChoice) Name() string { return c.Config }

// SelectBackend picks the compute backend without ever downloading: the
// configuration in $GOMLX_BACKEND if set ("go" alone becomes
// GoBackendConfig); else XLA on CPU when a PJRT CPU plugin is already
// installed; else the pure-Go backend.
func SelectBackend() (BackendChoice, error) {
	xla.EnableAutoInstall(false) // never download at run time
	if cfg, ok := os.LookupEnv(compute.ConfigEnvVar); ok && strings.TrimSpace(cfg) != "" {
		cfg = strings.TrimSpace(cfg)
		if cfg == "go" {
			cfg = GoBackendConfig
		}
		b, err := newBackend(cfg)
		if err != nil {
			return BackendChoice{}, fmt.Errorf("backend from $%s=%q: %w", compute.ConfigEnvVar, cfg, err)
		}
		return BackendChoice{Backend: b, Config: cfg, Reason: "from $" + compute.ConfigEnvVar}, nil
	}
	if _, ok := pjrt.AvailablePlugins()["cpu"]; ok {
		if b, err := newBackend("xla:cpu"); err == nil {
			return BackendChoice{Backend: b, Config: "xla:cpu", Reason: "XLA CPU plugin found"}, nil
		}
	}
	b, err := newBackend(GoBackendConfig)
	if err != nil {
		return BackendChoice{}, fmt.Errorf("pure-Go backend: %w", err)
	}
	return BackendChoice{Backend: b, Config: GoBackendConfig, Reason: "no XLA CPU plugin installed", FellBack: true}, nil
}

// newBackend wraps compute.NewWithConfig, which panics on unknown names.
// The Go backend of compute v0.1.2 prints its parallelism setting on
// standard output, where it would mix with a program's own output (tables,
// Example outputs), so standard output is pointed at the null device while
// the backend is made.
func newBackend(cfg string) (b compute.Backend, err error) {
	if devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		stdout := os.Stdout
		os.Stdout = devNull
		defer func() { os.Stdout = stdout; devNull.Close() }()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v (backends available: %s)", r, strings.Join(compute.List(), ", "))
		}
	}()
	return compute.NewWithConfig(cfg)
}

// Announce writes the one-line notice naming the backend in use, with the
// install hint when it fell back to the pure-Go backend.
func (c BackendChoice) Announce(w io.Writer) {
	if c.FellBack {
		fmt.Fprintf(w, "coevo: backend %s (%s; for XLA, %s)\n", c.Config, c.Reason, XLAInstallHint)
		return
	}
	fmt.Fprintf(w, "coevo: backend %s (%s)\n", c.Config, c.Reason)
}
