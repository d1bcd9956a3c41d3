#!/usr/bin/env python3
"""Random differential test: hcallsim against qemu-system-ppc64 -M powernv8 (issue 6 item 5).

Each image holds BLOCKS independent blocks.  A block loads random initial state (GPRs, CR,
XER, LR, CTR, TAR, SPRG0-3, SRR0/1, HSRR0/1) from a table, runs INSNS random instructions drawn
from the instruction table (src/cpu/insns/*.def: fixed-point, branch (forward, short), CR,
load/store to the block's own scratch buffer, storage control, safe SPR moves, the FP/VMX/VSX
rows with their facility off and undefined words of opcodes 4/59/60/63), then stores
every GPR, CR, XER, LR, CTR, CFAR, SPRG0-3, SRR0/1, HSRR0/1, MSR and TAR into RAM -- from an
interrupt vector too, with the vector number -- and hashes that block and its scratch buffer.
The image prints the hashes over the UART and stops through IPMI BT.  Blocks whose hash
differs are rebuilt alone, at the same addresses, into an image that prints the whole register
block and scratch buffer, so the report names the registers that differ.

  qdiff.py --hcallsim BUILD/hcallsim [--qemu qemu-system-ppc64] [--seed N] [--images N]
           [--blocks N] [--insns N] [--time-limit SECONDS] [--keep DIR]

Exit status: 0 no divergence, 1 divergences found, 2 a run failed (no complete dump).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppcasm as P  # noqa: E402
from insn_table import load_rows, operand_bits  # noqa: E402

M64 = P.M64
# Register block: slot 0 the vector (0: none), then the registers below.
SAVE = 0x7000
RESV_DUMMY = 0x7F00  # a doubleword the block prologue takes and releases a reservation on
SAVE_NAMES = (["vector"] + [f"r{i}" for i in range(32)] +
              ["cr", "xer", "lr", "ctr", "cfar", "sprg0", "sprg1", "sprg2", "sprg3", "srr0",
               "srr1", "hsrr0", "hsrr1", "msr", "tar"])
N_SAVE = len(SAVE_NAMES)
SCRATCH_BYTES = 512
SCRATCH_DWORDS = SCRATCH_BYTES // 8
CODE = 0x8000
HASH_K = 0x9E3779B97F4A7C15
HASH_RECORD = 32  # per block: hash, vector, SRR0, HSRR0
HSRR_VECTORS = {0x980, 0xE00, 0xE20, 0xE40, 0xE60, 0xE80, 0xEA0}

# Initial-state table of a block: these SPRs (then r0..r31), in this order.
INIT_SPRS = [("cr", None), ("xer", P.SPR_XER), ("lr", P.SPR_LR), ("ctr", P.SPR_CTR),
             ("tar", P.SPR_TAR), ("sprg0", 272), ("sprg1", 273), ("sprg2", 274),
             ("sprg3", 275), ("srr0", P.SPR_SRR0), ("srr1", P.SPR_SRR1),
             ("hsrr0", P.SPR_HSRR0), ("hsrr1", P.SPR_HSRR1)]
TABLE_DWORDS = len(INIT_SPRS) + 32
# The SPRs random mfspr/mtspr use (CFAR and PVR read only).
SPR_RW = [1, 8, 9, 26, 27, 272, 273, 274, 275, 314, 315, 815]
SPR_RO = [28, 287]

# FP, VMX and VSX: the rows of src/cpu/insns/{fp,vmx,vsx}.def (MSR[FP,VEC,VSX] stay 0, so each
# raises its unavailable interrupt on both sides) share this weight; the undefined words of
# opcodes 4, 59, 60 and 63 (HEA on both sides) have their own.
FACILITY_WEIGHT = 1.5
UNDEFINED_WEIGHT = 0.5
FACILITY_OPCODES = (4, 59, 60, 63)
# QEMU 7.2's answer for every word of those opcodes with the operand fields 0 (the scan of
# tools/isa/gen_facility_rows.py): words it accepts that Power ISA 2.07 does not define are a
# documented QEMU deviation (docs/qemu-divergences.md) and are drawn only with --include-known.
QEMU_SCAN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "isa",
                         "facility_qemu.json")
# Opcode-4 XO 1602 selects its ISA 3.1 instruction by the RA field (vexpand*m, vextract*m,
# vcntmb*, mtvsr*m): QEMU 7.2 accepts some RA values that the scan (RA = 0) does not see, e.g.
# vcntmbb 0x12781e42.  Known deviation: drawn only with --include-known.
RA_SELECTED_XO = {0x10000642}

# Rows drawn from, with weights; everything else in the table is left out.
SYSTEM_ROWS = {"MFSPR": 3.0, "MTSPR": 3.0, "MFMSR": 0.3, "SC": 0.05}
LEFT_OUT = {"RFID", "HRFID", "DOZE", "NAP", "SLEEP", "RVWINKLE", "MTMSR", "MTMSRD", "MFTB",
            "SLBMTE", "SLBIE", "SLBIA", "SLBMFEE", "SLBMFEV", "SLBFEE", "TLBIE", "TLBIEL",
            "TLBSYNC"}
TRAPS = {"TW", "TD", "TWI", "TDI"}
UNDEFINED = object()  # pool entry: an undefined word of an FP/VMX/VSX opcode
HEA = 0xE40


def interesting_value(rng):
    r = rng.random()
    if r < 0.3:
        return rng.choice([0, 1, 2, M64, M64 - 1, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000,
                           0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF80000000,
                           0x100000000, 0x8000000000000001, 31, 32, 63, 64])
    if r < 0.5:
        return rng.getrandbits(rng.choice([4, 8, 16, 32])) * rng.choice([1, 1, M64]) & M64
    return rng.getrandbits(64)


INCLUDE_KNOWN = False  # --include-known: also generate the known, documented divergences


def random_xer(rng):
    """SO, OV, CA and the byte count, and in 20% of the values random reserved bits too: they
    read back as written on both sides (docs/qemu-divergences.md, XER)."""
    v = rng.getrandbits(3) << 29 | rng.getrandbits(7)
    if rng.random() < 0.2:
        v |= rng.getrandbits(64)
    return v & M64


class Generator:
    def __init__(self, rows):
        self.rows = {r.id: r for r in rows}
        self.facility_rows = [r for r in rows if r.match >> 26 in FACILITY_OPCODES]
        pool = []
        n_facility = sum(1 for r in rows if r.has("F_FACILITY"))
        for r in rows:
            if r.id in LEFT_OUT:
                continue
            if r.id in SYSTEM_ROWS:
                w = SYSTEM_ROWS[r.id]
            elif r.has("F_FACILITY"):
                w = FACILITY_WEIGHT / n_facility
            elif r.id in TRAPS:
                w = 0.03
            elif r.has("F_PRIV") or r.has("F_HYP"):
                w = 0.5 if (r.has("F_LOAD") or r.has("F_STORE")) else 0
            else:
                w = 1.0
            if w:
                pool.append((r, w))
        self.pool = [r for r, _ in pool] + [UNDEFINED]
        self.weights = [w for _, w in pool] + [UNDEFINED_WEIGHT]
        self.qemu_scan = {int(k, 16): v for k, v in json.load(open(QEMU_SCAN)).items()}
        self.larx = {1: "LBARX", 2: "LHARX", 4: "LWARX", 8: "LDARX"}
        self.stcx = {1: "STBCX", 2: "STHCX", 4: "STWCX", 8: "STDCX"}

    # --- one block ---------------------------------------------------------------------------
    def block(self, rng, n_insns):
        """A block description: initial state and a list of groups.  A group is a list of
        (kind, value) items: ("w", word) plain words, ("t", word) test words, ("addr", (reg,
        offset)) loads of scratch+offset, ("target", (reg, groups_ahead)) loads of a later
        group's address, ("bt", (word, groups_ahead)) forward branches to a later group."""
        init = {"cr": rng.getrandbits(32), "xer": random_xer(rng)}
        for name, _ in INIT_SPRS[2:]:
            init[name] = interesting_value(rng)
        init["ctr"] = rng.choice([0, 1, 2, 3, interesting_value(rng)])
        init["gpr"] = [interesting_value(rng) for _ in range(32)]
        init["scratch"] = [rng.getrandbits(64) for _ in range(SCRATCH_DWORDS)]
        groups, count = [], 0
        self.xer_count = init["xer"] & 0x7F  # lswx: registers it loads (XER as generated)
        while count < n_insns:
            row = rng.choices(self.pool, self.weights)[0]
            g = self.group(rng, row)
            groups.append(g)
            count += sum(1 for k, _ in g if k in ("t", "bt"))
        return {"init": init, "groups": groups, "count": count}

    def fill(self, rng, row):
        free = ~row.mask & ~row.reserved & 0xFFFFFFFF
        w = row.match | (rng.getrandbits(32) & free)
        if row.reserved and rng.random() < 0.005:  # sometimes an invalid form
            bits = [b for b in range(32) if row.reserved >> b & 1]
            w |= 1 << rng.choice(bits)
        return w

    @staticmethod
    def field(w, first, last, value):
        width = last - first + 1
        shift = 31 - last
        mask = ((1 << width) - 1) << shift
        return (w & ~mask) | ((value << shift) & mask)

    def undefined_word(self, rng):
        """A word of opcode 4, 59, 60 or 63 that no row matches (HEA).  Without --include-known,
        not one whose opcode bits 21-31 QEMU 7.2 accepts (a non-POWER8 instruction there)."""
        while True:
            w = rng.choice(FACILITY_OPCODES) << 26 | rng.getrandbits(26)
            if any((w & r.mask) == r.match for r in self.facility_rows):
                continue
            if not INCLUDE_KNOWN and (self.qemu_scan.get(w & 0xFC0007FF, HEA) != HEA or
                                      w & 0xFC0007FF in RA_SELECTED_XO):
                continue
            return w

    def group(self, rng, row):
        if row is UNDEFINED:
            return [("t", self.undefined_word(rng))]
        w = self.fill(rng, row)
        F = self.field
        if row.id == "B":
            w = F(w, 30, 30, 0)
            return [("bt", (w & ~0x03FFFFFC, rng.randint(1, 4)))]
        if row.id == "BC":
            w = F(w, 30, 30, 0)
            return [("bt", (w & ~0xFFFC, rng.randint(1, 4)))]
        if row.id in ("BCLR", "BCCTR", "BCTAR"):
            reg = rng.randint(1, 31)
            spr = {"BCLR": P.SPR_LR, "BCCTR": P.SPR_CTR, "BCTAR": P.SPR_TAR}[row.id]
            return [("target", (reg, rng.randint(1, 3))), ("w", P.mtspr(spr, reg)), ("t", w)]
        if row.id in ("MFSPR", "MTSPR"):
            spr = rng.choice(SPR_RW + (SPR_RO if row.id == "MFSPR" else []))
            w = F(w, 11, 20, P.spr_field(spr))
            if row.id == "MTSPR" and spr == P.SPR_XER:
                # a known value, so that lswx later knows its byte count
                rs = (w >> 21) & 31
                v = random_xer(rng)
                self.xer_count = v & 0x7F
                return [("w", P.li(rs, 0)), ("w", P.oris(rs, rs, v >> 48)),
                        ("w", P.ori(rs, rs, (v >> 32) & 0xFFFF)), ("w", P.sldi(rs, rs, 32)),
                        ("w", P.oris(rs, rs, (v >> 16) & 0xFFFF)),
                        ("w", P.ori(rs, rs, v & 0xFFFF)), ("t", w)]
            return [("t", w)]
        if row.id in ("DIVDE", "DIVDEU") and not INCLUDE_KNOWN:
            w = F(w, 21, 21, 0)  # divde[u]o: OV differs on purpose (docs/qemu-divergences.md)
        if row.id == "SC":
            return [("t", F(w, 20, 26, rng.randint(0, 1)))]
        if row.has("F_LOAD") or row.has("F_STORE") or row.form in ("X",) and "ra0" in row.operands \
                and "rb" in row.operands:
            return self.memory_group(rng, row, w)
        return [("t", w)]

    def memory_group(self, rng, row, w):
        F = self.field
        size = row.size or 8
        ea_off = rng.randrange(0, 256)
        atomic = row.id in self.larx.values() or row.id in self.stcx.values()
        if atomic or rng.random() < 0.8:
            ea_off -= ea_off % min(size, 16)
        rt = (w >> 21) & 31
        update, loads = row.has("F_UPDATE"), row.has("F_LOAD")
        if row.id in ("LSWI", "STSWI"):
            nb = rng.randint(0, 31)
            w = F(w, 16, 20, nb)
            loaded = {(rt + k) % 32 for k in range(((nb or 32) + 3) // 4)}
        elif row.id == "LMW":
            loaded = set(range(rt, 32))
        elif row.id == "LSWX":
            loaded = {(rt + k) % 32 for k in range((self.xer_count + 3) // 4)}
        else:
            loaded = {rt} if update and loads else set()

        def pick_ra():  # a base register the instruction does not load (mostly: invalid forms)
            while True:
                ra = rng.randint(1, 31)
                if ra in loaded and row.id != "STSWI" and rng.random() < 0.95:
                    continue
                return ra

        items = []
        if row.form in ("D", "DS"):
            ra = pick_ra()
            if row.form == "D":
                d = rng.randrange(-128, 128)
                w = F(w, 16, 31, d & 0xFFFF)
            else:
                d = rng.randrange(-128, 128) & ~3
                w = F(w, 16, 29, (d >> 2) & 0x3FFF)
            w = F(w, 11, 15, ra)
            items.append(("addr", (ra, ea_off - d)))
        elif row.id in ("LSWI", "STSWI"):
            ra = pick_ra()
            w = F(w, 11, 15, ra)
            items.append(("addr", (ra, ea_off)))
        else:
            ra = 0 if rng.random() < 0.15 and not update else pick_ra()
            rb = rng.randint(1, 31)
            while rb == ra or rb in loaded and rng.random() < 0.95:
                rb = rng.randint(1, 31)
            w = F(F(w, 11, 15, ra), 16, 20, rb)
            if ra == 0:
                items.append(("addr", (rb, ea_off)))
            else:
                off = rng.randrange(-256, 256)
                items.append(("w", P.li(rb, off)))
                items.append(("addr", (ra, ea_off - off)))
        if row.id in self.larx.values():
            stcx = self.rows[self.stcx[row.size]]
            sw = F(stcx.match, 6, 10, rng.randint(0, 31)) | (w & 0x001FF800)  # same RA, RB
            return items + [("t", w), ("t", sw)]
        return items + [("t", w)]


# --- images --------------------------------------------------------------------------------
def emit_vectors(a):
    for vec in range(0x100, 0x2000, 0x20):
        a.org(vec)
        a.emit(P.mtspr(P.SPR_HSPRG0, 0), P.li(0, vec), P.std(0, SAVE, 0),
               P.mfspr(0, P.SPR_HSPRG0))
        a.b("int_save")


def emit_save(a):
    """Stores the register block (all but slot 0).  No branch: CFAR is read as left."""
    a.emit(*[P.std(r, SAVE + 8 * (1 + r), 0) for r in range(32)])
    slot = lambda name: SAVE + 8 * SAVE_NAMES.index(name)  # noqa: E731
    a.emit(P.mfcr(0), P.std(0, slot("cr"), 0))
    for name, spr in [("xer", 1), ("lr", 8), ("ctr", 9), ("cfar", 28), ("sprg0", 272),
                      ("sprg1", 273), ("sprg2", 274), ("sprg3", 275), ("srr0", 26), ("srr1", 27),
                      ("hsrr0", 314), ("hsrr1", 315), ("tar", 815)]:
        a.emit(P.mfspr(0, spr), P.std(0, slot(name), 0))
    a.emit(P.mfmsr(0), P.std(0, slot("msr"), 0))


def emit_hash(a):
    """hash_block: r3 = register block, r4 = scratch, r5 = a 4-doubleword record: the hash, the
    vector, SRR0 and HSRR0 (where the block was interrupted, if it was)."""
    a.label("hash_block")
    for k, name in enumerate(("vector", "srr0", "hsrr0")):
        a.emit(P.ld(9, SAVE + 8 * SAVE_NAMES.index(name), 0), P.std(9, 8 + 8 * k, 5))
    a.emit(P.li(6, 0))
    a.load64(7, HASH_K)
    for base, count, name in ((3, N_SAVE, "h1"), (4, SCRATCH_DWORDS, "h2")):
        a.emit(P.li(8, count), P.mtspr(P.SPR_CTR, 8))
        a.label(name)
        a.emit(P.ld(9, 0, base), P.rotldi(6, 6, 7), P.xor(6, 6, 9), P.mulld(6, 6, 7),
               P.addi(base, base, 8))
        a.bdnz(name)
    a.emit(P.std(6, 0, 5), P.BLR)


class Layout:
    """Addresses of each block (code, table, scratch) so that one block can be rebuilt alone
    exactly where it ran."""

    def __init__(self, n_blocks, code_sizes):
        self.code = []
        pc = 0x10000
        for size in code_sizes:
            self.code.append(pc)
            pc += size
        self.data = (pc + 0xFFFF) & ~0xFFFF
        self.table = [self.data + i * (TABLE_DWORDS * 8) for i in range(n_blocks)]
        scratch0 = (self.table[-1] + TABLE_DWORDS * 8 + 0xFFF) & ~0xFFF if n_blocks else self.data
        self.scratch = [scratch0 + i * SCRATCH_BYTES for i in range(n_blocks)]
        self.hashes = scratch0 + n_blocks * SCRATCH_BYTES
        self.test_addrs = [[] for _ in range(n_blocks)]  # addresses of each block's test words


def emit_block(a, b, idx, lay, after):
    """Block idx at lay.code[idx]; falls through (or arrives from int_save) to label after."""
    a.org(lay.code[idx])
    a.label(f"block{idx}")
    a.load_addr(3, RESV_DUMMY)
    a.emit(P.ldarx(4, 0, 3), P.stdcx(4, 0, 3), P.li(3, 0), P.std(3, SAVE, 0))
    a.fixups.append((a.pc, "hi", after))
    a.emit(P.lis(3, 0))
    a.fixups.append((a.pc, "lo", after))
    a.emit(P.ori(3, 3, 0), P.mtspr(P.SPR_HSPRG1, 3))
    a.load_addr(31, lay.table[idx])
    for k, (name, spr) in enumerate(INIT_SPRS):
        a.emit(P.ld(3, 8 * k, 31), P.mtcrf(0xFF, 3) if spr is None else P.mtspr(spr, 3))
    first = len(INIT_SPRS) * 8
    a.emit(*[P.ld(r, first + 8 * r, 31) for r in range(32)])
    # test groups
    groups = b["groups"]
    glabel = lambda g: f"b{idx}g{g}" if g < len(groups) else f"b{idx}end"  # noqa: E731
    for gi, g in enumerate(groups):
        a.label(glabel(gi))
        for kind, val in g:
            if kind in ("w", "t"):
                if kind == "t":
                    lay.test_addrs[idx].append(a.pc)
                a.emit(val)
            elif kind == "addr":
                reg, off = val
                a.load_addr(reg, lay.scratch[idx] + off)
            elif kind == "target":
                reg, ahead = val
                a.fixups.append((a.pc, "hi", glabel(min(gi + ahead, len(groups)))))
                a.emit(P.lis(reg, 0))
                a.fixups.append((a.pc, "lo", glabel(min(gi + ahead, len(groups)))))
                a.emit(P.ori(reg, reg, 0))
            elif kind == "bt":
                word, ahead = val
                kind_fix = "i" if word >> 26 == 18 else "b"
                lay.test_addrs[idx].append(a.pc)
                a.fixups.append((a.pc, kind_fix, glabel(min(gi + ahead, len(groups)))))
                a.emit(word)
    a.label(glabel(len(groups)))
    emit_save(a)
    a.label(after)


def block_data(a, b, idx, lay):
    init = b["init"]
    vals = [init[name] for name, _ in INIT_SPRS] + init["gpr"]
    a.data64(lay.table[idx], vals)
    a.data64(lay.scratch[idx], init["scratch"])


def resolve_abs(a):
    for addr, kind, label in a.fixups:
        if kind in ("hi", "lo"):
            target = a.labels[label]
            a.words[addr] |= (target >> 16) if kind == "hi" else (target & 0xFFFF)
    a.fixups = [f for f in a.fixups if f[1] in ("i", "b")]


def common_head(a):
    a.org(0x10)
    a.b("start")
    emit_vectors(a)
    a.org(CODE)
    a.label("int_save")
    emit_save(a)
    a.emit(P.mfspr(3, P.SPR_HSPRG1), P.mtspr(P.SPR_CTR, 3), P.BCTR)
    emit_hash(a)
    P.emit_lpc_library(a)


def block_code_size(b, idx):
    a = P.Asm()
    lay = Layout(1, [0])
    lay.code = [0]
    lay.scratch = [0x100000]  # any address: only the size matters here
    lay.table = [0x100000]
    lay.test_addrs = [[]]
    emit_block(a, b, 0, lay, "after")
    return a.pc + 4 * 16  # room for the hash call


def build_multi(blocks):
    sizes = [block_code_size(b, i) for i, b in enumerate(blocks)]
    lay = Layout(len(blocks), sizes)
    a = P.Asm()
    common_head(a)
    a.label("start")
    a.b("block0")
    for i, b in enumerate(blocks):
        emit_block(a, b, i, lay, f"after{i}")
        a.load_addr(3, SAVE)
        a.load_addr(4, lay.scratch[i])
        a.load_addr(5, lay.hashes + HASH_RECORD * i)
        a.bl("hash_block")
        a.b(f"block{i + 1}" if i + 1 < len(blocks) else "finish")
        block_data(a, b, i, lay)
    a.org(lay.code[-1] + sizes[-1])
    a.label("finish")
    a.bl("lpc_io_init")
    a.load_addr(24, lay.hashes)
    a.load_addr(26, len(blocks) * HASH_RECORD // 8)
    a.bl("dump_dwords")
    a.bl("chassis_hard_reset")
    resolve_abs(a)
    return a.image(), lay


def build_single(blocks, idx, lay):
    a = P.Asm()
    common_head(a)
    a.label("start")
    a.b(f"block{idx}")
    emit_block(a, blocks[idx], idx, lay, "after")
    a.bl("lpc_io_init")
    a.load_addr(24, SAVE)
    a.load_addr(26, N_SAVE)
    a.bl("dump_dwords")
    a.load_addr(24, lay.scratch[idx])
    a.load_addr(26, SCRATCH_DWORDS)
    a.bl("dump_dwords")
    a.bl("chassis_hard_reset")
    block_data(a, blocks[idx], idx, lay)
    resolve_abs(a)
    return a.image()


# --- running -------------------------------------------------------------------------------
def parse_dwords(text):
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if len(line) == 16:
            try:
                out.append(int(line, 16))
            except ValueError:
                pass
    return out


def run_qemu(qemu, path, timeout):
    cmd = ["timeout", str(timeout), qemu, "-M", "powernv8", "-bios", path, "-display", "none",
           "-serial", "stdio", "-monitor", "none", "-no-reboot"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout


def run_hcallsim(hcallsim, path, timeout):
    cmd = ["timeout", str(timeout), hcallsim, "bios", path, "--max-insns", "500000000"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout


def run_both(args, path, pool):
    fq = pool.submit(run_qemu, args.qemu, path, args.run_timeout)
    fh = pool.submit(run_hcallsim, args.hcallsim, path, args.run_timeout)
    return fq.result(), fh.result()


def disasm(hcallsim, words):
    if not words:
        return []
    p = subprocess.run([hcallsim, "disasm", "--words"] + [f"{w:08x}" for w in words],
                       capture_output=True, text=True)
    lines = p.stdout.strip().split("\n")[1:]
    return [" ".join(l.split()[1:]) if l else "" for l in lines]


def describe_block(args, b):
    words = [v if k == "t" else v[0] for g in b["groups"] for k, v in g if k in ("t", "bt")]
    return disasm(args.hcallsim, words)


def reached(test_addrs, record):
    """Test words up to and including the one that was interrupted (all of them if none was);
    words a taken forward branch skipped are included."""
    vector, srr0, hsrr0 = record
    if vector == 0:
        return len(test_addrs)
    where = hsrr0 if vector in HSRR_VECTORS else srr0
    if vector == 0xC00:
        where -= 4  # sc: SRR0 is the next instruction
    n = sum(1 for addr in test_addrs if addr <= where)
    return n if n else len(test_addrs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hcallsim", required=True)
    ap.add_argument("--qemu", default="qemu-system-ppc64")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--images", type=int, default=1, help="number of images (0: until time limit)")
    ap.add_argument("--blocks", type=int, default=500, help="blocks per image")
    ap.add_argument("--insns", type=int, default=40, help="test instructions per block")
    ap.add_argument("--time-limit", type=float, default=0, help="stop starting images after this")
    ap.add_argument("--run-timeout", type=int, default=120)
    ap.add_argument("--max-report", type=int, default=20, help="divergences printed in full")
    ap.add_argument("--keep", default="", help="keep the images in this directory")
    ap.add_argument("--include-known", action="store_true",
                    help="also generate the documented divergences (divdeo OV, "
                         "opcode 4/59/60/63 words QEMU 7.2 accepts that ISA 2.07 does not define)")
    args = ap.parse_args()
    global INCLUDE_KNOWN
    INCLUDE_KNOWN = args.include_known

    gen = Generator(load_rows())
    workdir = args.keep or tempfile.mkdtemp(prefix="qdiff-")
    os.makedirs(workdir, exist_ok=True)
    t0 = time.time()
    images = insns = generated = blocks_done = 0
    interrupts = Counter()
    divergences = []
    failed = False
    with ThreadPoolExecutor(max_workers=2) as pool:
        i = 0
        while (args.images == 0 or i < args.images) and \
                (not args.time_limit or time.time() - t0 < args.time_limit):
            seed = args.seed + i
            i += 1
            rng = random.Random(seed)
            blocks = [gen.block(random.Random(rng.getrandbits(64)), args.insns)
                      for _ in range(args.blocks)]
            image, lay = build_multi(blocks)
            path = os.path.join(workdir, f"qdiff-{seed}.bin")
            open(path, "wb").write(image)
            (qrc, qout), (hrc, hout) = run_both(args, path, pool)
            qh, hh = parse_dwords(qout), parse_dwords(hout)
            if len(qh) != 4 * len(blocks) or len(hh) != 4 * len(blocks):
                print(f"seed {seed}: incomplete dump (qemu rc {qrc}, {len(qh)} hashes; "
                      f"hcallsim rc {hrc}, {len(hh)} hashes; {4 * len(blocks)} expected), "
                      f"image kept: {path}", flush=True)
                failed = True
                continue
            images += 1
            blocks_done += len(blocks)
            generated += sum(b["count"] for b in blocks)
            for k in range(len(blocks)):
                insns += reached(lay.test_addrs[k], qh[4 * k + 1:4 * k + 4])
                interrupts[qh[4 * k + 1]] += 1
            for k in (k for k in range(len(blocks)) if qh[4 * k:4 * k + 4] != hh[4 * k:4 * k + 4]):
                single = build_single(blocks, k, lay)
                spath = os.path.join(workdir, f"qdiff-{seed}-block{k}.bin")
                open(spath, "wb").write(single)
                (_, qs), (_, hs) = run_both(args, spath, pool)
                qv, hv = parse_dwords(qs), parse_dwords(hs)
                diffs = []
                names = SAVE_NAMES + [f"scratch+{8 * j:#x}" for j in range(SCRATCH_DWORDS)]
                for j, name in enumerate(names):
                    q = qv[j] if j < len(qv) else None
                    h = hv[j] if j < len(hv) else None
                    if q != h:
                        fmt = lambda v: "missing" if v is None else f"{v:016x}"  # noqa: E731
                        diffs.append(f"{name}: qemu {fmt(q)} hcallsim {fmt(h)}")
                divergences.append((seed, k, blocks[k], diffs, spath))
            if not args.keep:
                os.remove(path)
            print(f"image seed {seed}: {len(blocks)} blocks, "
                  f"{sum(b['count'] for b in blocks)} instructions generated, "
                  f"{insns} compared so far, "
                  f"{sum(1 for d in divergences if d[0] == seed)} divergent blocks "
                  f"({time.time() - t0:.0f} s)", flush=True)
    for n, (seed, k, b, diffs, spath) in enumerate(divergences):
        if n >= args.max_report:
            print(f"... {len(divergences) - n} more divergent blocks not shown")
            break
        print(f"\nDIVERGENCE seed {seed} block {k} (alone: {spath})")
        print("  initial: " + " ".join(f"{name}={b['init'][name]:x}" for name, _ in INIT_SPRS))
        print("  initial gprs: " + " ".join(f"r{r}={v:x}" for r, v in enumerate(b["init"]["gpr"])))
        print("  instructions: " + "; ".join(describe_block(args, b)))
        for d in diffs:
            print("  " + d)
    if not args.keep and not os.listdir(workdir):
        os.rmdir(workdir)
    print("\nblocks ended by an interrupt: " + (", ".join(
        f"{v:#x}: {n}" for v, n in sorted(interrupts.items()) if v) or "none"))
    print(f"images: {images}  blocks: {blocks_done}  instructions generated: {generated}  "
          f"instructions compared: {insns}  divergences: {len(divergences)}  "
          f"({time.time() - t0:.0f} s)")
    if failed:
        return 2
    return 1 if divergences else 0


if __name__ == "__main__":
    sys.exit(main())
