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

.PHONY: run test deps test-deps model build build-tests clean help

help:
	@echo "make run     install what is missing, fetch the default model, build, open the workstation"
	@echo "make test    the same set-up, then build and run every test (release build)"
	@echo "make model   fetch the default model only"
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
	exit $$status

clean:
	rm -rf .build .build-test
