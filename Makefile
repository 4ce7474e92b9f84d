# Allocator Playground — entry points.
#
#   make run    install what is missing, build everything, serve the playground
#   make test   install what is missing, build everything, run every test
#
# Both are safe to run again; heavy builds (Unicorn) are cached outside the
# repository, keyed by the hash of their inputs (emu-glue/unicorn/build.sh).
SHELL := /bin/bash
BUILD := build
.DEFAULT_GOAL := all

# `make V=1` shows full command lines; otherwise one short line per step.
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

# ---- dependencies: Debian packages and npm modules ----
# The installer runs again only when it changes.
DEPS_STAMP := $(BUILD)/.deps-$(shell sha256sum scripts/install-deps.sh | cut -c1-16)
$(DEPS_STAMP):
	scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

NODE_MODULES := node_modules/.package-lock.json
$(NODE_MODULES): package.json package-lock.json | $(DEPS_STAMP)
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: deps
deps: $(DEPS_STAMP) $(NODE_MODULES)

include firmware/firmware.mk
include emu-glue/unicorn.mk
include emu-glue/emu-glue.mk
-include firmware/bench/bench.mk
include firmware/tests/fuzz/fuzz.mk
include web/web.mk

.PHONY: all run test check-format clean
all: deps firmware emu-native emu-wasm web-build

# `make run`: the playground on http://127.0.0.1:$(PORT)/ (vite preview of the
# production build; it prints the URL).
PORT ?= 8080
run: all
	@echo "Serving the Allocator Playground at http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	npx vite preview --config web/vite.config.ts --host 127.0.0.1 --port $(PORT) --strictPort

# `make test`: every test, fastest first. The bounded fuzz runs and the
# model test (1,000,000 operations per allocator) come last.
test: all
	$(MAKE) --no-print-directory check-format
	$(MAKE) --no-print-directory qemu-test
	$(MAKE) --no-print-directory unicorn-smoke
	$(MAKE) --no-print-directory emu-test
	$(MAKE) --no-print-directory conformance
	$(MAKE) --no-print-directory web-test
	$(MAKE) --no-print-directory hostile-test
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory host-test
	@echo "== all tests passed"

# The session scripts replayed in QEMU against the reviewed golden transcripts.
.PHONY: qemu-test
qemu-test: $(BUILD)/kernel8.img mm-examples
	scripts/check-transcripts.sh qemu
	$(MM_SESSIONS_ENV) scripts/check-transcripts.sh qemu

# The kernel under a long stream of junk keys in the native runner; it must
# stay responsive and check-clean (firmware/tests/hostile/hostile_session.py).
HOSTILE_BYTES ?= 300000
.PHONY: hostile-test
hostile-test: $(BUILD)/allocplay $(BUILD)/kernel8.img
	@for seed in 1 2 3; do \
		python3 firmware/tests/hostile/hostile_session.py --bytes $(HOSTILE_BYTES) --seed $$seed || exit 1; \
	done

# C sources follow .clang-format (Debian's clang-format 14).
FORMATTED_C := $(wildcard firmware/*/*.[ch] firmware/tests/*/*.[ch] firmware/malloclab/include/*.h examples/malloclab/*.c emu-glue/src/*.[ch] \
	emu-glue/include/*.h emu-glue/tests/*.c emu-glue/tests/fuzz/*.c)
# TypeScript, JavaScript, CSS and JSON follow biome.json (Biome: formatter and
# linter in one pinned npm package); `npx biome check --write web` fixes most.
check-format: | $(NODE_MODULES)
	@clang-format --dry-run --Werror $(FORMATTED_C) && echo "ok   clang-format"
	@npx biome check web emu-glue/js emu-glue/tests/js && echo "ok   biome (format and lint)"

clean:
	rm -rf $(BUILD)
