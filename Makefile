# MedGemma Workstation — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
MODELS ?= $(or $(MEDGEMMA_MODELS),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/medgemma/models)
MODEL := $(MODELS)/gemma-3-270m-q4_k_m.gguf
RELEASE := .build/release
# Tests build optimised (numeric code is 10–100× slower in debug) with -enable-testing,
# in their own folder so `make run` and `make test` never rebuild each other's output.
TEST_FLAGS := -c release -Xswiftc -enable-testing --scratch-path .build-test
TEST_LOG := .build-test/test.log
# bash, for `set -o pipefail` in the test recipe.
SHELL := /bin/bash

.PHONY: run test deps test-deps model build build-tests fuzz fuzz-build soak clean help \
	test-sanitized test-asan test-tsan test-tsan-all test-leaks

help:
	@echo "make run     install what is missing, fetch the default model, build, open the workstation"
	@echo "make test    the same set-up, then build and run every test (release build), a short fuzz pass, the concurrency tests under ThreadSanitizer"
	@echo "make model   fetch the default model only"
	@echo "make test-sanitized  every test under AddressSanitizer, the concurrency tests under ThreadSanitizer, then make test-leaks"
	@echo "make test-leaks      LeakSanitizer over each medgemma command (AddressSanitizer build)"
	@echo "make fuzz    fuzz every parser of outside data for FUZZ_SECONDS each (libFuzzer + AddressSanitizer)"
	@echo "make soak    a long session (SOAK_TURNS turns) on the real model in tmux: memory, descriptors, key latency"
	@echo "make clean   remove build output"

## Install missing system packages (apt when root; otherwise prints the command).
deps:
	@Tools/install-deps.sh

## The same plus what the tests drive: tmux, Xvfb + xterm for the sixel check, and a
## cached virtual environment with llama-cpp-python's OpenAI-compatible server.
test-deps:
	@Tools/install-deps.sh --test
	@Tools/install-test-server.sh || echo "warning: llama-cpp-python's server could not be installed (see above); the remote-backend tests that need it will fail" >&2

## Fetch and verify the default gemma-3-270m Q4_K_M model (does nothing when present).
model: deps
	@MEDGEMMA_MODELS="$(MODELS)" Tools/fetch-model.sh

build: deps
	$(SWIFT) build -c release

run: model build
	$(RELEASE)/medgemma --model "$(MODEL)" --samples samples

build-tests: test-deps
	$(SWIFT) build $(TEST_FLAGS) --build-tests

## Everything test-deps installs is required here (a missing one fails its tests instead of
## skipping them); the log is kept, and the tests that did skip are listed at the end
## (README, "Optional tests"). pipefail: the exit status is swift test's, not tee's.
test: model build-tests
	@set -o pipefail; \
	MEDGEMMA_MODELS="$(MODELS)" MEDGEMMA_REQUIRE_MODEL=1 MEDGEMMA_REQUIRE_SERVER=1 MEDGEMMA_REQUIRE_TOOLS=1 \
		$(SWIFT) test $(TEST_FLAGS) --skip-build 2>&1 | tee $(TEST_LOG); \
	status=$$?; \
	echo "Skipped tests:"; \
	grep -E ': Test skipped' $(TEST_LOG) | sed -E 's/^.*: ([^ ]+) : Test skipped[^-]* - /  \1: /' || echo "  none"; \
	test $$status -eq 0 || exit $$status; \
	$(MAKE) --no-print-directory fuzz FUZZ_RUNS=50000 && \
	$(MAKE) --no-print-directory test-tsan

## libFuzzer with AddressSanitizer, in its own folder: each target of Sources/FuzzTargets runs
## FUZZ_SECONDS, starting from its seed folders (`medgemma-fuzz --seeds TARGET`, the one list,
## in FuzzTarget.seedFolders) and the corpus it grew before (.build-fuzz/corpus/TARGET).
## FUZZ_TARGETS empty: every target (`medgemma-fuzz --targets`). A crash stops the run and
## leaves crash-* here: copy it to Tests/Fixtures/fuzz/found/TARGET/ (the tests replay that
## folder) and fix the parser. `make test` ends with a short, repeatable pass: FUZZ_RUNS
## inputs per target from a fixed seed, so the same build explores the same inputs every time.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
## The tokenizer and chat targets encode, decode and stream each input, at 500–1 000 inputs/s
## under the sanitizers against the parsers' 3 000–10 000, so a FUZZ_RUNS pass gives them a
## tenth of the inputs. `make test` passes 50 000 inputs per target (5 000 for these), about
## half of the 3–4 minutes 100 000 took, to keep CI near 20 minutes now that it also runs
## ThreadSanitizer (the long runs are `make fuzz`'s job).
FUZZ_SLOW_TARGETS := tokenizer chat
FUZZ_BUDGET = $(if $(FUZZ_RUNS),-runs=$$runs -seed=1,-max_total_time=$(FUZZ_SECONDS))
FUZZER := .build-fuzz/release/medgemma-fuzz
FUZZ_FLAGS := -c release --scratch-path .build-fuzz --product medgemma-fuzz \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

fuzz-build: deps
	$(SWIFT) build $(FUZZ_FLAGS)

fuzz: fuzz-build
	@set -e; targets="$(FUZZ_TARGETS)"; test -n "$$targets" || targets=$$($(FUZZER) --targets); \
	for t in $$targets; do \
		seeds=$$($(FUZZER) --seeds $$t); runs=$(FUZZ_RUNS); \
		case " $(FUZZ_SLOW_TARGETS) " in *" $$t "*) runs=$$((runs / 10));; esac; \
		mkdir -p .build-fuzz/corpus/$$t; \
		echo "fuzzing $$t ($(FUZZ_BUDGET))"; \
		MEDGEMMA_FUZZ_TARGET=$$t $(FUZZER) $(FUZZ_BUDGET) -max_len=65536 \
			-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 .build-fuzz/corpus/$$t $$seeds 2>&1 | \
			grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)|Done [0-9]+ runs" || true; \
		test -z "$$(ls crash-* leak-* timeout-* oom-* 2>/dev/null)" || { echo "fuzz: $$t found a failure (files above)"; exit 1; }; \
	done

## A long working day in tmux on the real model (Tests/TUITests/WorkstationSoakTests):
## SOAK_TURNS questions that fill the context again and again, with reports, studies,
## images and resize storms between them; prints resident memory, descriptors and
## key → frame latency after warm-up and at the end, and fails past the bounds.
## (`make test` runs the same test with 26 turns.)
SOAK_TURNS ?= 300
soak: model build-tests
	@set -o pipefail; MEDGEMMA_MODELS="$(MODELS)" MEDGEMMA_SOAK_TURNS=$(SOAK_TURNS) MEDGEMMA_REQUIRE_MODEL=1 MEDGEMMA_REQUIRE_TOOLS=1 \
		$(SWIFT) test $(TEST_FLAGS) --skip-build --filter WorkstationSoakTests 2>&1 | grep -E "^soak|error:|Executed [0-9]+ test"

## Sanitizers, each build in its own folder, optimised with -enable-testing like the tests
## (numeric tests would not finish in debug). The Swift toolchain brings its own clang_rt
## runtimes (/opt/swift/usr/lib/clang/*/lib/linux) and links those: no libclang-rt-*-dev.
## UndefinedBehaviorSanitizer: swiftc has no -sanitize=undefined on Linux and the package
## has no C targets; Swift's own checks (overflow, bounds, unwrap, exclusivity) stay on in
## these release builds, so AddressSanitizer is what watches the unsafe-pointer code.
## A finding fails the run (ASan stops at the first; TSan reports every one, then exits
## 66); the suppressions, each saying why it is not ours, are in Tools/sanitizers/.
SANITIZER_ENV := MEDGEMMA_MODELS="$(MODELS)" MEDGEMMA_REQUIRE_MODEL=1 MEDGEMMA_REQUIRE_SERVER=1 MEDGEMMA_REQUIRE_TOOLS=1
ASAN_FLAGS := -c release -Xswiftc -enable-testing --scratch-path .build-asan --sanitize=address
## Leak checking is off in the test bundle: XCTest keeps every test case to the end, so
## LeakSanitizer reports what the tests hold (~3 850 reports, 64 MB); `test-leaks` checks
## the product's own commands instead.
ASAN_OPTIONS_RUN := ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=1
## Not under AddressSanitizer: tests that measure the process's memory (peak RSS against
## the estimate, anonymous memory handed back), which its shadow memory and its
## quarantine of freed blocks change by design.
ASAN_SKIP := --skip 'MemoryCheckTests/testTheEstimateIsWithinTenPercentOfThePeakRSS' \
	--skip 'MatmulActivationsTests/testParallelBatchesGiveTheirMemoryBack'

TSAN_FLAGS := -c release -Xswiftc -enable-testing --scratch-path .build-tsan --sanitize=thread
TSAN_OPTIONS_RUN := TSAN_OPTIONS=second_deadlock_stack=1:suppressions=$(CURDIR)/Tools/sanitizers/tsan.supp
## The concurrency tests: the engine (its queue, cancelling, prefilling ahead), the
## background vision encoder and the embedding provider, the chat session, the local and
## remote backends (HTTP client against a stub and a real server), the kernels' workers.
CONCURRENCY_TESTS := --filter 'GemmaTests\.Engine' \
	--filter 'WorkstationTests\.(ChatSession|ChatSessionPreparation|BackgroundEncoder|VisionEmbeddingProvider|SeveralImages|LocalEngineAdapterSwap)Tests/' \
	--filter 'RemoteInferenceTests\.Remote(Backend|Server)Tests/' --filter 'KernelsTests\.ParallelTests/'

## Every test under AddressSanitizer, then the concurrency tests under ThreadSanitizer with
## everything instrumented.
test-sanitized: test-asan test-tsan-all test-leaks

test-asan: model test-deps
	$(SWIFT) build $(ASAN_FLAGS) --build-tests
	$(SANITIZER_ENV) $(ASAN_OPTIONS_RUN) $(SWIFT) test $(ASAN_FLAGS) --skip-build $(ASAN_SKIP)

## LeakSanitizer over each command of `medgemma` (Tools/sanitizers/leak-check.sh), from the
## AddressSanitizer build: a leak fails the run and its report is printed.
test-leaks: model deps
	$(SWIFT) build $(ASAN_FLAGS) --product medgemma
	Tools/sanitizers/leak-check.sh .build-asan/release/medgemma "$(MODEL)"

test-tsan-all: model test-deps
	$(SWIFT) build $(TSAN_FLAGS) --build-tests
	$(SANITIZER_ENV) $(TSAN_OPTIONS_RUN) $(SWIFT) test $(TSAN_FLAGS) --skip-build $(CONCURRENCY_TESTS)

## The quicker pass at the end of `make test` (CI): the same tests, with the numeric kernels'
## loads and stores left uninstrumented (MEDGEMMA_TSAN_KERNELS=plain, Package.swift), in its
## own folder as the flags differ; 3 min 12 s to build from clean and 1 min 40 s to run on
## 2 cores. It leaves out one test that checks numbers, not threads (a warmed conversation's
## reply equals a cold one's, 48 s under TSan; `test-tsan-all` and the plain pass run it).
TSAN_CI_SKIP := --skip 'EnginePrefillAheadTests/testAWarmedConversationRepliesAsAColdOne'
test-tsan: model test-deps
	MEDGEMMA_TSAN_KERNELS=plain $(SWIFT) build $(TSAN_FLAGS:.build-tsan=.build-tsan-ci) --build-tests
	MEDGEMMA_TSAN_KERNELS=plain $(SANITIZER_ENV) $(TSAN_OPTIONS_RUN) \
		$(SWIFT) test $(TSAN_FLAGS:.build-tsan=.build-tsan-ci) --skip-build $(CONCURRENCY_TESTS) $(TSAN_CI_SKIP)

clean:
	rm -rf .build .build-test .build-fuzz .build-asan .build-tsan .build-tsan-ci
