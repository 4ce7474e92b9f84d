# emu-glue.mk — the virt-lite machine: native runners, the WebAssembly module,
# test guests and the emulator tests. Included from the top-level Makefile
# after emu-glue/unicorn.mk (which provides the UNICORN_* variables).

EMU_CORE_SRC := $(addprefix emu-glue/src/,byte_queue.c generic_timer.c gicv2.c irq_schedule.c \
	machine.c pl011.c psci.c ram_pages.c shared_bytes.c snapshot.c)
EMU_DEPS := $(EMU_CORE_SRC) $(wildcard emu-glue/include/*.h emu-glue/src/*.h) firmware/include/board.h
# firmware/include: the board's memory map (board.h), shared with the kernel
EMU_CFLAGS := -std=c11 -g -Wall -Wextra -Werror -Wshadow -Wvla -D_DEFAULT_SOURCE \
	-Iemu-glue/include -Iemu-glue/src -Ifirmware/include
EMU_BUILD := $(BUILD)/emu

# A Unicorn library is (re)built when its recipe's inputs change; the script
# returns at once when the cache already holds that build.
UNICORN_INPUTS := emu-glue/unicorn/build.sh emu-glue/unicorn/fetch.sh \
	$(wildcard emu-glue/unicorn/patches/*.patch)
$(UNICORN_BUILD_DIR)/%/lib/libunicorn.a: $(UNICORN_INPUTS) | $(DEPS_STAMP)
	$(call quiet,UNICORN,$*)$(UNICORN_SCRIPT) $*
	@touch $@

# ---- native runners ----
$(BUILD)/allocplay: emu-glue/src/runner.c $(EMU_DEPS) $(UNICORN_JIT_LIB)
	$(call quiet,CC,$@)$(CC) $(EMU_CFLAGS) -O2 $(UNICORN_JIT_CFLAGS) $< $(EMU_CORE_SRC) \
		$(UNICORN_JIT_LIBS) -o $@

$(BUILD)/allocplay-tci: emu-glue/src/runner.c $(EMU_DEPS) $(UNICORN_TCI_LIB)
	$(call quiet,CC,$@)$(CC) $(EMU_CFLAGS) -O2 $(UNICORN_TCI_CFLAGS) $< $(EMU_CORE_SRC) \
		$(UNICORN_TCI_LIBS) -o $@

# ---- the WebAssembly module (ES module, runs in Node and in a Web Worker) ----
EMU_WASM_EXPORTS := create destroy set_engine set_tier_limits load load_blob reset run send rx_pending tx ram register counter crash \
	malloc free checkpoint_save checkpoint_restore checkpoint_free checkpoint_read \
	checkpoint_serialise checkpoint_deserialise checkpoint_memory
comma := ,
empty :=
space := $(empty) $(empty)
# Guest RAM (128 MiB) and the translation buffer (16 MiB) live in wasm memory.
# No DWARF in the shipped module (EMU_CFLAGS' -g made it 0.44 MB larger and
# left the JavaScript unminified), but function names for profiles.
EMU_WASM_CFLAGS := $(filter-out -g,$(EMU_CFLAGS))
EMU_WASM_FLAGS := -O3 --profiling-funcs -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createAllocplayModule \
	-sENVIRONMENT=web,worker -sFILESYSTEM=0 \
	-sINITIAL_MEMORY=192MB $(UNICORN_WASM_LDFLAGS) \
	-sEXPORTED_FUNCTIONS=$(subst $(space),$(comma),$(addprefix _apg_js_,$(EMU_WASM_EXPORTS)))

$(EMU_BUILD)/allocplay-emu.mjs: emu-glue/src/wasm_api.c $(EMU_DEPS) $(UNICORN_WASM_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,EMCC,$@)$(UNICORN_EMCC) $(EMU_WASM_CFLAGS) $(UNICORN_WASM_CFLAGS) $< $(EMU_CORE_SRC) \
		$(UNICORN_WASM_LIBS) $(EMU_WASM_FLAGS) -o $@

.PHONY: emu-native emu-wasm
emu-native: $(BUILD)/allocplay $(BUILD)/allocplay-tci
emu-wasm: $(EMU_BUILD)/allocplay-emu.mjs

# ---- test guests: tiny images that crash or spin on purpose ----
GUEST_SRC := $(wildcard emu-glue/tests/guests/*.S)
GUEST_IMAGES := $(patsubst emu-glue/tests/guests/%.S,$(BUILD)/tests/guests/%.img,$(GUEST_SRC))

$(BUILD)/tests/guests/%.img: emu-glue/tests/guests/%.S emu-glue/tests/guests/guest.ld \
		$(wildcard emu-glue/tests/guests/*.inc)
	@mkdir -p $(dir $@)
	$(call quiet,GUEST,$@)$(FW_CC) -nostdlib -static -mcpu=cortex-a53 \
		-Wl,-T,emu-glue/tests/guests/guest.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		$< -o $(@:.img=.elf) && \
		$(FW_OBJCOPY) -O binary $(@:.img=.elf) $@

# ---- tests ----
# The fault tests run on the interpreter build with ASan and UBSan: the same
# TCI path the browser uses, with the sanitizers watching the host side.
$(BUILD)/tests/machine_test: emu-glue/tests/machine_test.c emu-glue/tests/test_support.h $(EMU_DEPS) $(UNICORN_TCI_ASAN_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(EMU_CFLAGS) -O1 $(UNICORN_TCI_ASAN_CFLAGS) $< $(EMU_CORE_SRC) \
		$(UNICORN_TCI_ASAN_LIBS) -o $@

$(BUILD)/tests/snapshot_test: emu-glue/tests/snapshot_test.c emu-glue/tests/test_support.h $(EMU_DEPS) $(UNICORN_TCI_ASAN_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(EMU_CFLAGS) -O1 $(UNICORN_TCI_ASAN_CFLAGS) $< $(EMU_CORE_SRC) \
		$(UNICORN_TCI_ASAN_LIBS) -o $@

EMU_JS_TEST_ENV := ALLOCPLAY_EMU_MODULE=$(EMU_BUILD)/allocplay-emu.mjs \
	ALLOCPLAY_KERNEL=$(BUILD)/kernel8.img ALLOCPLAY_GUESTS=$(BUILD)/tests/guests

.PHONY: emu-test conformance
emu-test: $(BUILD)/tests/machine_test $(BUILD)/tests/snapshot_test $(GUEST_IMAGES) \
		$(BUILD)/kernel8.img emu-wasm
	@echo "== emu-glue fault tests (native, TCI + ASan/UBSan)"
	$(BUILD)/tests/machine_test $(BUILD)/tests/guests $(BUILD)/kernel8.img
	@echo "== emu-glue checkpoint tests (native, TCI + ASan/UBSan)"
	$(BUILD)/tests/snapshot_test $(BUILD)/kernel8.img $(BUILD)/tests/guests
	@echo "== emu-glue JavaScript API tests (wasm in Node)"
	$(EMU_JS_TEST_ENV) node --test emu-glue/tests/js/

# The conformance test: the same sessions, byte-identical on every host.
# wasm-every-block: the wasm module with its tier compiling every block at its
# first start (scripts/run-session.sh).
CONFORMANCE_HOSTS := qemu native native-tci wasm wasm-every-block
# Test guests whose output must match QEMU's too: the CPU state at the first
# instruction, timer interrupts through the GIC at EL1 and EL0, and the
# results of the operations TCG lowers differently (for the WebAssembly tier).
CONFORMANCE_GUESTS := entry_state timer_irq tcg_ops
conformance: $(BUILD)/kernel8.img $(BUILD)/allocplay $(BUILD)/allocplay-tci emu-wasm $(GUEST_IMAGES) \
		mm-examples
	@echo "== test guests: entry state, timer interrupts"
	@set -e; : > $(BUILD)/tests/no-keys.bin; for guest in $(CONFORMANCE_GUESTS); do \
		for host in $(CONFORMANCE_HOSTS); do \
			scripts/run-session.sh $$host $(BUILD)/tests/guests/$$guest.img \
				$(BUILD)/tests/no-keys.bin > $(BUILD)/tests/$$guest.$$host 2>/dev/null; \
			cmp $(BUILD)/tests/$$guest.qemu $(BUILD)/tests/$$guest.$$host; \
			echo "ok   $$host $$guest"; \
		done; done
	@grep -q "^interrupts handled    00000003" $(BUILD)/tests/timer_irq.qemu || \
		{ echo "FAIL timer_irq: QEMU did not take all three timer interrupts"; exit 1; }
	@set -e; for host in $(CONFORMANCE_HOSTS); do scripts/check-transcripts.sh $$host; done
	@echo "== malloc-lab examples as the mm allocator (firmware/tests/malloclab)"
	@set -e; for host in $(CONFORMANCE_HOSTS); do $(MM_SESSIONS_ENV) scripts/check-transcripts.sh $$host; done

# Emulator speed on every host in one run (issue 14): `stress 1000000 1` on
# QEMU, native JIT and TCI, wasm in Node and the page in Chromium, ratios
# against QEMU and the targets (docs/PERF.md). A benchmark, not part of `make
# test`. SPEED_BENCH_ARGS passes options, e.g. --runs 5 or --hosts qemu,wasm;
# see emu-glue/bench/speed_bench.py for choosing another emulator build.
.PHONY: speed-bench
speed-bench: $(BUILD)/kernel8.img $(BUILD)/allocplay $(BUILD)/allocplay-tci emu-wasm web-build
	nice python3 emu-glue/bench/speed_bench.py $(SPEED_BENCH_ARGS)
