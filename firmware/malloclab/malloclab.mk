# malloclab.mk — `make mm MM=path/to/mm.c`: the same kernel with a student's
# malloc-lab allocator as a sixth strategy, `mm` (build/mm/kernel8.img).
# Included from firmware.mk.

MM_BUILD := $(BUILD)/mm
MM_LAB := firmware/malloclab
MM_GCC_INCLUDE := $(shell $(FW_CC) -print-file-name=include 2>/dev/null)

# The student's file: the handout's headers and a small C library only (no
# host headers), warnings shown but not fatal (student code), FP allowed.
MM_STUDENT_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(MM_GCC_INCLUDE) \
	-I$(MM_LAB)/include -fno-stack-protector -fno-pic -mcpu=cortex-a53 -mstrict-align \
	-mno-outline-atomics -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
	-Wall -Wextra
# The kernel's side (checks, memlib, C library): kernel flags, -Werror.
MM_KERNEL_CFLAGS := $(FW_CFLAGS) -I$(MM_LAB) -I$(MM_LAB)/include -DAPG_MM_SOURCE='"$(MM)"'
MM_KERNEL_SRC := $(wildcard $(MM_LAB)/*.c)
MM_KERNEL_OBJ := $(patsubst $(MM_LAB)/%.c,$(MM_BUILD)/lab/%.o,$(MM_KERNEL_SRC))
MM_HEADERS := $(wildcard $(MM_LAB)/*.h $(MM_LAB)/include/*.h)

$(MM_BUILD)/lab/%.o: $(MM_LAB)/%.c $(FW_HEADERS) $(MM_HEADERS) FORCE
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(FW_CC) $(MM_KERNEL_CFLAGS) -c $< -o $@

.PHONY: mm FORCE
FORCE:

# Always rebuilt: MM names a different file from one call to the next.
mm: $(FW_OBJ) $(MM_KERNEL_OBJ) $(FW_LINKER_SCRIPT)
	@if [ -z "$(MM)" ]; then echo "usage: make mm MM=path/to/mm.c" >&2; exit 2; fi
	@if [ ! -f "$(MM)" ]; then echo "make mm: no such file: $(MM)" >&2; exit 2; fi
	@mkdir -p $(MM_BUILD)
	$(call quiet,CC,$(MM))$(FW_CC) $(MM_STUDENT_CFLAGS) -c "$(MM)" -o $(MM_BUILD)/student.o
	$(call quiet,LD,$(MM_BUILD)/kernel8.elf)$(FW_CC) $(FW_CFLAGS) $(FW_LDFLAGS) -Wl,-Map,$(MM_BUILD)/pass1.map \
		$(FW_OBJ) $(MM_KERNEL_OBJ) $(MM_BUILD)/student.o -o $(MM_BUILD)/pass1.elf
	@scripts/gen-symbols.sh $(FW_CROSS)nm $(MM_BUILD)/pass1.elf > $(MM_BUILD)/symbols.c
	@$(FW_CC) $(FW_CFLAGS) -c $(MM_BUILD)/symbols.c -o $(MM_BUILD)/symbols.o
	@$(FW_CC) $(FW_CFLAGS) $(FW_LDFLAGS) -Wl,-Map,$(MM_BUILD)/kernel8.map \
		$(FW_OBJ) $(MM_KERNEL_OBJ) $(MM_BUILD)/student.o $(MM_BUILD)/symbols.o -o $(MM_BUILD)/kernel8.elf
	@scripts/gen-symbols.sh $(FW_CROSS)nm $(MM_BUILD)/kernel8.elf | cmp -s - $(MM_BUILD)/symbols.c || \
		{ echo "make mm: code moved between the two links; the symbol table would be wrong" >&2; exit 1; }
	$(call quiet,BIN,$(MM_BUILD)/kernel8.img)$(FW_OBJCOPY) -O binary $(MM_BUILD)/kernel8.elf $(MM_BUILD)/kernel8.img

# ---- the examples and their sessions (make test runs them) ----
# Each example becomes build/<name>/kernel8.img; the session of the same name
# in firmware/tests/malloclab/sessions runs against it.
MM_EXAMPLES := $(basename $(notdir $(wildcard examples/malloclab/mm-*.c)))
MM_SESSIONS_ENV := SESSIONS=firmware/tests/malloclab/sessions GOLDEN=firmware/tests/malloclab/golden \
	KERNEL='$(BUILD)/{name}/kernel8.img'

.PHONY: mm-examples mm-qemu-test
mm-examples: $(FW_OBJ)
	@set -e; for example in $(MM_EXAMPLES); do \
		$(MAKE) --no-print-directory mm MM=examples/malloclab/$$example.c MM_BUILD=$(BUILD)/$$example; \
	done

mm-qemu-test: mm-examples
	$(MM_SESSIONS_ENV) scripts/check-transcripts.sh qemu
