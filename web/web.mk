# web.mk — the playground (Vite + TypeScript). Included from the top-level
# Makefile, which provides BUILD, NODE_MODULES and the kernel and emu targets.
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)

# public/ holds copies of the kernel image and the emulator module (not committed).
public/kernel8.img public/emu/allocplay-emu.mjs public/emu/allocplay-emu.wasm &: \
		$(BUILD)/kernel8.img $(BUILD)/emu/allocplay-emu.mjs
	$(call quiet,COPY,public/)web/scripts/copy-assets.sh >/dev/null

WEB_ASSETS := public/kernel8.img public/emu/allocplay-emu.mjs public/emu/allocplay-emu.wasm

$(BUILD)/web/index.html: $(WEB_SOURCES) $(WEB_ASSETS) emu-glue/js/machine.mjs | $(NODE_MODULES)
	$(call quiet,VITE,$(BUILD)/web)npm run --silent build

.PHONY: web-assets web-build web-test web-unit-test web-browser-test web-bench
web-assets: $(WEB_ASSETS)
web-build: $(BUILD)/web/index.html

web-unit-test: | $(NODE_MODULES)
	@echo "== web: decoder and page logic (vitest)"
	npm run --silent test:unit

# Browser tests serve the production build with vite preview and drive
# Debian's Chromium through playwright-core.
web-browser-test: web-build $(BUILD)/tests/guests/uart_echo.img
	@echo "== web: browser tests (Chromium, playwright-core)"
	npm run --silent test:browser

web-test: web-unit-test web-browser-test

web-bench: web-build
	node web/bench/run-bench.mjs
