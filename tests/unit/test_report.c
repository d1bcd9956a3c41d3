/* Report writers without the firmware: files written whole or not at all, and the Kanata log of
 * a short sequence whose cycles are computed by hand from the POWER9 profile (the same sequence
 * as test_timing.c's dependency test: li r3; addi r4,r3 with ALU latency 2).  The reports of real
 * runs (JSON, folded stacks, a long Kanata log) are checked in test_paths.c. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_timing_encode.h"

#include "observe/fanout.h"
#include "observe/report.h"

static char *scratch_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/hcallsim-test-report-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Nothing but the destination (or nothing at all) is left in the directory. */
static unsigned entries(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    unsigned n = 0;
    assert_int_equal(fscanf(p, "%u", &n), 1);
    pclose(p);
    return n;
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_file_commit_and_discard(void **state)
{
    (void)state;
    char *dir = scratch_dir(), path[128], err[256];
    snprintf(path, sizeof(path), "%s/out.json", dir);

    report_file rf;
    assert_true(report_file_open(&rf, path, err, sizeof(err)));
    fputs("{}\n", rf.f);
    assert_false(exists(path)); /* only the temporary exists while writing */
    assert_int_equal(entries(dir), 1);
    assert_true(report_file_commit(&rf, err, sizeof(err)));
    assert_true(exists(path));
    assert_int_equal(entries(dir), 1);

    /* a discarded rewrite leaves the old file as it was and no temporary */
    assert_true(report_file_open(&rf, path, err, sizeof(err)));
    fputs("half", rf.f);
    report_file_discard(&rf);
    assert_int_equal(entries(dir), 1);
    FILE *f = fopen(path, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    assert_string_equal(line, "{}\n");

    /* unwritable destinations are refused at open, naming the file */
    char missing[160];
    snprintf(missing, sizeof(missing), "%s/no/such/dir/out.json", dir);
    assert_false(report_file_open(&rf, missing, err, sizeof(err)));
    assert_non_null(strstr(err, missing));
    assert_false(report_file_open(&rf, dir, err, sizeof(err)));
    assert_non_null(strstr(err, "is a directory"));
    report_file_discard(&(report_file){0}); /* harmless */
    remove_dir(dir);
}

static void locate_nothing(void *ctx, uint64_t pc, uint64_t msr, char *buf, size_t len)
{
    (void)ctx, (void)msr;
    snprintf(buf, len, "code+0x%llx", (unsigned long long)(pc - T_CODE));
}

/* li r3,1 then addi r4,r3,1 on POWER9: li dispatches at L2 (after the cold I-cache miss), addi at
 * L2+2 (ALU latency 2).  F/D/X/R as report.h defines them, every event in cycle order. */
static void test_pipeview_dependency(void **state)
{
    timing_test tt;
    tt_init(&tt, state, "power9");
    const unsigned l2 = tt.p.l2_latency, alu = tt.p.latency[TIMING_ALU];
    assert_int_equal(alu, 2);
    tt_load(&tt, T_CODE, (uint32_t[]){T_ADDI(3, 0, 1), T_ADDI(4, 3, 1), T_ADDI(5, 0, 7)}, 3);

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    pipeview *v = pipeview_create(
        out, &(pipeview_config){.model = tt.t, .limit = 2, .locate = locate_nothing});
    assert_non_null(v);
    observer_fanout fan;
    fanout_init(&fan);
    fanout_add(&fan, timing_observer(tt.t));
    fanout_add(&fan, pipeview_observer(v));
    cpu_set_nip(tt.m->cpu, T_CODE);
    cpu_run_observed(tt.m->cpu, 3, &fan.self); /* the third is past the limit */
    assert_true(pipeview_finish(v));
    assert_int_equal(pipeview_recorded(v), 2);
    pipeview_destroy(v);
    fclose(out);

    /* li: F from 0 (its I-cache miss), D at L2, X at L2+1, ready L2+2.
     * addi: F from L2 (behind li), D at L2+2, X at L2+3, ready L2+4. */
    char want[1024];
    snprintf(want, sizeof(want),
             "Kanata\t0004\n"
             "C=\t0\n"
             "I\t0\t0\t0\n"
             "L\t0\t0\t0000000000001000 code+0x0: addi    r3,0,1\n"
             "L\t0\t1\ticache-miss %u\n"
             "S\t0\t0\tF\n"
             "C\t%u\n"
             "E\t0\t0\tF\n"
             "S\t0\t0\tD\n"
             "I\t1\t1\t0\n"
             "L\t1\t0\t0000000000001004 code+0x4: addi    r4,r3,1\n"
             "L\t1\t1\tdependency 1\n"
             "S\t1\t0\tF\n"
             "C\t1\n"
             "E\t0\t0\tD\n"
             "S\t0\t0\tX\n"
             "C\t1\n"
             "E\t0\t0\tX\n"
             "R\t0\t0\t0\n"
             "E\t1\t0\tF\n"
             "S\t1\t0\tD\n"
             "C\t1\n"
             "E\t1\t0\tD\n"
             "S\t1\t0\tX\n"
             "C\t1\n"
             "E\t1\t0\tX\n"
             "R\t1\t1\t0\n",
             l2, l2);
    if (strcmp(text, want) != 0) fail_msg("got:\n%s\nwant:\n%s", text, want);
    free(text);
    tt_fini(&tt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_commit_and_discard),
        cmocka_unit_test_setup_teardown(test_pipeview_dependency, tm_setup, tm_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
