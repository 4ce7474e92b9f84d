# Allocator Playground — entry points. `make run` and `make test` are the two
# commands a newcomer needs; both install what is missing first.
SHELL := /bin/bash
BUILD := build

# `make V=1` shows full command lines; otherwise one short line per step.
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

.PHONY: all deps run test clean
all: firmware

# Re-run the dependency installer only when it changes.
DEPS_STAMP := $(BUILD)/.deps-$(shell sha256sum scripts/install-deps.sh | cut -c1-16)
$(DEPS_STAMP):
	scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@
deps: $(DEPS_STAMP)

include firmware/firmware.mk

test: deps
	$(MAKE) host-test

run: deps
	$(MAKE) firmware

clean:
	rm -rf $(BUILD)
