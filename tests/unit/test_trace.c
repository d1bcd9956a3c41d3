/* Traces: the writer on a real run, the parser of our format, the QEMU log parser on dumps in
 * QEMU 7.2's exact layout, the normaliser (taint, CFAR after hrfid, reservation) and the
 * verdicts of tracediff (equal, differing field, truncated, shorter, empty, foreign). */
#include <stdio.h>
#include <unistd.h>

#include "test_cpu.h"

#include "observe/qemu_log.h"
#include "observe/trace.h"
#include "observe/trace_diff.h"

/* ---- Files ---- */

static char *temp_file(const char *text)
{
    char *path = strdup("/tmp/test_trace_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A register state for generated files: everything zero but what a test sets. */
typedef struct state {
    uint64_t pc;
    uint64_t v[TF_COUNT];
} state;

static state base_state(uint64_t pc)
{
    state s = {.pc = pc};
    s.v[TF_MSR] = 0x9000000000000000ull;
    s.v[TF_GPR0 + 3] = 0x1000000;
    s.v[TF_LPCR] = 0xc;
    s.v[TF_RES] = TRACE_NO_RESERVATION;
    return s;
}

/* One dump in QEMU 7.2's powernv8 layout (ppc_cpu_dump_state), time fields included. */
static void append_qemu_dump(char *buf, size_t size, const state *s)
{
    size_t n = strlen(buf);
    const uint64_t *v = s->v;
    n += (size_t)snprintf(buf + n, size - n,
                          "NIP %016llx   LR %016llx CTR %016llx XER %016llx CPU#0\n"
                          "MSR %016llx HID0 0000000000000000  HF fc000006 iidx 7 didx 7\n"
                          "TB 00000000 00293825 DECR 4294673629\n",
                          (unsigned long long)s->pc, (unsigned long long)v[TF_LR],
                          (unsigned long long)v[TF_CTR], (unsigned long long)v[TF_XER],
                          (unsigned long long)v[TF_MSR]);
    for (unsigned r = 0; r < 32; r += 4)
        n += (size_t)snprintf(buf + n, size - n, "GPR%02u %016llx %016llx %016llx %016llx\n", r,
                              (unsigned long long)v[r], (unsigned long long)v[r + 1],
                              (unsigned long long)v[r + 2], (unsigned long long)v[r + 3]);
    snprintf(buf + n, size - n,
             "CR %08llx  [ E  -  -  -  -  -  -  -  ]             RES %016llx\n"
             " SRR0 %016llx  SRR1 %016llx    PVR 00000000004d0200 VRSAVE 0000000000000000\n"
             "SPRG0 %016llx SPRG1 %016llx  SPRG2 %016llx  SPRG3 %016llx\n"
             "SPRG4 0000000000000000 SPRG5 0000000000000000  SPRG6 0000000000000000  SPRG7 "
             "0000000000000000\n"
             "HSRR0 %016llx HSRR1 %016llx\n"
             " CFAR %016llx\n"
             " LPCR %016llx\n"
             " SDR1 0000000000000000   DAR %016llx  DSISR %016llx\n",
             (unsigned long long)v[TF_CR], (unsigned long long)v[TF_RES],
             (unsigned long long)v[TF_SRR0], (unsigned long long)v[TF_SRR1],
             (unsigned long long)v[TF_SPRG0], (unsigned long long)v[TF_SPRG1],
             (unsigned long long)v[TF_SPRG2], (unsigned long long)v[TF_SPRG3],
             (unsigned long long)v[TF_HSRR0], (unsigned long long)v[TF_HSRR1],
             (unsigned long long)v[TF_CFAR], (unsigned long long)v[TF_LPCR],
             (unsigned long long)v[TF_DAR], (unsigned long long)v[TF_DSISR]);
}

/* One full record line of our format (word 0 = not executed). */
static void append_ours(char *buf, size_t size, unsigned number, const state *s, uint32_t word)
{
    size_t n = strlen(buf);
    char mode[5];
    trace_mode_string(s->v[TF_MSR], mode);
    n += (size_t)snprintf(buf + n, size - n, "%u %s %016llx ", number, mode,
                          (unsigned long long)s->pc);
    n += (size_t)(word ? snprintf(buf + n, size - n, "%08x - \"\"", word)
                       : snprintf(buf + n, size - n, "-------- - \"\""));
    for (unsigned f = 0; f < TF_COUNT; f++)
        n += (size_t)snprintf(buf + n, size - n, " %s=%llx", trace_field_name((trace_field)f),
                              (unsigned long long)s->v[f]);
    snprintf(buf + n, size - n, "\n");
}

static trace_input *open_text(const char *text, char **path)
{
    *path = temp_file(text);
    trace_input *in;
    char err[256];
    assert_int_equal(trace_input_open(*path, &in, err, sizeof(err)), TRACE_OPEN_OK);
    return in;
}

static void drop(trace_input *in, char *path)
{
    trace_input_close(in);
    unlink(path);
    free(path);
}

/* ---- The QEMU log parser ---- */

/* The first dump of tests/images/bios_hello.bin under QEMU 7.2, verbatim. */
static const char real_dump[] =
    "NIP 0000000000000010   LR 0000000000000000 CTR 0000000000000000 XER 0000000000000000 CPU#0\n"
    "MSR 9000000000000000 HID0 0000000000000000  HF fc000006 iidx 7 didx 7\n"
    "TB 00000000 00293825 DECR 4294673629\n"
    "GPR00 0000000000000000 0000000000000000 0000000000000000 0000000001000000\n"
    "GPR04 0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "GPR08 0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "GPR12 0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "GPR16 0000000000000000 0000000000000000 0000000000000000 0000000000000000\n"
    "GPR20 0003fc0000b00200 01000000d0010000 01010000d0010000 0000000001000000\n"
    "GPR24 0000000000000337 0000000000000000 0000000000000000 0000000000000000\n"
    "GPR28 000000000000013c 000000000000000a 00000000000001dc 0000000000000200\n"
    "CR 20000000  [ E  -  -  -  -  -  -  -  ]             RES ffffffffffffffff\n"
    " SRR0 0000000000000000  SRR1 0000000000000000    PVR 00000000004d0200 VRSAVE "
    "0000000000000000\n"
    "SPRG0 0000000000000000 SPRG1 0000000000000000  SPRG2 0000000000000000  SPRG3 "
    "0000000000000000\n"
    "SPRG4 0000000000000000 SPRG5 0000000000000000  SPRG6 0000000000000000  SPRG7 "
    "0000000000000000\n"
    "HSRR0 0000000000000000 HSRR1 0000000000000000\n"
    " CFAR 0000000000000264\n"
    " LPCR 000000000000000c\n"
    " SDR1 0000000000000000   DAR 0000000000000000  DSISR 0000000000000000\n";

static void test_qemu_real_dump(void **unused)
{
    char *path;
    trace_input *in = open_text(real_dump, &path);
    assert_int_equal(trace_input_format(in), TRACE_FORMAT_QEMU);
    trace_record rec;
    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_int_equal(rec.number, 1);
    assert_int_equal(rec.line, 1);
    assert_int_equal(rec.pc, 0x10);
    assert_int_equal(rec.value[TF_MSR], 0x9000000000000000ull);
    assert_int_equal(rec.value[TF_GPR0 + 3], 0x1000000);
    assert_int_equal(rec.value[TF_GPR0 + 20], 0x0003fc0000b00200ull);
    assert_int_equal(rec.value[TF_GPR0 + 31], 0x200);
    assert_int_equal(rec.value[TF_CR], 0x20000000);
    assert_int_equal(rec.value[TF_RES], TRACE_NO_RESERVATION);
    assert_int_equal(rec.value[TF_CFAR], 0x264);
    assert_int_equal(rec.value[TF_LPCR], 0xc);
    assert_false(rec.has_word);
    assert_false(rec.mem_known);
    assert_int_equal(rec.ninterrupts, 0);
    assert_int_equal(trace_input_next(in, &rec), 0);
    drop(in, path);
}

/* -d int, in_asm, exec and plugin lines around the dumps. */
static void test_qemu_events_and_words(void **unused)
{
    static char text[1 << 15];
    text[0] = '\0';
    state s = base_state(0x1010);
    s.v[TF_MSR] = 0x8000000000001000ull; /* guest real mode */
    strcat(text,
           "----------------\nIN: \n0x00001010:  44000022  sc       1\n\n"
           "Trace 0: 0x7fe90c000100 [0000000000000000/0000000000001010/6c000004/ff000201] \n");
    append_qemu_dump(text, sizeof(text), &s);
    strcat(text, "INSN 0000000000001010 44000022\n"
                 "Raise exception at 0000000000001010 => SYSCALL (8) error=01\n"
                 "syscall r0=0000000000000000 r3=0000000000000020 nip=0000000000001010\n");
    state h = base_state(0xc00);
    append_qemu_dump(text, sizeof(text), &h);
    strcat(text, "INSN 0000000000000c00 7db14ba6\n"
                 "MEM st ea=0000000000003000 pa=0000000002003000 size=8\n"
                 "MEM ld ea=00000000000000f0 pa=00000000000000f0 size=4 io\n");
    /* The same EA in guest mode again, without in_asm: the word comes from the map. */
    append_qemu_dump(text, sizeof(text), &s);
    /* ... but not in hypervisor mode, which is another translation. */
    state hv_same_ea = base_state(0x1010);
    append_qemu_dump(text, sizeof(text), &hv_same_ea);
    strcat(text, "Raise exception at 0000000000001010 => HV_EMU (96) error=00\n");

    char *path;
    trace_input *in = open_text(text, &path);
    trace_record rec;
    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_true(rec.has_word);
    assert_int_equal(rec.word, 0x44000022);
    assert_int_equal(rec.ninterrupts, 1);
    assert_int_equal(rec.vector[0], 0xc00);
    assert_true(rec.mem_known); /* the plugin's INSN line */
    assert_int_equal(rec.nmem, 0);

    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_int_equal(rec.pc, 0xc00);
    assert_int_equal(rec.word, 0x7db14ba6);
    assert_int_equal(rec.nmem, 2);
    assert_true(rec.mem[0].store);
    assert_int_equal(rec.mem[0].pa, 0x2003000);
    assert_int_equal(rec.mem[0].size, 8);
    assert_false(rec.mem[1].store);
    assert_int_equal(rec.mem[1].size, 4);

    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_true(rec.has_word);
    assert_int_equal(rec.word, 0x44000022);

    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_false(rec.has_word);
    assert_int_equal(rec.ninterrupts, 1);
    assert_int_equal(rec.vector[0], 0xe40);
    assert_int_equal(trace_input_next(in, &rec), 0);
    drop(in, path);
}

static void expect_error(const char *text, const char *fragment, unsigned records_before)
{
    char *path;
    trace_input *in = open_text(text, &path);
    trace_record rec;
    for (unsigned i = 0; i < records_before; i++)
        assert_int_equal(trace_input_next(in, &rec), 1);
    assert_int_equal(trace_input_next(in, &rec), -1);
    const char *err = trace_input_error(in);
    if (!strstr(err, fragment) || strncmp(err, path, strlen(path)))
        fail_msg("error '%s' should name %s and say '%s'", err, path, fragment);
    drop(in, path);
}

static void test_qemu_truncated_dump(void **unused)
{
    char text[8192];
    /* Cut after the CR line: the end of the file is in the middle of a dump. */
    snprintf(text, sizeof(text), "%s%s", real_dump, real_dump);
    *strstr(text + strlen(real_dump), " SRR0") = '\0';
    expect_error(text, ":31: truncated register dump (it starts at line 20)", 1);
    /* A foreign line inside a dump. */
    snprintf(text, sizeof(text), "%s", real_dump);
    char *gpr = strstr(text, "GPR08");
    memcpy(gpr, "hello", 5);
    expect_error(text, ":6: truncated register dump (it starts at line 1)", 0);
    /* A malformed value. */
    snprintf(text, sizeof(text), "%s", real_dump);
    memcpy(strstr(text, " LPCR 0") + 6, "zz", 2);
    expect_error(text, ":18: malformed LPCR value", 0);
}

static void test_qemu_foreign_and_empty(void **unused)
{
    expect_error("Hello, world.\nThis is not a trace.\n", ":2: no register dump", 0);
    char *path = temp_file("");
    trace_input *in;
    char err[256];
    assert_int_equal(trace_input_open(path, &in, err, sizeof(err)), TRACE_OPEN_BAD_INPUT);
    assert_non_null(strstr(err, "empty file"));
    assert_non_null(strstr(err, path));
    unlink(path);
    free(path);
    assert_int_equal(trace_input_open("/nonexistent/trace", &in, err, sizeof(err)),
                     TRACE_OPEN_MISSING);
    assert_int_equal(trace_input_open("/tmp", &in, err, sizeof(err)), TRACE_OPEN_MISSING);
}

/* ---- The writer on a real run, read back ---- */

static void test_writer_round_trip(void **state_)
{
    test_machine *m = *state_;
    tm_poke(m, 0x100,
            (uint32_t[]){
                0x38600020, /* li r3,0x20 */
                0x7c832214, /* add r4,r3,r4 */
                0xf8830010, /* std r4,16(r3) */
                0x44000022, /* sc 1 */
            },
            4);
    cpu_set_nip(m->cpu, 0x100);
    cpu_set_msr(m->cpu, MSR_SF | MSR_ME);
    cpu_set_spr(m->cpu, SPR_LPCR, 0x20000000ull);

    char path[] = "/tmp/test_trace_out_XXXXXX";
    close(mkstemp(path));
    char err[256];
    trace_writer *tw = trace_open(path, &(trace_config){0}, err, sizeof(err));
    assert_non_null(tw);
    const cpu_observer *obs = trace_observer(tw);
    cpu_run_observed(m->cpu, 4, obs);
    assert_int_equal(trace_records(tw), 4);
    assert_int_equal(trace_close(tw, m->cpu), 0);

    const char *text = read_all(path);
    /* Compact: record 2 holds only what li changed. */
    const char *second = strstr(text, "\n2 ");
    assert_non_null(second);
    const char *eol = strchr(second + 1, '\n');
    char line[512];
    snprintf(line, sizeof(line), "%.*s", (int)(eol - second - 1), second + 1);
    assert_string_equal(line, "2 ---- 0000000000000104 7c832214 - \"add     r4,r3,r4\" "
                              "r3=0000000000000020");

    trace_input *in;
    assert_int_equal(trace_input_open(path, &in, err, sizeof(err)), TRACE_OPEN_OK);
    assert_int_equal(trace_input_format(in), TRACE_FORMAT_HCALLSIM);
    trace_record rec;
    for (unsigned i = 1; i <= 4; i++) {
        assert_int_equal(trace_input_next(in, &rec), 1);
        assert_int_equal(rec.number, i);
        assert_true(rec.executed);
        assert_int_equal(rec.pc, 0x100 + 4 * (i - 1));
        assert_int_equal(rec.value[TF_MSR], MSR_SF | MSR_ME);
    }
    assert_int_equal(rec.word, 0x44000022);
    assert_int_equal(rec.value[TF_GPR0 + 3], 0x20);
    assert_int_equal(rec.ninterrupts, 1);
    assert_int_equal(rec.vector[0], 0xc00);
    assert_int_equal(trace_input_next(in, &rec), 1); /* the final state: at the vector */
    assert_false(rec.executed);
    assert_int_equal(rec.pc, 0xc00);
    assert_int_equal(rec.value[TF_SRR0], 0x110);
    assert_int_equal(rec.value[TF_MSR], MSR_SF | MSR_HV | MSR_ME);
    assert_int_equal(trace_input_next(in, &rec), 0);
    trace_input_close(in);
    unlink(path);
}

/* Full mode, memory events (the hook called directly) and the cycle hook. */
static uint64_t fake_cycle(void *ctx)
{
    return ++*(uint64_t *)ctx;
}

static void test_writer_full_mem_cycles(void **state_)
{
    test_machine *m = *state_;
    tm_poke(m, 0x100, (uint32_t[]){0x60000000, 0x60000000}, 2);
    cpu_set_nip(m->cpu, 0x100);
    char stem[] = "/tmp/test_trace_full_XXXXXX", path[64];
    close(mkstemp(stem));
    snprintf(path, sizeof(path), "%s.gz", stem); /* compressed */
    uint64_t cycles = 100;
    char err[256];
    trace_writer *tw =
        trace_open(path, &(trace_config){.full = true, .cycle = fake_cycle, .cycle_ctx = &cycles},
                   err, sizeof(err));
    assert_non_null(tw);
    const cpu_observer *obs = trace_observer(tw);
    cpu_run_observed(m->cpu, 1, obs);
    obs->mem_access(obs->ctx, m->cpu, 0x3000, 0x2003000, 8, true);
    obs->mem_access(obs->ctx, m->cpu, 0x10, 0x10, 1, false);
    cpu_run_observed(m->cpu, 1, obs);
    assert_int_equal(trace_close(tw, NULL), 0);

    trace_input *in;
    assert_int_equal(trace_input_open(path, &in, err, sizeof(err)), TRACE_OPEN_OK);
    trace_record rec;
    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_true(rec.has_cycle);
    assert_int_equal(rec.cycle, 101);
    assert_int_equal(rec.nmem, 2);
    assert_true(rec.mem[0].store);
    assert_int_equal(rec.mem[0].ea, 0x3000);
    assert_int_equal(rec.mem[0].pa, 0x2003000);
    assert_int_equal(rec.mem[1].size, 1);
    assert_int_equal(trace_input_next(in, &rec), 1);
    assert_int_equal(rec.cycle, 102);
    assert_int_equal(rec.nmem, 0);
    assert_int_equal(trace_input_next(in, &rec), 0);
    trace_input_close(in);
    /* Every record holds every field. */
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "gzip -dc %s | grep -c ' res='", path);
    FILE *p = popen(cmd, "r");
    int count = 0;
    assert_int_equal(fscanf(p, "%d", &count), 1);
    pclose(p);
    assert_int_equal(count, 2);
    unlink(path);
    unlink(stem);
}

/* The exact text of a run: labels from both symbol tables (sanitised), relative branches of the
 * same word at several addresses, the same address with another word and in another mode (the
 * writer caches the formatted pc/word/label/disassembly per address), events, cycles, the final
 * state. */
static void test_writer_exact_text(void **state_)
{
    test_machine *m = *state_;
    static const uint32_t code[] = {
        0x38600020, /* 0x100 li r3,32 */
        0x48000008, /* 0x104 b 0x10c */
        0x60000000, /* 0x108 nop (skipped) */
        0xf8830010, /* 0x10c std r4,16(r3) */
        0x48001ff0, /* 0x110 b 0x2100 */
    };
    static const uint32_t far[] = {
        0x48000008, /* 0x2100 b 0x2108: the word at 0x104 (and its cache entry) */
        0x60000000, /* 0x2104 nop (skipped) */
        0x44000002, /* 0x2108 sc */
    };
    tm_poke(m, 0x100, code, sizeof(code) / sizeof(code[0]));
    tm_poke(m, 0x2100, far, sizeof(far) / sizeof(far[0]));
    symtab *fw = symtab_new("firmware", ~0ull), *guest = symtab_new("guest", ~0ull);
    assert_true(symtab_add(fw, "hv_code", 0x100, 0x100, SYMBOL_CODE, true));
    assert_true(symtab_add(fw, "hv_far", 0x2000, 0x200, SYMBOL_CODE, true));
    assert_true(symtab_add(guest, "guest \"entry\"", 0x100, 0x100, SYMBOL_CODE, true));
    char path[] = "/tmp/test_trace_text_XXXXXX";
    close(mkstemp(path));
    uint64_t cycles = 0;
    char err[256];
    trace_writer *tw = trace_open(
        path,
        &(trace_config){.firmware = fw, .guest = guest, .cycle = fake_cycle, .cycle_ctx = &cycles},
        err, sizeof(err));
    assert_non_null(tw);
    const cpu_observer *obs = trace_observer(tw);

    cpu_set_msr(m->cpu, MSR_SF | MSR_HV | MSR_ME);
    cpu_set_nip(m->cpu, 0x100);
    cpu_run_observed(m->cpu, 6, obs); /* to the sc */
    /* Another word at 0x100, same mode. */
    tm_poke(m, 0x100, (uint32_t[]){0x38600021}, 1); /* li r3,33 */
    cpu_set_nip(m->cpu, 0x100);
    cpu_run_observed(m->cpu, 2, obs);
    /* The first words as a guest. */
    tm_poke(m, 0x100, code, 1);
    cpu_set_msr(m->cpu, MSR_SF | MSR_ME);
    cpu_set_nip(m->cpu, 0x100);
    cpu_run_observed(m->cpu, 2, obs);
    assert_int_equal(trace_close(tw, m->cpu), 0);

#define ZERO16 "0000000000000000"
    assert_string_equal(
        read_all(path),
        "# hcallsim trace 1 compact\n"
        "1 H--- 0000000000000100 38600020 hv_code \"addi    r3,0,32\" cyc=1 r0=" ZERO16
        " r1=" ZERO16 " r2=" ZERO16 " r3=" ZERO16 " r4=" ZERO16 " r5=" ZERO16 " r6=" ZERO16
        " r7=" ZERO16 " r8=" ZERO16 " r9=" ZERO16 " r10=" ZERO16 " r11=" ZERO16 " r12=" ZERO16
        " r13=" ZERO16 " r14=" ZERO16 " r15=" ZERO16 " r16=" ZERO16 " r17=" ZERO16 " r18=" ZERO16
        " r19=" ZERO16 " r20=" ZERO16 " r21=" ZERO16 " r22=" ZERO16 " r23=" ZERO16 " r24=" ZERO16
        " r25=" ZERO16 " r26=" ZERO16 " r27=" ZERO16 " r28=" ZERO16 " r29=" ZERO16 " r30=" ZERO16
        " r31=" ZERO16 " cr=00000000 xer=" ZERO16 " lr=" ZERO16 " ctr=" ZERO16
        " msr=9000000000001000 srr0=" ZERO16 " srr1=" ZERO16 " hsrr0=" ZERO16 " hsrr1=" ZERO16
        " sprg0=" ZERO16 " sprg1=" ZERO16 " sprg2=" ZERO16 " sprg3=" ZERO16 " cfar=" ZERO16
        " lpcr=000000000000000c dar=" ZERO16 " dsisr=" ZERO16 " res=ffffffffffffffff\n"
        "2 H--- 0000000000000104 48000008 hv_code+0x4 \"b       0x10c\" cyc=2 "
        "r3=0000000000000020\n"
        "3 H--- 000000000000010c f8830010 hv_code+0xc \"std     r4,16(r3)\" cyc=3 "
        "cfar=0000000000000104\n"
        "- mem st ea=0000000000000030 pa=0000000000000030 size=8\n"
        "4 H--- 0000000000000110 48001ff0 hv_code+0x10 \"b       0x2100\" cyc=4\n"
        "5 H--- 0000000000002100 48000008 hv_far+0x100 \"b       0x2108\" cyc=5 "
        "cfar=0000000000000110\n"
        "6 H--- 0000000000002108 44000002 hv_far+0x108 \"sc      0\" cyc=6 "
        "cfar=0000000000002100\n"
        "- int c00 SYSCALL srr0=000000000000210c\n"
        "7 H--- 0000000000000100 38600021 hv_code \"addi    r3,0,33\" cyc=7 "
        "srr0=000000000000210c srr1=9000000000001000\n"
        "8 H--- 0000000000000104 48000008 hv_code+0x4 \"b       0x10c\" cyc=8 "
        "r3=0000000000000021\n"
        "9 ---- 0000000000000100 38600020 guest__entry_ \"addi    r3,0,32\" cyc=9 "
        "msr=8000000000001000 cfar=0000000000000104\n"
        "10 ---- 0000000000000104 48000008 guest__entry_+0x4 \"b       0x10c\" cyc=10 "
        "r3=0000000000000020\n"
        "11 ---- 000000000000010c -------- guest__entry_+0xc \"\" cyc=11\n"
        "# end 11 records\n");
#undef ZERO16
    unlink(path);
    symtab_free(fw);
    symtab_free(guest);
}

static void test_our_format_errors(void **unused)
{
    static char text[8192];
    state s = base_state(0x10);
    /* No end line: truncated. */
    snprintf(text, sizeof(text), "# hcallsim trace 1 compact\n");
    append_ours(text, sizeof(text), 1, &s, 0x60000000);
    expect_error(text, ":2: truncated: the trace ends without its '# end' line", 1);
    /* A compact first record. */
    expect_error("# hcallsim trace 1 compact\n1 H--- 0000000000000010 60000000 - \"\" r3=5\n",
                 ":2: the first record lacks r0", 0);
    /* A record out of sequence. */
    snprintf(text, sizeof(text), "# hcallsim trace 1 compact\n");
    append_ours(text, sizeof(text), 1, &s, 0x60000000);
    strcat(text, "3 H--- 0000000000000014 60000000 - \"\"\n# end 2 records\n");
    expect_error(text, ":3: record number 3, expected 2", 1);
    /* Mode that does not match the MSR. */
    snprintf(text, sizeof(text), "# hcallsim trace 1 compact\n");
    append_ours(text, sizeof(text), 1, &s, 0x60000000);
    strcat(text, "2 ---- 0000000000000014 60000000 - \"\"\n# end 2 records\n");
    expect_error(text, ":3: mode ---- does not match msr (H---)", 1);
    /* The end line's count. */
    snprintf(text, sizeof(text), "# hcallsim trace 1 compact\n");
    append_ours(text, sizeof(text), 1, &s, 0x60000000);
    strcat(text, "# end 2 records\n");
    expect_error(text, ":3: the end line counts 2 records, the file holds 1", 1);
}

/* ---- Normaliser ---- */

static trace_record record_of(const state *s, uint32_t word, bool has_word)
{
    trace_record r;
    memset(&r, 0, sizeof(r));
    r.pc = s->pc;
    memcpy(r.value, s->v, sizeof(r.value));
    r.word = word;
    r.has_word = has_word;
    r.executed = true;
    r.mem_known = true;
    return r;
}

static void test_reads_time(void **unused)
{
    unsigned rt = 99;
    assert_true(tracediff_tainted_read(0x7d3602a6, &rt)); /* mfspr r9,DEC */
    assert_int_equal(rt, 9);
    assert_true(tracediff_tainted_read(0x7cac42e6, &rt)); /* mftb r5 (XO 371) */
    assert_int_equal(rt, 5);
    assert_true(tracediff_tainted_read(0x7cac42a6, &rt)); /* mftb r5 as gas writes it (mfspr) */
    assert_int_equal(rt, 5);
    assert_true(tracediff_tainted_read(0x7c6d42a6, &rt)); /* mftbu r3 (269) */
    assert_int_equal(rt, 3);
    assert_true(tracediff_tainted_read(0x7e764aa6, &rt)); /* mfhdec r19 (310) */
    assert_int_equal(rt, 19);
    assert_true(tracediff_tainted_read(0x7c954aa6, &rt)); /* mfpurr r4 (309) */
    assert_true(tracediff_tainted_read(0x7c944aa6, &rt)); /* mfspurr r4 (308) */
    assert_true(tracediff_tainted_read(0x7c9f52a6, &rt)); /* mfspr r4,VTB (351) */
    assert_int_equal(rt, 4);
    assert_true(tracediff_tainted_read(0x7c7352a6, &rt)); /* mfspr r3,HEIR (QEMU 7.2 lacks it) */
    assert_int_equal(rt, 3);
    assert_false(tracediff_tainted_read(0x7c0802a6, &rt)); /* mflr r0 */
    assert_false(tracediff_tainted_read(0x7d3603a6, &rt)); /* mtspr DEC,r9 */
    assert_false(tracediff_tainted_read(0x7c7043a6, &rt)); /* mtsprg 0,r3 */
    assert_false(tracediff_tainted_read(0x7c7042a6, &rt)); /* mfsprg r3,0 */
}

static void test_taint_time_reads(void **unused)
{
    tracediff_state st = {0};
    tracediff_diff d[TRACEDIFF_MAX_DIFFS];
    state a = base_state(0x100), b = base_state(0x100);
    trace_record ra = record_of(&a, 0x7d3602a6, true); /* mfspr r9,DEC */
    trace_record rb = record_of(&b, 0, false);         /* QEMU: no word */
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);

    /* After it: r9 differs, tainted. */
    a.pc = b.pc = 0x104;
    a.v[TF_GPR0 + 9] = 0x1234;
    b.v[TF_GPR0 + 9] = 0x5678;
    ra = record_of(&a, 0x60000000, true);
    rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    /* Still different two records later: still tainted. */
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    /* Another register differing is reported. */
    b.v[TF_GPR0 + 10] = 1;
    rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 1);
    assert_int_equal(d[0].kind, TD_FIELD);
    assert_int_equal(d[0].field, TF_GPR0 + 10);
    b.v[TF_GPR0 + 10] = 0;
    /* Both sides agree again: the taint is gone, the next difference counts. */
    b.v[TF_GPR0 + 9] = 0x1234;
    rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    b.v[TF_GPR0 + 9] = 0x9999;
    rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 1);
    assert_int_equal(d[0].field, TF_GPR0 + 9);
    assert_int_equal(d[0].a, 0x1234);
    assert_int_equal(d[0].b, 0x9999);
}

static void test_cfar_after_hrfid_and_reservation(void **unused)
{
    tracediff_state st = {0};
    tracediff_diff d[TRACEDIFF_MAX_DIFFS];
    state a = base_state(0x1310), b = base_state(0x1310);
    trace_record ra = record_of(&a, 0, false), rb = record_of(&b, TRACEDIFF_HRFID, true);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    /* In the guest: our CFAR is the hrfid, QEMU's the older one. */
    a.pc = b.pc = 0x1014;
    a.v[TF_MSR] = b.v[TF_MSR] = 0x8000000000001000ull;
    a.v[TF_CFAR] = 0x1310;
    b.v[TF_CFAR] = 0x1250;
    ra = record_of(&a, 0x60000000, true);
    rb = record_of(&b, 0x60000000, true);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    /* A taken branch sets both: equal, then a difference is real again. */
    b.v[TF_CFAR] = 0x1310;
    rb = record_of(&b, 0x60000000, true);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 0);
    b.v[TF_CFAR] = 0x1320;
    rb = record_of(&b, 0x60000000, true);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 1);
    assert_int_equal(d[0].field, TF_CFAR);
    /* Without hrfid before it, CFAR is compared. */
    tracediff_state fresh = {0};
    assert_int_equal(tracediff_compare(&fresh, &ra, &rb, d), 1);

    /* Reservation: held at different addresses (QEMU EA, ours real) is the same. */
    state c = base_state(0x200), e = base_state(0x200);
    c.v[TF_RES] = 0x2003000;
    e.v[TF_RES] = 0x3000;
    trace_record rc = record_of(&c, 0x60000000, true), re = record_of(&e, 0, false);
    tracediff_state st2 = {0};
    assert_int_equal(tracediff_compare(&st2, &rc, &re, d), 0);
    e.v[TF_RES] = TRACE_NO_RESERVATION;
    re = record_of(&e, 0, false);
    assert_int_equal(tracediff_compare(&st2, &rc, &re, d), 1);
    assert_int_equal(d[0].kind, TD_RESERVE);
    assert_int_equal(d[0].a, 1);
    assert_int_equal(d[0].b, 0);
}

static void test_control_flow_and_events(void **unused)
{
    tracediff_state st = {0};
    tracediff_diff d[TRACEDIFF_MAX_DIFFS];
    state a = base_state(0x100), b = base_state(0x104);
    b.v[TF_GPR0 + 1] = 7; /* hidden behind the pc difference */
    trace_record ra = record_of(&a, 0, false), rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 1);
    assert_int_equal(d[0].kind, TD_PC);
    b.pc = 0x100;
    b.v[TF_MSR] |= MSR_PR;
    rb = record_of(&b, 0, false);
    assert_int_equal(tracediff_compare(&st, &ra, &rb, d), 1);
    assert_int_equal(d[0].kind, TD_MODE);

    /* Interrupts and memory accesses of the same state. */
    state c = base_state(0x100);
    trace_record rc = record_of(&c, 0x44000022, true), re = record_of(&c, 0, false);
    rc.ninterrupts = 1;
    rc.vector[0] = 0xc00;
    assert_int_equal(tracediff_compare(&st, &rc, &re, d), 1);
    assert_int_equal(d[0].kind, TD_INTERRUPT);
    assert_int_equal(d[0].a, 0xc00);
    assert_int_equal(d[0].b, 0);
    re.ninterrupts = 1;
    re.vector[0] = 0xc00;
    rc.nmem = 1;
    rc.mem[0] = (trace_mem){.ea = 0x10, .pa = 0x10, .size = 8, .store = true};
    re.mem_known = false; /* QEMU without the plugin: not compared */
    assert_int_equal(tracediff_compare(&st, &rc, &re, d), 0);
    re.mem_known = true;
    assert_int_equal(tracediff_compare(&st, &rc, &re, d), 1);
    assert_int_equal(d[0].kind, TD_MEM);
    re.nmem = 1;
    re.mem[0] = rc.mem[0];
    assert_int_equal(tracediff_compare(&st, &rc, &re, d), 0);
    re.mem[0].size = 4;
    assert_int_equal(tracediff_compare(&st, &rc, &re, d), 1);
}

/* ---- Verdicts of whole files ---- */

static tracediff_verdict diff_texts(const char *ta, const char *tb, const char *expect_text,
                                    uint64_t expect_compared)
{
    char *pa, *pb;
    trace_input *a = open_text(ta, &pa), *b = open_text(tb, &pb);
    char out_path[] = "/tmp/test_trace_report_XXXXXX";
    close(mkstemp(out_path));
    FILE *out = fopen(out_path, "w");
    tracediff_summary sum;
    tracediff_verdict v =
        tracediff_run(a, "A", b, "B", &(tracediff_options){.context = 2, .out = out}, &sum);
    fclose(out);
    const char *report = read_all(out_path);
    if (expect_text && !strstr(report, expect_text))
        fail_msg("report lacks '%s':\n%s", expect_text, report);
    /* The last line says how many records were compared. */
    char last[128];
    snprintf(last, sizeof(last),
             "tracediff: %llu records compared: ", (unsigned long long)expect_compared);
    if (!strstr(report, last)) fail_msg("report lacks '%s':\n%s", last, report);
    assert_int_equal(sum.compared, expect_compared);
    unlink(out_path);
    drop(a, pa);
    drop(b, pb);
    return v;
}

/* Ours (3 executed records + the final state) and QEMU's log of the same run. */
static void make_pair(char *ours, char *qemu, size_t size, unsigned qemu_records)
{
    state s[4];
    for (unsigned i = 0; i < 4; i++) {
        s[i] = base_state(0x10 + 4 * i);
        s[i].v[TF_GPR0 + 5] = i;
    }
    snprintf(ours, size, "# hcallsim trace 1 full\n");
    qemu[0] = '\0';
    for (unsigned i = 0; i < 4; i++) {
        append_ours(ours, size, i + 1, &s[i], i < 3 ? 0x38a50001 : 0); /* addi r5,r5,1 */
        if (i < qemu_records) append_qemu_dump(qemu, size, &s[i]);
    }
    strcat(ours, "# end 4 records\n");
}

static void test_verdicts(void **unused)
{
    static char ours[1 << 15], qemu[1 << 15];
    make_pair(ours, qemu, sizeof(ours), 4);
    assert_int_equal(diff_texts(ours, qemu, "equivalent", 4), TRACEDIFF_EQUIVALENT);
    /* QEMU stopped logging before the final state: still equivalent, and said so. */
    make_pair(ours, qemu, sizeof(ours), 3);
    assert_int_equal(diff_texts(ours, qemu, "only in A", 3), TRACEDIFF_EQUIVALENT);
    /* ... but one executed record fewer is a divergence. */
    make_pair(ours, qemu, sizeof(ours), 2);
    assert_int_equal(diff_texts(ours, qemu, "B ends there, A goes on", 2), TRACEDIFF_DIVERGED);
    /* A differing field: named with both values and the instruction before it. */
    make_pair(ours, qemu, sizeof(ours), 4);
    char *r5 = strstr(strstr(qemu, "NIP 0000000000000018"), "GPR04 ");
    memcpy(r5 + 6 + 17 + 15, "9", 1); /* r5 of record 3: 2 -> 9 */
    assert_int_equal(
        diff_texts(ours, qemu, "    r5       0000000000000002     0000000000000009", 3),
        TRACEDIFF_DIVERGED);
    assert_int_equal(diff_texts(ours, qemu,
                                "after record        2 H--- 0000000000000014 "
                                "38a50001 addi    r5,r5,1",
                                3),
                     TRACEDIFF_DIVERGED);
    /* Our trace truncated: bad input, never equivalent. */
    make_pair(ours, qemu, sizeof(ours), 4);
    *strstr(ours, "# end") = '\0';
    assert_int_equal(diff_texts(ours, qemu, "truncated", 4), TRACEDIFF_BAD_INPUT);
    /* QEMU's log cut inside a dump. */
    make_pair(ours, qemu, sizeof(ours), 4);
    *strstr(strstr(qemu, "NIP 000000000000001c"), " CFAR") = '\0';
    assert_int_equal(diff_texts(ours, qemu, "truncated register dump", 3), TRACEDIFF_BAD_INPUT);
    /* A foreign file. */
    make_pair(ours, qemu, sizeof(ours), 4);
    assert_int_equal(diff_texts(ours, "just some text\n", "no register dump", 0),
                     TRACEDIFF_BAD_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_real_dump),
        cmocka_unit_test(test_qemu_events_and_words),
        cmocka_unit_test(test_qemu_truncated_dump),
        cmocka_unit_test(test_qemu_foreign_and_empty),
        cmocka_unit_test_setup_teardown(test_writer_round_trip, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_writer_full_mem_cycles, tm_setup, tm_teardown),
        cmocka_unit_test_setup_teardown(test_writer_exact_text, tm_setup, tm_teardown),
        cmocka_unit_test(test_our_format_errors),
        cmocka_unit_test(test_reads_time),
        cmocka_unit_test(test_taint_time_reads),
        cmocka_unit_test(test_cfar_after_hrfid_and_reservation),
        cmocka_unit_test(test_control_flow_and_events),
        cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
