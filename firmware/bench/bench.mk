# bench.mk — the host benchmark of the allocators: `make bench-alloc` writes
# build/bench/allocators.md. Included from the top-level Makefile; paths are
# relative to the repo root. Uses FW_WARNINGS and FW_INCLUDES from
# firmware/firmware.mk (expanded late, so the include order does not matter).
#
# Every run file build/bench/runs/<allocator>.<trace>.<heap>.txt holds one
# native replay (failures, footprint) and one callgrind replay (instructions
# per call); they are independent, so bench-alloc runs BENCH_JOBS at once.
# Results depend only on the binary (and are deterministic): a second
# `make bench-alloc` reuses them; `rm -rf build/bench` forces a fresh run.

BENCH_BUILD := $(BUILD)/bench
BENCH_ALLOCATORS := first-fit buddy page bump tlsf
BENCH_TRACES := random small fifo compiler
BENCH_HEAPS := 65536 1048576 16777216 67108864

BENCH_CC ?= gcc
# The allocators are built as for the firmware (freestanding, -O2, no
# builtins, so apg_memset stays a call to our own loop) but for the host CPU.
BENCH_ALLOC_CFLAGS = -std=c11 -O2 -g -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns $(FW_WARNINGS) $(FW_INCLUDES)
# -fno-optimize-sibling-calls: the measured_* wrappers must call the allocator,
# not jump to it, for callgrind to attribute the cost to the call.
BENCH_CFLAGS = -std=c11 -O2 -g -fno-optimize-sibling-calls $(FW_WARNINGS) $(FW_INCLUDES) \
	-Ifirmware/bench
# Collect only inside the measured_* wrappers and keep full names, so that
# `alloc_bench summarize` can read one call per dump.
BENCH_CALLGRIND := valgrind -q --tool=callgrind --collect-atstart=no \
	--toggle-collect='measured_*' --compress-strings=no --compress-pos=no \
	--combine-dumps=yes --dump-instr=no

BENCH_ALLOC_SRC := $(wildcard firmware/alloc/*.c) firmware/lib/mem.c
BENCH_ALLOC_HDR := $(wildcard firmware/include/*.h firmware/alloc/*.h firmware/lib/*.h)
BENCH_ALLOC_OBJ := $(patsubst firmware/%.c,$(BENCH_BUILD)/obj/%.o,$(BENCH_ALLOC_SRC))
BENCH_SRC := firmware/bench/alloc_bench.c firmware/bench/traces.c
BENCH_BIN := $(BENCH_BUILD)/alloc_bench
BENCH_RUNS := $(foreach a,$(BENCH_ALLOCATORS),$(foreach t,$(BENCH_TRACES),\
	$(foreach h,$(BENCH_HEAPS),$(BENCH_BUILD)/runs/$(a).$(t).$(h).txt)))

$(BENCH_BUILD)/obj/%.o: firmware/%.c $(BENCH_ALLOC_HDR) firmware/bench/bench.mk
	@mkdir -p $(dir $@)
	$(call quiet,BENCHCC,$<)$(BENCH_CC) $(BENCH_ALLOC_CFLAGS) -c $< -o $@

$(BENCH_BIN): $(BENCH_SRC) firmware/bench/traces.h $(BENCH_ALLOC_OBJ) $(BENCH_ALLOC_HDR) \
	firmware/bench/bench.mk
	@mkdir -p $(dir $@)
	$(call quiet,BENCHCC,$@)$(BENCH_CC) $(BENCH_CFLAGS) $(BENCH_SRC) $(BENCH_ALLOC_OBJ) -o $@

# <allocator>.<trace>.<heap>: the stem's dots separate the three arguments.
$(BENCH_BUILD)/runs/%.txt: $(BENCH_BIN)
	@mkdir -p $(dir $@)
	@command -v valgrind >/dev/null || { echo "bench-alloc needs valgrind (apt-get install valgrind)"; exit 1; }
	$(call quiet,BENCH,$*)set -e; args="$(subst ., ,$*)"; \
	$(BENCH_BIN) footprint $$args > $@.tmp; \
	$(BENCH_CALLGRIND) --callgrind-out-file=$@.cg $(BENCH_BIN) count $$args >> $@.tmp; \
	$(BENCH_BIN) summarize $@.cg >> $@.tmp; \
	rm -f $@.cg; mv $@.tmp $@

$(BENCH_BUILD)/allocators.md: $(BENCH_RUNS) $(BENCH_BIN)
	$(call quiet,REPORT,$@)$(BENCH_BIN) report $@ $(BENCH_RUNS)

# The runs take about 7.3 CPU minutes; by default two run at a time (the
# machine has two cores). BENCH_JOBS=1 runs them one by one.
BENCH_JOBS ?= 2
.PHONY: bench-alloc
bench-alloc:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j$(BENCH_JOBS) $(BENCH_BUILD)/allocators.md && \
	cat $(BENCH_BUILD)/allocators.md && \
	echo "bench-alloc: $$(( $$(date +%s) - start )) s with BENCH_JOBS=$(BENCH_JOBS)"
