// Command xla installs the XLA CPU PJRT plugin with go-xla's own installer
// (github.com/gomlx/go-xla/installer, the library behind go-xla's
// cmd/pjrt_installer), at the go-xla version the lab is built against.
//
// It lives in its own module (tools/xla) so that the main module does not
// have to require go-xla directly; its go.mod pins go-xla at the version that
// github.com/gomlx/gomlx pulls into the main module. Run it through
// scripts/install-xla.sh (make xla), which documents the options.
//
// Before downloading anything it probes the release server with a short
// timeout and exits with status 3 and a clear message when the network cannot
// be reached, instead of hanging.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gomlx/go-xla/installer"
)

var (
	flagPrefix    = flag.String("prefix", "", "library directory under which a go-xla/ folder receives the plugin (default: ~/.local/lib on Linux, ~/Library/Application Support on macOS)")
	flagProbe     = flag.Duration("probe_timeout", 8*time.Second, "timeout of the network probe done before installing")
	flagTimeout   = flag.Duration("timeout", 20*time.Minute, "overall timeout of the download")
	flagProbeOnly = flag.Bool("probe_only", false, "only check that the release server can be reached")
	flagQuiet     = flag.Bool("quiet", false, "print less")
)

// probeURL is the server the installer talks to first (GitHub's release API).
const probeURL = "https://api.github.com/repos/" + installer.BinaryCPUReleasesRepo + "/releases"

func main() {
	flag.Parse()
	if err := probe(*flagProbe); err != nil {
		fmt.Fprintf(os.Stderr, "install-xla: cannot reach %s (%v).\n", probeURL, err)
		fmt.Fprintln(os.Stderr, "install-xla: this machine has no access to the internet (or to GitHub); the XLA CPU plugin")
		fmt.Fprintln(os.Stderr, "install-xla: cannot be downloaded here. The lab still runs on the pure-Go backend (GOMLX_BACKEND=go).")
		fmt.Fprintln(os.Stderr, "install-xla: set HTTPS_PROXY if you need a proxy, or copy an installed go-xla/ plugin folder from")
		fmt.Fprintln(os.Stderr, "install-xla: another machine into ~/.local/lib/go-xla or /usr/local/lib/go-xla (see environment.md).")
		os.Exit(3)
	}
	if *flagProbeOnly {
		fmt.Println("install-xla: network reachable")
		return
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		fmt.Fprintf(os.Stderr, "install-xla: unsupported platform %s/%s\n", runtime.GOOS, runtime.GOARCH)
		os.Exit(2)
	}
	// go-xla's installer uses http.DefaultClient: bound it so that a stalled
	// download fails instead of hanging forever.
	http.DefaultClient.Timeout = *flagTimeout

	prefix := *flagPrefix
	if prefix == "" {
		var err error
		if prefix, err = installer.DefaultHomeLibPath(); err != nil {
			fail(err)
		}
	}
	verbosity := installer.Normal
	if *flagQuiet {
		verbosity = installer.Quiet
	}
	// AutoInstall installs the CPU plugin (and the CUDA one when an NVIDIA GPU
	// is present); it is a no-op for plugins already installed.
	if err := installer.AutoInstall(prefix, true, verbosity); err != nil {
		fail(err)
	}
	dir := filepath.Join(prefix, "go-xla")
	fmt.Printf("install-xla: XLA PJRT plugin(s) installed in %s\n", dir)
}

func probe(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, probeURL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	return nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "install-xla: installation failed: %+v\n", err)
	os.Exit(1)
}
