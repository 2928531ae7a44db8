# coevolab — Makefile. `make help` lists the targets; environment.md explains
# every variable. Variables can be set on the command line: make run SEEDS=0-9
.DEFAULT_GOAL := help
SHELL := /bin/bash

GO        ?= go
BIN       ?= bin/coevo
CONDITION ?= baseline
SEEDS     ?= 0-4
RUN_FLAGS ?=
# make run writes its runs here, apart from the committed reference runs in
# RUNS; a second make run skips the runs already finished, FORCE=1 redoes them.
RUN_OUT   ?= runs
FORCE     ?=
RUNS      ?= results/runs
SWEEP_FLAGS ?= --max-batch 85
FIGURES   ?= results/figures
NB_TIMEOUT ?= 1800
BENCH     ?= .
BENCHTIME ?= 10x
REPEAT    ?= 3
TEST_FLAGS ?=
# The tests run on the pure-Go backend, on which their expected outputs and
# determinism checks were recorded, even where an XLA plugin is installed (the
# docker image): COEVO_TEST_BACKEND=xla:cpu (any GOMLX_BACKEND value) opts in.
TEST_BACKEND = GOMLX_BACKEND=$${COEVO_TEST_BACKEND:-go}
SETUP_FLAGS ?=
IMAGE     ?= coevolab
DOCKER_BUILD_FLAGS ?=

# The pinned tools (gonb, goimports, gopls) live in the tools bin folder that
# scripts/setup.sh fills: $COEVO_TOOLS_BIN, else $(go env GOBIN), else
# $(go env GOPATH)/bin. Put it on PATH for every recipe.
TOOLS_BIN := $(or $(COEVO_TOOLS_BIN),$(shell $(GO) env GOBIN 2>/dev/null),$(firstword $(subst :, ,$(shell $(GO) env GOPATH 2>/dev/null)))/bin)
export PATH := $(TOOLS_BIN):$(PATH)
# The lab never downloads an XLA plugin at run time (go-xla only checks that
# this variable exists); `make xla` installs one on purpose.
export GOMLX_NO_AUTO_INSTALL ?= 1
export NB_TIMEOUT
# The notebooks that read reference runs (03, 04) take them from COEVO_RUNS.
export COEVO_RUNS := $(abspath $(RUNS))

.PHONY: help setup build run test test-long bench bench-run results results-exact-entropy notebooks notebooks-check \
        kernel-check appendix xla docker fmt vet clean

help: ## list the targets
	@echo "coevolab — first commands: 'make run' (set up + run the main job) and 'make test'."
	@awk 'BEGIN{FS=":.*## "} /^[a-z-]+:.*## /{printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables (make VAR=value): CONDITION=$(CONDITION) SEEDS=$(SEEDS) RUN_OUT=$(RUN_OUT) FORCE=$(FORCE) RUNS=$(RUNS) BENCHTIME=$(BENCHTIME) NB_TIMEOUT=$(NB_TIMEOUT); see environment.md"
	@echo "'make run' writes to RUN_OUT ($(RUN_OUT)/); run again, it skips the finished runs; 'make run FORCE=1' redoes them."
	@echo "Tests run on the pure-Go backend; COEVO_TEST_BACKEND=xla:cpu make test opts in to another."

setup: ## install/check everything (Jupyter, GoNB kernel, pinned Go tools, Go modules)
	@bash scripts/setup.sh $(SETUP_FLAGS)

build: ## build the CLI into bin/coevo
	$(GO) build -o $(BIN) ./coevo/cmd/coevo

# The main job. Setup is quick when nothing is missing; Jupyter is optional
# for it (a machine without apt/root still runs the job, with a warning).
# It writes into RUN_OUT (runs/), not into the committed reference runs of
# results/runs, so that a fresh checkout trains; run again, it skips the runs
# already finished; FORCE=1 passes --force and redoes them.
run: ## set up if needed, then run the main job (CONDITION, SEEDS) into RUN_OUT=runs/; FORCE=1 redoes it
	@bash scripts/setup.sh --jupyter-optional $(SETUP_FLAGS)
	$(GO) build -o $(BIN) ./coevo/cmd/coevo
	$(BIN) run --condition $(CONDITION) --seeds $(SEEDS) --out $(RUN_OUT) $(if $(filter-out 0 no false,$(FORCE)),--force) $(RUN_FLAGS)

test: vet ## go vet + go test (short; long tests are skipped; pure-Go backend unless COEVO_TEST_BACKEND)
	$(TEST_BACKEND) $(GO) test $(TEST_FLAGS) ./...

# Long tests are skipped unless COEVO_LONG=1 (or the test flag -long).
test-long: ## all tests, including the long ones (COEVO_LONG=1)
	COEVO_LONG=1 $(TEST_BACKEND) $(GO) test -timeout 60m $(TEST_FLAGS) ./...

bench: ## benchmarks of the library (BENCH regexp, BENCHTIME)
	$(TEST_BACKEND) $(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) ./coevo/...

bench-run: build ## time the main job end to end, into a fresh folder (REPEAT times)
	@for i in $$(seq $(REPEAT)); do d=$$(mktemp -d); \
	  /usr/bin/env time -f "coevo run --condition $(CONDITION) --seeds $(SEEDS): %e s wall, %U s user" \
	    $(BIN) run --condition $(CONDITION) --seeds $(SEEDS) --quiet --out $$d > /dev/null; rm -rf $$d; done

results: build ## full sweep into RUNS, then results/summary.{md,csv} and results/figures
	@mkdir -p results
	$(BIN) sweep --out $(RUNS) $(SWEEP_FLAGS)
	$(BIN) summary --runs $(RUNS) --format md > results/summary.md.tmp && mv results/summary.md.tmp results/summary.md
	$(BIN) summary --runs $(RUNS) --format csv > results/summary.csv.tmp && mv results/summary.csv.tmp results/summary.csv
	$(BIN) figures --runs $(RUNS) --out $(FIGURES)
	$(BIN) world > results/world.md.tmp && mv results/world.md.tmp results/world.md
	$(BIN) world --generator jax-legacy > results/world-jax-legacy.md.tmp && mv results/world-jax-legacy.md.tmp results/world-jax-legacy.md
	$(BIN) findings --runs $(RUNS) > results/README.md.tmp && mv results/README.md.tmp results/README.md
	bash scripts/readme-results.sh

results-exact-entropy: build ## beyond the original: the baseline with the exact entropy regulariser (results/runs-exact-entropy)
	$(BIN) run --condition baseline --seeds 0-4 --entropy exact --quiet --out results/runs-exact-entropy
	$(BIN) figures --runs results/runs-exact-entropy --out results/figures-exact-entropy
	{ echo "# Beyond the original: the baseline with the exact entropy regulariser"; echo; \
	  echo "The original's entropy term β·mean log π(x_i) has zero expected gradient. These runs replace it with the exact"; \
	  echo "β·Σ_x π(x) log π(x) (\`coevo run --entropy exact\`, same β = 0.01, seeds 0–4); compare with the baseline in summary.md."; echo; \
	  $(BIN) summary --runs results/runs-exact-entropy; } > results/exact-entropy.md.tmp && mv results/exact-entropy.md.tmp results/exact-entropy.md

notebooks: ## execute every notebooks/*.ipynb in place and stamp it (then commit them)
	@bash scripts/notebooks.sh run

notebooks-check: ## execute the notebooks into a temp folder; fail on errors, missing figures, staleness
	@bash scripts/notebooks.sh check

kernel-check: ## run a throw-away two-cell Go notebook through the GoNB kernel
	@bash scripts/notebooks.sh smoke

appendix: ## export the notebooks to results/appendix/ (HTML, Markdown, one PDF if chromium exists)
	@bash scripts/notebooks.sh appendix

xla: ## install the XLA CPU PJRT plugin (needs internet; optional)
	@bash scripts/install-xla.sh

docker: ## build the docker image (IMAGE=coevolab)
	@command -v docker >/dev/null 2>&1 || { echo "docker: the docker command is not installed"; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "docker: no docker engine is reachable here (docker info failed): build the image on a machine with a running Docker engine"; exit 1; }
	docker build -f docker/Dockerfile -t $(IMAGE) $(DOCKER_BUILD_FLAGS) .

fmt: ## gofmt the Go sources
	$(GO) fmt ./...

vet: ## go vet
	$(GO) vet ./...

clean: ## remove build outputs (bin/, results/appendix/); keeps the runs (runs/, results/runs)
	rm -rf bin results/appendix
