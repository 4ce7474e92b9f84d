# Unicorn builds (see emu-glue/README.md, "Unicorn build").
# Include from the top-level Makefile, or run directly from the repo root:
#   make -f emu-glue/unicorn.mk unicorn-smoke
#
# Targets
#   unicorn-jit       native library, JIT                  -> build/unicorn/jit/
#   unicorn-tci       native libraries, TCI: optimised and -> build/unicorn/tci/
#                     ASan+UBSan (for tests)               -> build/unicorn/tci-asan/
#   unicorn-wasm      WebAssembly library (emcc), TCI      -> build/unicorn/wasm/
#   unicorn-smoke     smoke test on jit, tci, tci-asan and wasm (Node); the four
#                     reports must be byte-identical; also checks that the test
#                     fails when an expectation is broken
#   unicorn-bench     guest MIPS on every variant incl. headless Chromium, and
#                     wasm sizes (writes build/unicorn-bench/results.md)
# Each library target runs emu-glue/unicorn/build.sh, which returns at once
# when the cached build for the current inputs exists.

UNICORN_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
UNICORN_BUILD_DIR := $(UNICORN_ROOT)/build/unicorn
UNICORN_SCRIPT := $(UNICORN_ROOT)/emu-glue/unicorn/build.sh

# --- what consumers use ---------------------------------------------------------
# The headers are the same for every variant.
UNICORN_CFLAGS = -I$(UNICORN_BUILD_DIR)/jit/include

UNICORN_JIT_CFLAGS = -I$(UNICORN_BUILD_DIR)/jit/include
UNICORN_JIT_LIB = $(UNICORN_BUILD_DIR)/jit/lib/libunicorn.a
UNICORN_JIT_LIBS = $(UNICORN_JIT_LIB) -lm -lpthread

UNICORN_TCI_CFLAGS = -I$(UNICORN_BUILD_DIR)/tci/include
UNICORN_TCI_LIB = $(UNICORN_BUILD_DIR)/tci/lib/libunicorn.a
UNICORN_TCI_LIBS = $(UNICORN_TCI_LIB) -lm -lpthread

# The sanitized library needs the same sanitizer flags when compiling and
# linking the program that uses it.
UNICORN_ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNICORN_TCI_ASAN_CFLAGS = -I$(UNICORN_BUILD_DIR)/tci-asan/include $(UNICORN_ASAN_FLAGS)
UNICORN_TCI_ASAN_LIB = $(UNICORN_BUILD_DIR)/tci-asan/lib/libunicorn.a
UNICORN_TCI_ASAN_LIBS = $(UNICORN_ASAN_FLAGS) $(UNICORN_TCI_ASAN_LIB) -lm -lpthread

UNICORN_WASM_CFLAGS = -I$(UNICORN_BUILD_DIR)/wasm/include
UNICORN_WASM_LIB = $(UNICORN_BUILD_DIR)/wasm/lib/libunicorn.a
UNICORN_WASM_LIBS = $(UNICORN_WASM_LIB)
# emcc link flags the library needs: a heap that can hold guest RAM and the
# 32 MiB translation buffer, and setjmp/longjmp as wasm exceptions, as the
# library was compiled (build.sh; JS emulation would wrap every TB in a JS
# call), and a function table that can grow: the WebAssembly tier (patch
# 0013) puts each compiled block's function there. No
# EMULATE_FUNCTION_POINTER_CASTS: helper calls are type-correct (patch 0005).
UNICORN_WASM_LDFLAGS = -sALLOW_MEMORY_GROWTH=1 -sSUPPORT_LONGJMP=wasm -sALLOW_TABLE_GROWTH=1
# Debian's emcc imports Debian's node modules; Node 20 needs the flag below to
# run Emscripten 3.1.6 output (its loader misuses Node's global fetch).
# Host compiler for the native test programs (not $(CC): a project Makefile
# may point that at the guest's cross compiler).
UNICORN_HOST_CC ?= cc
UNICORN_EMCC = NODE_PATH=$${NODE_PATH:-/usr/share/nodejs} emcc
UNICORN_NODE = node --no-experimental-fetch
# Emscripten 3.1.6's Node output is CommonJS, but the repo's package.json says
# "type": "module": a package.json next to the outputs makes Node load them
# as CommonJS.
UNICORN_COMMONJS = echo '{ "type": "commonjs" }' >

# --- library targets ---------------------------------------------------------------
.PHONY: unicorn-jit unicorn-tci unicorn-tci-asan unicorn-wasm unicorn-smoke unicorn-bench

unicorn-jit:
	$(UNICORN_SCRIPT) jit

unicorn-tci: unicorn-tci-asan
	$(UNICORN_SCRIPT) tci

unicorn-tci-asan:
	$(UNICORN_SCRIPT) tci-asan

unicorn-wasm:
	$(UNICORN_SCRIPT) wasm

# --- smoke test -----------------------------------------------------------------------
UNICORN_SMOKE_DIR = $(UNICORN_ROOT)/build/unicorn-smoke
UNICORN_TESTS = $(UNICORN_ROOT)/emu-glue/tests
UNICORN_TEST_CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror -I$(UNICORN_SMOKE_DIR)
UNICORN_SMOKE_SRC = $(UNICORN_TESTS)/unicorn_smoke.c

unicorn-smoke: unicorn-jit unicorn-tci unicorn-wasm
	@mkdir -p $(UNICORN_SMOKE_DIR)
	@$(UNICORN_COMMONJS) $(UNICORN_SMOKE_DIR)/package.json
	$(UNICORN_TESTS)/aarch64_to_c.sh $(UNICORN_TESTS)/unicorn_smoke_guest.S \
	    $(UNICORN_SMOKE_DIR)/unicorn_smoke_guest.h smoke_guest
	$(UNICORN_HOST_CC) $(UNICORN_TEST_CFLAGS) $(UNICORN_JIT_CFLAGS) $(UNICORN_SMOKE_SRC) \
	    $(UNICORN_JIT_LIBS) -o $(UNICORN_SMOKE_DIR)/smoke-jit
	$(UNICORN_HOST_CC) $(UNICORN_TEST_CFLAGS) $(UNICORN_TCI_CFLAGS) $(UNICORN_SMOKE_SRC) \
	    $(UNICORN_TCI_LIBS) -o $(UNICORN_SMOKE_DIR)/smoke-tci
	$(UNICORN_HOST_CC) $(UNICORN_TEST_CFLAGS) -g $(UNICORN_TCI_ASAN_CFLAGS) $(UNICORN_SMOKE_SRC) \
	    $(UNICORN_TCI_ASAN_LIBS) -o $(UNICORN_SMOKE_DIR)/smoke-tci-asan
	$(UNICORN_EMCC) $(UNICORN_TEST_CFLAGS) $(UNICORN_WASM_CFLAGS) $(UNICORN_SMOKE_SRC) \
	    $(UNICORN_WASM_LIBS) $(UNICORN_WASM_LDFLAGS) -sENVIRONMENT=node -sEXIT_RUNTIME=1 \
	    -o $(UNICORN_SMOKE_DIR)/smoke-wasm.js
	$(UNICORN_HOST_CC) $(UNICORN_TEST_CFLAGS) -DUNICORN_SMOKE_BREAK_EXPECTATION $(UNICORN_JIT_CFLAGS) \
	    $(UNICORN_SMOKE_SRC) $(UNICORN_JIT_LIBS) -o $(UNICORN_SMOKE_DIR)/smoke-broken
	UNICORN_NODE="$(UNICORN_NODE)" $(UNICORN_TESTS)/unicorn_smoke_compare.sh $(UNICORN_SMOKE_DIR)

# --- benchmark ------------------------------------------------------------------------
UNICORN_BENCH_DIR = $(UNICORN_ROOT)/build/unicorn-bench
UNICORN_BENCH = $(UNICORN_ROOT)/emu-glue/bench
UNICORN_BENCH_SRC = $(UNICORN_BENCH)/unicorn_bench.c
UNICORN_BENCH_CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror -I$(UNICORN_BENCH_DIR)
# Size-minded flags for the browser module (no file system, no exit runtime).
UNICORN_BENCH_WEB_LDFLAGS = -O3 -sENVIRONMENT=web -sFILESYSTEM=0 -sEXIT_RUNTIME=1

unicorn-bench: unicorn-jit unicorn-tci unicorn-wasm
	$(UNICORN_SCRIPT) wasm-fpcast
	@mkdir -p $(UNICORN_BENCH_DIR)/web $(UNICORN_BENCH_DIR)/web-fpcast
	@$(UNICORN_COMMONJS) $(UNICORN_BENCH_DIR)/package.json
	$(UNICORN_TESTS)/aarch64_to_c.sh $(UNICORN_BENCH)/unicorn_bench_guest.S \
	    $(UNICORN_BENCH_DIR)/unicorn_bench_guest.h bench_guest
	$(UNICORN_HOST_CC) $(UNICORN_BENCH_CFLAGS) $(UNICORN_JIT_CFLAGS) $(UNICORN_BENCH_SRC) \
	    $(UNICORN_JIT_LIBS) -o $(UNICORN_BENCH_DIR)/bench-jit
	$(UNICORN_HOST_CC) $(UNICORN_BENCH_CFLAGS) $(UNICORN_TCI_CFLAGS) $(UNICORN_BENCH_SRC) \
	    $(UNICORN_TCI_LIBS) -o $(UNICORN_BENCH_DIR)/bench-tci
	$(UNICORN_EMCC) $(UNICORN_BENCH_CFLAGS) -O3 $(UNICORN_WASM_CFLAGS) $(UNICORN_BENCH_SRC) \
	    $(UNICORN_WASM_LIBS) $(UNICORN_WASM_LDFLAGS) -sENVIRONMENT=node -sEXIT_RUNTIME=1 \
	    -o $(UNICORN_BENCH_DIR)/bench-wasm.js
	$(UNICORN_EMCC) $(UNICORN_BENCH_CFLAGS) $(UNICORN_WASM_CFLAGS) $(UNICORN_BENCH_SRC) \
	    $(UNICORN_WASM_LIBS) $(UNICORN_WASM_LDFLAGS) $(UNICORN_BENCH_WEB_LDFLAGS) \
	    -o $(UNICORN_BENCH_DIR)/web/unicorn_bench.js
	$(UNICORN_EMCC) $(UNICORN_BENCH_CFLAGS) -O3 -I$(UNICORN_BUILD_DIR)/wasm-fpcast/include \
	    $(UNICORN_BENCH_SRC) $(UNICORN_BUILD_DIR)/wasm-fpcast/lib/libunicorn.a \
	    $(UNICORN_WASM_LDFLAGS) -sEMULATE_FUNCTION_POINTER_CASTS=1 -sENVIRONMENT=node \
	    -sEXIT_RUNTIME=1 -o $(UNICORN_BENCH_DIR)/bench-wasm-fpcast.js
	$(UNICORN_EMCC) $(UNICORN_BENCH_CFLAGS) -I$(UNICORN_BUILD_DIR)/wasm-fpcast/include \
	    $(UNICORN_BENCH_SRC) $(UNICORN_BUILD_DIR)/wasm-fpcast/lib/libunicorn.a \
	    $(UNICORN_WASM_LDFLAGS) -sEMULATE_FUNCTION_POINTER_CASTS=1 $(UNICORN_BENCH_WEB_LDFLAGS) \
	    -o $(UNICORN_BENCH_DIR)/web-fpcast/unicorn_bench.js
	cp $(UNICORN_BENCH)/unicorn_bench.html $(UNICORN_BENCH_DIR)/web/index.html
	cp $(UNICORN_BENCH)/unicorn_bench.html $(UNICORN_BENCH_DIR)/web-fpcast/index.html
	UNICORN_NODE="$(UNICORN_NODE)" $(UNICORN_BENCH)/run_unicorn_bench.sh $(UNICORN_BENCH_DIR)
