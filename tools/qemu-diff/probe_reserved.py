#!/usr/bin/env python3
"""Which non-opcode bits of each instruction-table row make the word invalid?

For every row it builds a word from safe operands ("base"), then the base with each candidate
bit set alone -- every bit that is neither opcode (mask) nor operand nor flag, plus the bits of
the row's `reserved` column -- and runs them all in one bare-metal powernv8 image under QEMU and
under `hcallsim bios`.  Each probe records the interrupt vector it took (or none) and the image
prints the records over the UART.  The report lists, per row, QEMU's invalid bits (vector 0xe40,
Hypervisor Emulation Assistance), the table's reserved column, and every probe where hcallsim
and QEMU disagree.

  probe_reserved.py --hcallsim BUILD/hcallsim [--qemu qemu-system-ppc64] [--rows ID,ID] [--json F]
                    [--check-table] [--opcode-space]

--opcode-space also runs every word of the FP/VMX/VSX opcodes 4, 59, 60 and 63 with the operand
fields 0 (bits 21-31 taking all 2048 values) on both sides: the words no row matches must raise
HEA in QEMU too.  The only accepted difference is a word QEMU 7.2 takes as an instruction although
Power ISA 2.07 has none there (objdump -M power8 does not know it, or it is an ISA 3.x
instruction): hcallsim follows the ISA (docs/qemu-divergences.md, FP/VMX/VSX).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppcasm as P  # noqa: E402
from insn_table import load_rows, operand_bits  # noqa: E402

GPR_VALUE = 0x9000000000001000  # SF|HV|ME as an MSR; EA 0x1000 in hypervisor real mode
MSR_SLOT = 0x3FF0  # the initial MSR, restored by every probe and every handler
GPR_SLOT = 0x3FF8
RESULTS = 0x4000  # one halfword per probe: the vector taken, 0xffff for none
CODE = 0x8000
MAX_PROBES = (0x8000 - RESULTS) // 2
NO_VECTOR = 0xFFFF
HEA = 0xE40

# Rows that stop the thread (power saving) or hcallsim's run (msgsnd: doorbells are not modelled).
HALTING = {"DOZE", "NAP", "SLEEP", "RVWINKLE", "MSGSND"}
# Of those, the rows QEMU runs where hcallsim stops by design (docs/qemu-divergences.md): a probe
# agrees when QEMU runs the word and hcallsim stops; only the HEA decision is compared.
UNMODELLED = {"MSGSND"}


def base_word(row):
    """The row's word with operands that keep the instruction harmless and valid."""
    w = row.match
    f = lambda first, value: value << (31 - first)  # noqa: E731  (field ending at bit `first`)
    if row.id == "B":
        w |= 4  # b .+4
    elif row.id == "BC":
        w |= f(10, 20) | 4  # bc 20,0,.+4
    elif row.id in ("BCLR", "BCCTR", "BCTAR"):
        w |= f(10, 20)  # BO=20: branch always (bcctr with CTR decrement is invalid)
    elif row.id in ("MFSPR", "MTSPR"):
        w |= P.spr_field(P.SPR_SPRG0) << 11
    elif row.id == "MFTB":
        w |= P.spr_field(268) << 11
    elif row.id in ("MFOCRF", "MTOCRF"):
        w |= 0x80 << 12
    elif row.id in ("LSWI", "STSWI"):
        w |= f(10, 20) | f(20, 4)  # RT=20, NB=4
    elif row.id in ("LSWX", "STSWX"):
        w |= f(10, 20)
    elif row.id in ("LMW", "STMW"):
        w |= f(10, 28)
    elif row.has("F_UPDATE"):
        w |= f(10, 5) | f(15, 3)  # RT=5, RA=3
    return w


def candidate_bits(row):
    free = ~row.mask & ~operand_bits(row) & 0xFFFFFFFF
    cand = free | row.reserved
    return [b for b in range(32) if cand & (1 << (31 - b))]


def build_image(probes):
    """probes: list of words.  Returns the raw image."""
    a = P.Asm()
    a.org(0x10)
    a.b("start")
    for vec in range(0x100, 0x1000, 0x20):
        a.org(vec)
        a.emit(P.li(1, vec))
        a.b("handler")
    a.data64(MSR_SLOT, [0, GPR_VALUE])
    a.org(CODE)
    a.label("handler")  # r1 = vector: record it, resume at the next probe (HSPRG0)
    a.emit(P.mfspr(2, P.SPR_HSPRG1), P.d_form(44, 1, 2, 0))  # sth r1,0(r2)
    a.emit(P.mfspr(3, P.SPR_HSPRG0), P.mtspr(P.SPR_HSRR0, 3), P.ld(3, MSR_SLOT, 0),
           P.mtspr(P.SPR_HSRR1, 3), P.HRFID)
    P.emit_lpc_library(a)
    a.label("start")
    a.emit(P.mfmsr(3), P.std(3, MSR_SLOT, 0))
    # results start as "no interrupt"
    a.emit(P.li(3, -1))
    a.load_addr(4, RESULTS)
    a.emit(P.li(5, (len(probes) + 3) // 4), P.mtspr(P.SPR_CTR, 5))
    a.label("fill")
    a.emit(P.std(3, 0, 4), P.addi(4, 4, 8))
    a.bdnz("fill")
    for i, word in enumerate(probes):
        nxt = f"probe{i + 1}"
        a.load_addr(3, RESULTS + 2 * i)
        a.emit(P.mtspr(P.SPR_HSPRG1, 3))
        a.fixups.append((a.pc, "hi", nxt))
        a.emit(P.lis(3, 0))
        a.fixups.append((a.pc, "lo", nxt))
        a.emit(P.ori(3, 3, 0))
        a.emit(*[P.mtspr(s, 3) for s in (P.SPR_HSPRG0, P.SPR_LR, P.SPR_CTR, P.SPR_TAR,
                                           P.SPR_SRR0, P.SPR_HSRR0)])
        a.emit(P.ld(3, MSR_SLOT, 0), P.mtspr(P.SPR_SRR1, 3), P.mtspr(P.SPR_HSRR1, 3),
               P.mtmsrd(3), P.li(3, 0), P.mtcrf(0xFF, 3), P.mtspr(P.SPR_XER, 3))
        a.emit(*[P.ld(r, GPR_SLOT, 0) for r in range(32)])
        a.emit(word)
        a.label(nxt)
    a.emit(P.ld(3, MSR_SLOT, 0), P.mtmsrd(3))
    a.bl("lpc_io_init")
    a.load_addr(24, RESULTS)
    a.emit(P.li(26, (len(probes) + 3) // 4))
    a.bl("dump_dwords")
    a.bl("chassis_hard_reset")
    # hi/lo fix-ups for absolute addresses
    for addr, kind, label in list(a.fixups):
        if kind in ("hi", "lo"):
            target = a.labels[label]
            a.words[addr] |= (target >> 16) if kind == "hi" else (target & 0xFFFF)
    a.fixups = [f for f in a.fixups if f[1] in ("i", "b")]
    return a.image()


def parse_dump(text, count):
    vals = []
    for line in text.split("\n"):
        line = line.strip()
        if len(line) == 16:
            v = int(line, 16)
            vals += [(v >> 48) & 0xFFFF, (v >> 32) & 0xFFFF, (v >> 16) & 0xFFFF, v & 0xFFFF]
    if len(vals) < count:
        return None
    return vals[:count]


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        return out.decode() if isinstance(out, bytes) else out


def run_both(image_path, args, count, timeout):
    q = run(["timeout", str(timeout), args.qemu, "-M", "powernv8", "-bios", image_path,
             "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"], timeout + 5)
    h = run([args.hcallsim, "bios", image_path, "--max-insns", "50000000"], timeout + 5)
    return parse_dump(q, count), parse_dump(h, count)


def vec_name(v):
    if v is None:
        return "halt"
    return "runs" if v == NO_VECTOR else f"{v:#x}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcallsim", required=True)
    ap.add_argument("--qemu", default="qemu-system-ppc64")
    ap.add_argument("--rows", default="")
    ap.add_argument("--json", default="")
    ap.add_argument("--check-table", action="store_true",
                    help="also fail when a row's reserved column differs from QEMU's invalid bits")
    ap.add_argument("--opcode-space", action="store_true",
                    help="also compare every word of opcodes 4/59/60/63 with operand fields 0")
    args = ap.parse_args()

    rows = [r for r in load_rows() if r.operands != ["word"]]
    if args.rows:
        want = set(args.rows.split(","))
        rows = [r for r in rows if r.id in want]
    probes = []  # (row, bit or None, word)
    for r in rows:
        base = base_word(r)
        probes.append((r, None, base))
        for b in candidate_bits(r):
            probes.append((r, b, base | (1 << (31 - b))))

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        normal = [p for p in probes if p[0].id not in HALTING]
        for start in range(0, len(normal), MAX_PROBES):
            chunk = normal[start:start + MAX_PROBES]
            path = os.path.join(tmp, "probe.bin")
            open(path, "wb").write(build_image([w for _, _, w in chunk]))
            q, h = run_both(path, args, len(chunk), 60)
            if q is None or h is None:
                sys.exit(f"probe image produced no complete dump (qemu {q is not None}, "
                         f"hcallsim {h is not None})")
            for k, p in enumerate(chunk):
                results[(p[0].id, p[1])] = (q[k], h[k], p[2])
        for p in probes:  # one image each: a valid power-saving instruction stops the thread
            if p[0].id not in HALTING:
                continue
            path = os.path.join(tmp, "halt.bin")
            open(path, "wb").write(build_image([p[2]]))
            q, h = run_both(path, args, 1, 3)
            results[(p[0].id, p[1])] = (q[0] if q else None, h[0] if h else None, p[2])

    report = []
    disagreements = table_rows_differ = 0
    for r in rows:
        bq, bh, bw = results[(r.id, None)]
        inval = 0
        lines = []
        for b in candidate_bits(r):
            q, h, w = results[(r.id, b)]
            bit = 1 << (31 - b)
            if q == HEA and bq != HEA:
                inval |= bit
            unmodelled = r.id in UNMODELLED and q != HEA and h is None
            if q != h and not unmodelled:
                disagreements += 1
                lines.append(f"    bit {b:2} word {w:08x}: qemu {vec_name(q)}, "
                             f"hcallsim {vec_name(h)}")
        ok = "" if bq != HEA else "  (base word itself raises HEA in QEMU: not analysed)"
        flag = "" if inval == r.reserved or bq == HEA else "   <-- reserved column differs"
        table_rows_differ += bool(flag)
        print(f"{r.id:10} base {bw:08x} qemu {vec_name(bq):5} hcallsim {vec_name(bh):5} "
              f"qemu-invalid {inval:08x} reserved {r.reserved:08x}{flag}{ok}")
        for line in lines:
            print(line)
        report.append({"id": r.id, "base": bw, "qemu_invalid": inval, "reserved": r.reserved,
                       "base_qemu": bq, "base_hcallsim": bh})
    print(f"{len(probes)} probes, {len(rows)} rows, {disagreements} probes where hcallsim and "
          f"QEMU disagree, {table_rows_differ} rows whose reserved column differs from QEMU")
    if args.json:
        json.dump(report, open(args.json, "w"), indent=1)
    unexplained = opcode_space(args) if args.opcode_space else 0
    return 1 if disagreements or unexplained or (args.check_table and table_rows_differ) else 0


def opcode_space(args):
    """Returns the number of unexplained differences over the opcode 4/59/60/63 words."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "isa"))
    import gen_facility_rows as G  # noqa: E402  (objdump naming and the ISA 3.x list)

    words = [(op << 26) | x for op in G.OPCODES for x in range(2048)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "space.bin")
        open(path, "wb").write(build_image(words))
        q, h = run_both(path, args, len(words), 120)
    if q is None or h is None:
        sys.exit("opcode-space image produced no complete dump")
    diff = [(w, qv, hv) for w, qv, hv in zip(words, q, h) if qv != hv]
    names = G.objdump([w for w, _, _ in diff], "powerpc64-linux-gnu-objdump")
    explained, unexplained = {}, []
    for (w, qv, hv), (name, _) in zip(diff, names):
        not_isa207 = name == ".long" or name in G.NOT_ISA207
        if hv == HEA and qv != HEA and not_isa207:
            key = f"QEMU {vec_name(qv)}"
            explained[key] = explained.get(key, 0) + 1
        else:
            unexplained.append(f"    {w:08x} ({name}): qemu {vec_name(qv)}, "
                               f"hcallsim {vec_name(hv)}")
    print(f"opcode space: {len(words)} words of opcodes 4/59/60/63, {len(words) - len(diff)} "
          f"agree; not Power ISA 2.07 instructions, HEA in hcallsim: "
          f"{', '.join(f'{k}: {n}' for k, n in sorted(explained.items())) or 'none'}; "
          f"unexplained: {len(unexplained)}")
    for line in unexplained:
        print(line)
    return len(unexplained)


if __name__ == "__main__":
    sys.exit(main())
