"""A tiny big-endian PowerPC64 assembler for the bare-metal images of tools/qemu-diff.

Images are built word by word (no cross toolchain needed): Asm holds the words, labels and
branch fix-ups; the helpers below encode the few instructions the harness code needs.  The
console and BMC sequence follows tests/images/lpc_io.S: LPC I/O through XSCOM -> ECCB, the ISA
UART at port 0x3f8 and an IPMI BT "chassis control: hard reset" that stops QEMU (-no-reboot)
and `hcallsim bios` alike.
"""

import struct

M64 = (1 << 64) - 1

# ECCB (chip 0 LPC master) and LPC I/O ports, as in tests/images/lpc_io.h.
ECCB_BASE = 0x0003FC0000B00200
ECCB_CTL, ECCB_STAT, ECCB_DATA = 0x00, 0x10, 0x18
UART_THR, UART_LSR, LSR_THRE = 0x3F8, 0x3FD, 0x20
BT_CTRL, BT_BUF, BT_CLR_WR, BT_H2B_ATN = 0xE4, 0xE5, 0x01, 0x04

SPR_XER, SPR_LR, SPR_CTR = 1, 8, 9
SPR_SRR0, SPR_SRR1, SPR_CFAR = 26, 27, 28
SPR_SPRG0 = 272
SPR_HSPRG0, SPR_HSPRG1, SPR_HSRR0, SPR_HSRR1 = 304, 305, 314, 315
SPR_TAR = 815


# --- encoders (fields in ISA order) -----------------------------------------------------------
def d_form(po, rt, ra, imm):
    return (po << 26) | (rt << 21) | (ra << 16) | (imm & 0xFFFF)


def ds_form(po, rt, ra, disp, xo):
    assert disp % 4 == 0
    return (po << 26) | (rt << 21) | (ra << 16) | (disp & 0xFFFC) | xo


def x_form(po, rt, ra, rb, xo, rc=0):
    return (po << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1) | rc


def spr_field(spr):
    """SPR number as encoded in XFX forms: the two 5-bit halves swapped."""
    return ((spr & 31) << 5) | (spr >> 5)


def mtspr(spr, rs):
    return (31 << 26) | (rs << 21) | (spr_field(spr) << 11) | (467 << 1)


def mfspr(rt, spr):
    return (31 << 26) | (rt << 21) | (spr_field(spr) << 11) | (339 << 1)


def md_form(xo, rs, ra, sh, mb, rc=0):
    return ((30 << 26) | (rs << 21) | (ra << 16) | ((sh & 31) << 11) | ((mb & 31) << 6)
            | ((mb >> 5) << 5) | (xo << 2) | ((sh >> 5) << 1) | rc)


def addi(rt, ra, imm):
    return d_form(14, rt, ra, imm)


def li(rt, imm):
    return addi(rt, 0, imm)


def lis(rt, imm):
    return d_form(15, rt, 0, imm)


def ori(ra, rs, imm):
    return d_form(24, rs, ra, imm)


def oris(ra, rs, imm):
    return d_form(25, rs, ra, imm)


def andi_rc(ra, rs, imm):
    return d_form(28, rs, ra, imm)


def cmpdi(bf, ra, imm):
    return d_form(11, (bf << 2) | 1, ra, imm)


def cmpwi(bf, ra, imm):
    return d_form(11, bf << 2, ra, imm)


def ld(rt, disp, ra):
    return ds_form(58, rt, ra, disp, 0)


def std(rs, disp, ra):
    return ds_form(62, rs, ra, disp, 0)


def lbz(rt, disp, ra):
    return d_form(34, rt, ra, disp)


def stb(rs, disp, ra):
    return d_form(38, rs, ra, disp)


def or_(ra, rs, rb):
    return x_form(31, rs, ra, rb, 444)


def mr(ra, rs):
    return or_(ra, rs, rs)


def xor(ra, rs, rb):
    return x_form(31, rs, ra, rb, 316)


def mulld(rt, ra, rb):
    return x_form(31, rt, ra, rb, 233)


def sldi(ra, rs, n):
    return md_form(1, rs, ra, n, 63 - n)  # rldicr


def srdi(ra, rs, n):
    return md_form(0, rs, ra, 64 - n if n else 0, n)  # rldicl


def rotldi(ra, rs, n):
    return md_form(0, rs, ra, n, 0)


def rldicl(ra, rs, sh, mb):
    return md_form(0, rs, ra, sh, mb)


def mfcr(rt):
    return x_form(31, rt, 0, 0, 19)


def mtcrf(fxm, rs):
    return (31 << 26) | (rs << 21) | (fxm << 12) | (144 << 1)


def mfmsr(rt):
    return x_form(31, rt, 0, 0, 83)


def mtmsrd(rs, l=0):
    return x_form(31, rs, 0, 0, 178) | (l << 16)


def ldarx(rt, ra, rb):
    return x_form(31, rt, ra, rb, 84)


def stdcx(rs, ra, rb):
    return x_form(31, rs, ra, rb, 214, 1)


HRFID = 0x4C000224
BLR = 0x4E800020
BCTR = 0x4E800420
NOP = 0x60000000


class Asm:
    """Words at addresses, with labels; branches to labels are fixed up by image()."""

    def __init__(self):
        self.words = {}  # address -> word
        self.labels = {}
        self.fixups = []  # (address, kind, label)
        self.pc = 0

    def org(self, addr):
        self.pc = addr

    def align(self, n):
        self.pc = (self.pc + n - 1) // n * n

    def label(self, name):
        assert name not in self.labels, name
        self.labels[name] = self.pc

    def emit(self, *words):
        for w in words:
            self.words[self.pc] = w & 0xFFFFFFFF
            self.pc += 4

    def data64(self, addr, values):
        for i, v in enumerate(values):
            self.words[addr + 8 * i] = (v >> 32) & 0xFFFFFFFF
            self.words[addr + 8 * i + 4] = v & 0xFFFFFFFF

    def b(self, label, lk=0):
        self.fixups.append((self.pc, "i", label))
        self.emit((18 << 26) | lk)

    def bl(self, label):
        self.b(label, 1)

    def bc(self, bo, bi, label):
        self.fixups.append((self.pc, "b", label))
        self.emit((16 << 26) | (bo << 21) | (bi << 16))

    def beq(self, label, cr=0):
        self.bc(12, 4 * cr + 2, label)

    def bne(self, label, cr=0):
        self.bc(4, 4 * cr + 2, label)

    def blt(self, label, cr=0):
        self.bc(12, 4 * cr, label)

    def bdnz(self, label):
        self.bc(16, 0, label)

    def load64(self, rt, value):
        """Five-instruction constant load (lis; ori; sldi 32; oris; ori)."""
        value &= M64
        hi = value >> 32
        self.emit(lis(rt, hi >> 16), ori(rt, rt, hi & 0xFFFF), sldi(rt, rt, 32),
                  oris(rt, rt, (value >> 16) & 0xFFFF), ori(rt, rt, value & 0xFFFF))

    def load_addr(self, rt, value):
        """Two-instruction load of an address below 2 GiB."""
        assert 0 <= value < 0x80000000
        self.emit(lis(rt, value >> 16), ori(rt, rt, value & 0xFFFF))

    def image(self):
        for addr, kind, label in self.fixups:
            off = self.labels[label] - addr
            if kind == "i":
                assert -(1 << 25) <= off < (1 << 25)
                self.words[addr] |= off & 0x03FFFFFC
            else:
                assert -(1 << 15) <= off < (1 << 15), (label, off)
                self.words[addr] |= off & 0xFFFC
        size = max(self.words) + 4
        out = bytearray(size)
        for addr, w in self.words.items():
            struct.pack_into(">I", out, addr, w)
        return bytes(out)


# --- console and BMC, written into an Asm (lpc_io.S's register conventions) -------------------
def emit_lpc_library(a):
    """Routines: lpc_io_init, outb (r3 port, r4 byte), inb (r3 -> r3), putc (r4), puthex64
    (r25 as 16 digits), newline, dump_dwords (r24 address, r26 count: one 16-digit line each),
    chassis_hard_reset.  r20-r22 hold the ECCB base and commands after lpc_io_init."""
    a.label("lpc_io_init")
    a.load64(20, ECCB_BASE)
    a.emit(lis(21, 0x0100), sldi(21, 21, 32), oris(21, 21, 0xD001))
    a.emit(lis(22, 0x0101), sldi(22, 22, 32), oris(22, 22, 0xD001), BLR)

    a.label("outb")
    a.emit(sldi(5, 4, 56), std(5, ECCB_DATA, 20), or_(5, 21, 3), std(5, ECCB_CTL, 20),
           ld(5, ECCB_STAT, 20), BLR)

    a.label("inb")
    a.emit(or_(5, 22, 3), std(5, ECCB_CTL, 20), ld(5, ECCB_STAT, 20), rldicl(3, 5, 14, 56), BLR)

    a.label("putc")  # r4; clobbers r3-r5, r29, r30
    a.emit(mfspr(30, SPR_LR), mr(29, 4))
    a.label("putc_wait")
    a.emit(li(3, UART_LSR))
    a.bl("inb")
    a.emit(andi_rc(3, 3, LSR_THRE))
    a.beq("putc_wait")
    a.emit(li(3, UART_THR), mr(4, 29))
    a.bl("outb")
    a.emit(mtspr(SPR_LR, 30), BLR)

    a.label("puthex64")  # r25; clobbers r3-r5, r27-r31
    a.emit(mfspr(28, SPR_LR), li(27, 60))
    a.label("puthex64_digit")
    a.emit(x_form(31, 25, 31, 27, 539))  # srd r31, r25, r27
    a.emit(andi_rc(31, 31, 0xF), addi(4, 31, ord("0")), cmpwi(0, 31, 10))
    a.blt("puthex64_put")
    a.emit(addi(4, 31, ord("a") - 10))
    a.label("puthex64_put")
    a.bl("putc")
    a.emit(addi(27, 27, -4), cmpwi(0, 27, 0))
    a.bc(4, 0, "puthex64_digit")  # bge
    a.emit(mtspr(SPR_LR, 28), BLR)

    a.label("newline")  # clobbers r3-r5, r29, r30, r31
    a.emit(mfspr(31, SPR_LR), li(4, 10))
    a.bl("putc")
    a.emit(mtspr(SPR_LR, 31), BLR)

    a.label("dump_dwords")  # r24 address, r26 count; clobbers r3-r5, r23-r31
    a.emit(mfspr(23, SPR_LR))
    a.label("dump_dwords_loop")
    a.emit(cmpdi(0, 26, 0))
    a.beq("dump_dwords_done")
    a.emit(ld(25, 0, 24))
    a.bl("puthex64")
    a.bl("newline")
    a.emit(addi(24, 24, 8), addi(26, 26, -1))
    a.b("dump_dwords_loop")
    a.label("dump_dwords_done")
    a.emit(mtspr(SPR_LR, 23), BLR)

    a.label("chassis_hard_reset")
    a.emit(li(3, BT_CTRL), li(4, BT_CLR_WR))
    a.bl("outb")
    for byte in (4, 0x00, 0x01, 0x02, 0x03):  # length, netfn chassis, seq, cmd, hard reset
        a.emit(li(3, BT_BUF), li(4, byte))
        a.bl("outb")
    a.emit(li(3, BT_CTRL), li(4, BT_H2B_ATN))
    a.bl("outb")
    a.label("halt")
    a.b("halt")
