"""The instruction table (src/cpu/insns/*.def) as Python rows, read through the C preprocessor
so that what the generator draws from is exactly what the decoder is built from."""

import os
import re
import subprocess
from dataclasses import dataclass

SRC = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "src"))


@dataclass
class Row:
    id: str
    mnemonic: str
    form: str
    match: int
    mask: int
    reserved: int
    flags: frozenset
    size: int  # F_SIZE(n), 0 if none
    operands: list

    def has(self, flag):
        return flag in self.flags


# MSB-0 bit ranges of the operand tokens (src/cpu/disasm.c); "extra" bits are listed too.
TOKEN_BITS = {
    "rt": [(6, 10)], "rs": [(6, 10)], "ra": [(11, 15)], "rb": [(16, 20)], "ra0": [(11, 15)],
    "rb0": [(16, 20)], "frt": [(6, 10)], "frs": [(6, 10)], "fra": [(11, 15)], "frb": [(16, 20)],
    "frc": [(21, 25)], "vrt": [(6, 10)], "vrs": [(6, 10)], "vra": [(11, 15)], "vrb": [(16, 20)],
    "vrc": [(21, 25)], "xt": [(6, 10), (31, 31)], "xs": [(6, 10), (31, 31)],
    "xa": [(11, 15), (29, 29)], "xb": [(16, 20), (30, 30)], "xc": [(21, 25), (28, 28)],
    "si": [(16, 31)], "ui": [(16, 31)], "d(ra0)": [(16, 31), (11, 15)],
    "ds(ra0)": [(16, 29), (11, 15)], "dq(ra0)": [(16, 27), (11, 15)], "li": [(6, 29)],
    "bd": [(16, 29)], "bo": [(6, 10)], "bi": [(11, 15)], "bh": [(19, 20)], "crfd": [(6, 8)],
    "crfs": [(11, 13)], "crbd": [(6, 10)], "crba": [(11, 15)], "crbb": [(16, 20)],
    "l10": [(10, 10)], "l15": [(15, 15)], "lsync": [(9, 10)], "th": [(6, 10)], "ih": [(8, 10)],
    "sh": [(16, 20)], "mb": [(21, 25)], "me": [(26, 30)], "sh6": [(16, 20), (30, 30)],
    "mb6": [(21, 26)], "me6": [(21, 26)], "spr": [(11, 20)], "tbr": [(11, 20)],
    "fxm": [(12, 19)], "to": [(6, 10)], "lev": [(20, 26)], "bc": [(21, 25)], "nb": [(16, 20)],
    "eh": [(31, 31)], "word": [(0, 31)],
    "bf": [(6, 8)], "u": [(16, 19)], "flm": [(7, 14)], "l6": [(6, 6)], "w15": [(15, 15)],
    "r15": [(15, 15)], "uim5": [(11, 15)], "uim4": [(12, 15)], "uim3": [(13, 15)],
    "uim2": [(14, 15)], "sim5": [(11, 15)], "te": [(11, 15)], "shb": [(22, 25)],
    "dm": [(22, 23)], "shw": [(22, 23)], "st": [(16, 16)], "six": [(17, 20)], "ps": [(22, 22)],
    "dcm": [(16, 21)], "dsh": [(16, 21)], "rmc": [(21, 22)], "s11": [(11, 11)],
    "sp": [(11, 12)],
}
FLAG_BITS = {"F_RC": 31, "F_LK": 31, "F_OE": 21, "F_AA": 30}


def bits_mask(ranges):
    m = 0
    for first, last in ranges:
        for b in range(first, last + 1):
            m |= 1 << (31 - b)
    return m


def operand_bits(row):
    """Word bits that operands and OE/Rc/LK/AA flags use."""
    m = 0
    for tok in row.operands:
        m |= bits_mask(TOKEN_BITS[tok])
    for flag, bit in FLAG_BITS.items():
        if row.has(flag):
            m |= 1 << (31 - bit)
    return m


def load_rows(src=SRC):
    text = ('#define INSN(id, mn, form, match, mask, resv, fn, timing, flags, ops) '
            '@ROW id|mn|form|match|mask|resv|flags|ops@\n#include "cpu/insns/all.def"\n')
    out = subprocess.run(["cc", "-E", "-P", "-I", src, "-"], input=text, capture_output=True,
                         text=True, check=True).stdout
    rows = []
    for m in re.finditer(r"@ROW (.*?)@", out.replace("\n", " ")):
        f = [x.strip() for x in m.group(1).split("|", 6)]
        ident, mn, form, match, mask, resv, tail = f
        flags_text = tail[: tail.index('"')].strip()
        ops = tail[tail.index('"') + 1: tail.rindex('"')]
        size = 0
        sm = re.search(r"F_SIZE\s*\(\s*(\d+)\s*\)", flags_text)
        if sm:
            size = int(sm.group(1))
        flags = frozenset(x.strip() for x in flags_text.split("|") if x.strip().startswith("F_")
                          and "SIZE" not in x)
        rows.append(Row(ident, mn.strip('"'), form, int(match, 0), int(mask, 0), int(resv, 0),
                        flags, size, [o for o in ops.split(",") if o]))
    return rows


if __name__ == "__main__":
    for r in load_rows():
        print(f"{r.id:10} {r.mnemonic:9} {r.form:4} {r.match:08x} {r.mask:08x} {r.reserved:08x} "
              f"{','.join(sorted(r.flags)):30} {r.size} {','.join(r.operands)}")
