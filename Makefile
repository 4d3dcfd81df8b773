# otel-sidecar — `make help` lists the targets.
SHELL := /bin/bash
# A failing command in a pipe (`bench | tee`) fails the target.
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

SWIFT        ?= swift
PYTHON       ?= python3
VENV         := .venv
VENV_PY      := $(VENV)/bin/python
PY_REQS      := $(wildcard Tests/InteropTests/python/requirements.txt Tests/Deploy/requirements.txt)
CONFIG       ?= deploy/config/minimal.yaml
FUZZ_SECONDS ?= 600
BENCH_OUT    ?= .build/bench

.PHONY: help build run test test-swift test-python bench fuzz fmt lint clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## Build the sidecar (debug)
	$(SWIFT) build --product otel-sidecar

run: build ## Start the sidecar on the embedded default (sockets in ./.run/, console output)
	@mkdir -p .run
	./.build/debug/otel-sidecar --config $(CONFIG) --log-format text

$(VENV_PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV_PY) $(PY_REQS)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(PY_REQS))
	@touch $@

venv: $(VENV)/.installed ## Python peers for the tests (pinned, in .venv)

test: venv ## Build everything and run all tests (Swift, then Python)
	$(SWIFT) build --build-tests
	OTEL_SIDECAR_PYTHON=$(CURDIR)/$(VENV_PY) $(SWIFT) test --skip-build
	@if [ -d Tests/Deploy ]; then $(VENV_PY) -m pytest -q Tests/Deploy; fi
	$(VENV_PY) -m pytest -q Tests/E2E

bench: venv ## Run the benchmarks (release build) and write $(BENCH_OUT)/report.md and report.json
	$(SWIFT) build -c release --static-swift-stdlib --product otel-sidecar-bench
	$(SWIFT) build -c release --static-swift-stdlib --product otel-sidecar
	$(SWIFT) build -c release --static-swift-stdlib --product otel-sidecar-loadgen
	@mkdir -p $(BENCH_OUT)
	./.build/release/otel-sidecar-bench --json $(BENCH_OUT)/report.json | tee $(BENCH_OUT)/report.md
	$(VENV_PY) Tests/Benchmarks/instructions.py --bench .build/release/otel-sidecar-bench --json $(BENCH_OUT)/instructions.json \
		| tee -a $(BENCH_OUT)/report.md
	$(VENV_PY) Tests/Benchmarks/ingest_bench.py --sidecar .build/release/otel-sidecar --json $(BENCH_OUT)/ingest.json \
		| tee -a $(BENCH_OUT)/report.md
	$(VENV_PY) Tests/Benchmarks/suite.py --sidecar .build/release/otel-sidecar --loadgen .build/release/otel-sidecar-loadgen --json $(BENCH_OUT)/suite.json | tee -a $(BENCH_OUT)/report.md

fuzz: ## Run each libFuzzer target for FUZZ_SECONDS (default 600) from the golden corpora
	cd Tests/Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@mkdir -p .build/fuzz/corpus-pb .build/fuzz/corpus-json
	cp Tests/InteropTests/Goldens/*.pb .build/fuzz/corpus-pb/
	cp Tests/InteropTests/Goldens/*.json .build/fuzz/corpus-json/
	Tests/Fuzz/.build/release/FuzzProtobuf .build/fuzz/corpus-pb -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1
	Tests/Fuzz/.build/release/FuzzJSON .build/fuzz/corpus-json -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1
	@mkdir -p .build/fuzz/corpus-events && cp Tests/Fuzz/Corpus/events/* .build/fuzz/corpus-events/
	Tests/Fuzz/.build/release/FuzzEventLine .build/fuzz/corpus-events -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1

fmt: ## Format the Swift sources in place (swift-format, settings in .swift-format)
	$(SWIFT) format --in-place --recursive --parallel Package.swift Sources Tests

lint: ## Check formatting without changing files
	$(SWIFT) format lint --recursive --parallel Package.swift Sources Tests

clean: ## Remove build products and the Python venv
	rm -rf .build $(VENV) .run Tests/Fuzz/.build
