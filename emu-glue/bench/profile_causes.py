#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self time of an emulator profile grouped by cause (docs/perf/unicorn.md,
"Where the time goes"): a perf.data file of the native runner (perf report),
or a V8 .cpuprofile of the wasm module (emu-glue/bench/cpuprofile_top.mjs).
Each function goes to the first group whose pattern matches its name.

usage: profile_causes.py perf FILE.data | cpuprofile FILE.cpuprofile
"""
import collections
import os
import re
import subprocess
import sys

GROUPS = [
    ("store slow path (store_helper, notdirty_write, tb_invalidate_phys_page_fast, page_collection_*)",
     r"store_helper|notdirty_write.*|tb_invalidate_phys_page_fast.*|tb_invalidate_phys_page_range.*"
     r"|page_collection_.*|store_memop|helper_(le|be|ret)_st.*_mmu.*"),
    ("Unicorn's memory_mapping lookup (find_memory_mapping, flatview_translate, address_space_translate_internal)",
     r"find_memory_mapping.*|flatview_translate.*|address_space_translate_internal|g_hash_table_lookup"),
    ("load helper and softmmu TLB (load_helper, helper_*_ld*_mmu, victim_tlb_hit, tlb_fill)",
     r"load_helper|helper_(le|be|ret)_ld.*_mmu.*|victim_tlb_hit|tlb_fill.*|arm_cpu_tlb_fill.*|get_phys_addr.*"),
    ("exit-request helper", r"helper_check_exit_request.*"),
    ("block hook (on_block)", r"on_block|helper_uc_tracecode.*"),
    ("TCI helper-call glue (tci_call, tci_call_typed)", r"tci_call|tci_call_typed"),
    ("TCI interpreter loop (tcg_qemu_tb_exec)", r"tcg_qemu_tb_exec.*|tci_compare.*|tci_read.*"),
    ("generated host code (JIT)", r"\[JIT\]"),
    ("TB lookup and dispatch (cpu_exec, helper_lookup_tb_ptr, tb_htable_lookup, cpu_get_tb_cpu_state)",
     r"cpu_exec.*|helper_lookup_tb_ptr.*|tb_htable_lookup.*|qht_lookup.*|cpu_get_tb_cpu_state.*|tb_lookup.*"
     r"|tb_exec_lock.*|tb_exec_unlock.*|rebuild_hflags.*|resume_all_vcpus.*|cpu_handle_.*|helper_rebuild_hflags.*"),
    ("Emscripten setjmp/longjmp (invoke_*, js-to-wasm, wasm-to-js, longjmp)",
     r"invoke_.*|js-to-wasm.*|wasm-to-js.*|__emscripten_throw_longjmp|_?getTempRet0|setTempRet0"
     r"|_?emscripten_longjmp|stackSave|stackRestore|getWasmTableEntry|_?setThrew"),
    ("worker loop (postMessage, idle, slices, watchers, GC)",
     r"postMessage|\(idle\)|turn|metaBytes|G|\(garbage collector\)|\(program\)"),
    ("host kernel", r"\[k\]"),
]


def perf_functions(path):
    report = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "dso,symbol", "--stdio",
                             "-g", "none"], check=True, capture_output=True, text=True).stdout
    for line in report.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(\S+(?: tid \d+)?)\s+\[(.)\]\s+(\S+)", line)
        if m:
            share, dso, kind, symbol = float(m[1]), m[2], m[3], m[4]
            yield ("[JIT]" if dso.startswith("[JIT]") else "[k]" if kind == "k" else symbol), share


def cpuprofile_functions(path):
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpuprofile_top.mjs")
    listing = subprocess.run(["node", top, path, "1000000"], check=True, capture_output=True, text=True).stdout
    for line in listing.splitlines()[1:]:
        m = re.match(r"\s*([\d.]+) %\s+\d+ ms  (.+)$", line)
        if m:
            # "name (script)": the script is not part of the name
            named = re.match(r"(.*\S) \([^()]*\)$", m[2])
            yield (named[1] if named else m[2]), float(m[1])


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("perf", "cpuprofile"):
        sys.exit(__doc__.strip().splitlines()[-1])
    kind, path = sys.argv[1:]
    shares, others = collections.Counter(), collections.Counter()
    for name, share in (perf_functions(path) if kind == "perf" else cpuprofile_functions(path)):
        group = next((g for g, pattern in GROUPS if re.fullmatch(pattern, name)), "other")
        shares[group] += share
        if group == "other":
            others[name] += share
    for group, share in shares.most_common():
        print(f"{share:5.1f} %  {group}")
    print("largest in other: " + ", ".join(f"{n} {s:.1f} %" for n, s in others.most_common(8)))


if __name__ == "__main__":
    main()
