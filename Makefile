# Tessera build entry points. `make help` lists them.
#
# Variables (override on the command line, e.g. `make test SWIFT_TEST_FLAGS=--parallel`):
#   SWIFT              the swift driver (default: `swift` on PATH, else /opt/swift/usr/bin/swift)
#   CONFIG             debug | release for build/demo/test (default: debug)
#   SWIFT_BUILD_FLAGS  extra flags for `swift build` / `swift run`
#   SWIFT_TEST_FLAGS   extra flags for `swift test` (e.g. --filter Conformance)
#   TESSERA_SKIP_DEPS=1  skip the system-package check in `deps`

SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
CONFIG ?= debug
SWIFT_BUILD_FLAGS ?=
SWIFT_TEST_FLAGS ?=

.PHONY: help deps build demo test conformance fuzz native-check bench clean

help:
	@echo "make deps          install missing system packages (scripts/install-deps.sh)"
	@echo "make build         deps, then swift build"
	@echo "make demo          deps, then swift run tessera-demo"
	@echo "make test          deps, then swift test (every available backend)"
	@echo "make conformance   run the tessera-conformance matrix"
	@echo "make fuzz          differential fuzzing of jit (FUZZ_N=10000 programs)"
	@echo "make native-check  build and run scripts/native-check (OpenBLAS, OpenCL, Vulkan, shaderc from Swift)"
	@echo "make bench         release build + run of the Benchmarks package"
	@echo "make clean         remove build products"

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) $(SWIFT_BUILD_FLAGS)

# The walk-through times large workloads, so it is built optimised (DEMO_CONFIG=debug to skip that).
DEMO_CONFIG ?= release
demo: deps
	$(SWIFT) run -c $(DEMO_CONFIG) $(SWIFT_BUILD_FLAGS) tessera-demo

# The full suite: unit tests plus the cross-backend conformance suite, which runs on every
# backend whose device is available (reference, BLAS, OpenCL via PoCL, Vulkan via lavapipe).
test: deps
	$(SWIFT) test -c $(CONFIG) $(SWIFT_TEST_FLAGS)

# The conformance matrix (every available backend; `swift run tessera-conformance --help`).
conformance: deps
	$(SWIFT) run -c $(CONFIG) $(SWIFT_BUILD_FLAGS) tessera-conformance

# Differential fuzzing of jit on every backend against the reference (FUZZ_N programs).
FUZZ_N ?= 10000
fuzz: deps
	$(SWIFT) run -c release $(SWIFT_BUILD_FLAGS) tessera-conformance --fuzz $(FUZZ_N)

# Standalone check that each native library links and runs from Swift 6 (not part of the
# main package; its Sources/C* are symlinks to this package's shims).
native-check: deps
	cd scripts/native-check && $(SWIFT) run native-check

# TBD: Benchmarks/ is a separate package using ordo-one/package-benchmark (its plugin builds
# in release mode by itself; the first build takes over a minute).
bench: deps
	@if [ ! -f Benchmarks/Package.swift ]; then \
	  echo "bench: Benchmarks/Package.swift does not exist yet (TBD)"; exit 1; fi
	$(SWIFT) package --package-path Benchmarks benchmark

clean:
	rm -rf .build Benchmarks/.build scripts/native-check/.build
