# fuzz.mk — libFuzzer targets (Debian's clang, with ASan and UBSan):
#   fuzz_allocator  every allocator under an operation stream, model-checked
#   fuzz_parse      the shell's line splitter and number parsers vs references
#   fuzz_rep_trace  the .rep trace reader vs a reference written with libc
#   fuzz_uart       emu-glue's PL011 model under random register accesses
#   fuzz_gic        emu-glue's GICv2 model under random register accesses and inputs
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds, growing a corpus in
# build/fuzz/corpus/; `make fuzz-smoke` (part of `make test`) replays the seed
# corpora and then runs a fixed number of inputs from a fixed seed.

FUZZ_CC ?= clang
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror $(FW_INCLUDES) -Ifirmware/tests/host -Iemu-glue/src -D_DEFAULT_SOURCE
FUZZ_TARGETS := fuzz_allocator fuzz_parse fuzz_rep_trace fuzz_uart fuzz_gic
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 20000
# the allocator target checks a whole heap after every step: fewer, bigger runs
FUZZ_SMOKE_RUNS_fuzz_allocator ?= 4000

$(FUZZ_BUILD)/fuzz_allocator: firmware/tests/fuzz/fuzz_allocator.c firmware/tests/host/model.c \
		$(HOST_ALLOC_SRC) $(HOST_TEST_HEADERS)
$(FUZZ_BUILD)/fuzz_parse: firmware/tests/fuzz/fuzz_parse.c firmware/lib/parse.c firmware/lib/parse.h
$(FUZZ_BUILD)/fuzz_rep_trace: firmware/tests/fuzz/fuzz_rep_trace.c firmware/lib/rep_trace.c \
		firmware/lib/format.c firmware/lib/rep_trace.h
$(FUZZ_BUILD)/fuzz_uart: emu-glue/tests/fuzz/fuzz_uart.c emu-glue/src/pl011.c emu-glue/src/byte_queue.c \
		$(wildcard emu-glue/src/*.h)
$(FUZZ_BUILD)/fuzz_gic: emu-glue/tests/fuzz/fuzz_gic.c emu-glue/src/gicv2.c $(wildcard emu-glue/src/*.h)

$(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS)): | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call quiet,FUZZCC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# the seed corpus of a target, in whichever component owns it
fuzz_corpus = $$(ls -d firmware/tests/fuzz/corpus/$${$(1)\#fuzz_} \
	emu-glue/tests/fuzz/corpus/$${$(1)\#fuzz_} 2>/dev/null)

.PHONY: fuzz fuzz-smoke
fuzz: $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "== $$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus/$$t $(call fuzz_corpus,t) 2>&1 | \
			grep -E "^(stat::number_of_executed_units|stat::peak_rss|fuzz_|==|.*ERROR|Done)" ; \
	done

# libFuzzer adds new inputs to the first corpus directory: always a build one,
# so the seeds in the repository stay as reviewed.
fuzz-smoke: $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_BUILD)/smoke/$$t && mkdir -p $(FUZZ_BUILD)/smoke/$$t; \
		runs=$(FUZZ_SMOKE_RUNS); [ $$t = fuzz_allocator ] && runs=$(FUZZ_SMOKE_RUNS_fuzz_allocator); \
		$(FUZZ_BUILD)/$$t -seed=1 -runs=$$runs $(FUZZ_BUILD)/smoke/$$t \
			$(call fuzz_corpus,t) > $(FUZZ_BUILD)/$$t.log 2>&1 || \
			{ tail -30 $(FUZZ_BUILD)/$$t.log; exit 1; }; \
		echo "ok   $$t: $$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' $(FUZZ_BUILD)/$$t.log)"; \
	done
