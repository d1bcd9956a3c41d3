/* Cycle-model profiles: the built-ins load from any directory, and a bad profile is refused
 * with the file, the line and the parameter named, leaving the caller's profile untouched. */
#include <stdio.h>
#include <unistd.h>

#include "test_timing_encode.h"

/* The power8 built-in as shipped (profiles/power8.ini): the tests edit copies of it. */
static const char *read_power8(void)
{
    const char *text = timing_builtin_profile_text("power8");
    assert_non_null(text);
    return text;
}

/* The 1-based line number of the first line starting with `prefix`. */
static unsigned line_of(const char *text, const char *prefix)
{
    unsigned line = 1;
    for (const char *p = text; *p; line++) {
        if (!strncmp(p, prefix, strlen(prefix))) return line;
        p = strchr(p, '\n');
        if (!p) break;
        p++;
    }
    fail_msg("no line starts with '%s'", prefix);
    return 0;
}

/* text with the first line starting with `prefix` replaced by `replacement` (NULL deletes it). */
static char *edit_line(const char *text, const char *prefix, const char *replacement)
{
    static char bufs[2][16384]; /* two, so that one edit can take another's output */
    static unsigned next;
    char *out = bufs[next++ & 1];
    const char *at = text;
    while (strncmp(at, prefix, strlen(prefix))) {
        at = strchr(at, '\n');
        assert_non_null(at);
        at++;
    }
    const char *end = strchr(at, '\n');
    end = end ? end + 1 : at + strlen(at);
    snprintf(out, sizeof(bufs[0]), "%.*s%s%s%s", (int)(at - text), text,
             replacement ? replacement : "", replacement ? "\n" : "", end);
    return out;
}

static void expect_refused(const char *text, const char *message)
{
    timing_profile p;
    memset(&p, 0xa5, sizeof(p));
    timing_profile untouched = p;
    char err[256] = "";
    assert_false(timing_parse_profile(text, "my.ini", &p, err, sizeof(err)));
    if (!strstr(err, message)) fail_msg("error '%s' lacks '%s'", err, message);
    assert_memory_equal(&p, &untouched, sizeof(p)); /* nothing of a refused profile */
}

static void test_builtins_load(void **state)
{
    timing_profile p7, p8, p9;
    char err[256];
    assert_true(timing_load_profile("power7", &p7, err, sizeof err));
    assert_true(timing_load_profile("power8", &p8, err, sizeof err));
    assert_true(timing_load_profile("power9", &p9, err, sizeof err));
    assert_string_equal(p7.name, "power7");
    assert_string_equal(p8.name, "power8");
    assert_string_equal(p9.name, "power9");
    assert_string_equal(timing_builtin_profiles[0], "power8");
    /* a few numbers straight from the sources */
    assert_int_equal(p7.latency[TIMING_LOAD], 2);
    assert_int_equal(p8.latency[TIMING_LOAD], 3);
    assert_int_equal(p9.latency[TIMING_LOAD], 4);
    assert_int_equal(p9.latency[TIMING_MTSPR], 12);
    assert_int_equal(p8.mispredict_penalty, 16);
    assert_int_equal(p8.l1d.size_kb, 64);
    assert_int_equal(p7.link_stack_entries, 15);
    assert_int_equal(p8.dispatch[TIMING_MFCR], TIMING_DISPATCH_ALONE);
    assert_int_equal(p8.dispatch[TIMING_CRLOGICAL], TIMING_DISPATCH_FIRST);
    assert_int_equal(p8.dispatch[TIMING_ALU], TIMING_DISPATCH_NORMAL);

    /* from any directory: the built-ins are embedded */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir("/"), 0);
    assert_true(timing_load_profile("power9", &p9, err, sizeof err));
    assert_int_equal(chdir(cwd), 0);
}

static void test_copy_of_builtin_parses(void **state)
{
    timing_profile from_text, builtin;
    char err[256];
    assert_true(timing_parse_profile(read_power8(), "copy.ini", &from_text, err, sizeof err));
    assert_true(timing_load_profile("power8", &builtin, err, sizeof err));
    memset(from_text.origin, 0, sizeof(from_text.origin));
    memset(builtin.origin, 0, sizeof(builtin.origin));
    assert_memory_equal(&from_text, &builtin, sizeof(builtin));
}

static void test_missing_parameter(void **state)
{
    const char *text = read_power8();
    char buf[160];
    snprintf(buf, sizeof buf, "my.ini:%u: missing parameter 'latency.mul'",
             line_of(text, "[latency]"));
    expect_refused(edit_line(text, "mul =", NULL), buf);
    /* a whole section missing: named, at the end of the file */
    expect_refused(edit_line(edit_line(text, "[l2]", NULL), "latency = 12", NULL),
                   "missing parameter 'l2.latency' (no [l2] section)");
}

static void test_unknown_parameter(void **state)
{
    const char *text = read_power8();
    char buf[160];
    unsigned line = line_of(text, "mul =");
    snprintf(buf, sizeof buf, "my.ini:%u: unknown parameter 'latency.mull'", line);
    expect_refused(edit_line(text, "mul =", "mull = 4"), buf);
    expect_refused(edit_line(text, "[l2]", "[l3]"), "unknown parameter 'l3.latency'");
    snprintf(buf, sizeof buf,
             "my.ini:%u: parameter 'dispatch.alone': unknown timing class 'mtsprr'",
             line_of(text, "alone ="));
    expect_refused(edit_line(text, "alone =", "alone = sync, mtsprr"), buf);
}

static void test_out_of_range_parameter(void **state)
{
    const char *text = read_power8();
    char buf[160];
    snprintf(buf, sizeof buf,
             "my.ini:%u: parameter 'pipeline.dispatch_width' = 99 is out of range 1..16",
             line_of(text, "dispatch_width ="));
    expect_refused(edit_line(text, "dispatch_width =", "dispatch_width = 99"), buf);
    expect_refused(edit_line(text, "dispatch_width =", "dispatch_width = 0"),
                   "'pipeline.dispatch_width' = 0 is out of range 1..16");
    expect_refused(edit_line(text, "alu =", "alu = 1001"), "'latency.alu' = 1001 is out of range");
    expect_refused(edit_line(text, "alu =", "alu = -1"),
                   "'latency.alu': '-1' is not a non-negative integer");
    expect_refused(edit_line(text, "alu =", "alu = 1.5"), "is not a non-negative integer");
    expect_refused(edit_line(text, "direction_entries =", "direction_entries = 1000"),
                   "'branch.direction_entries' = 1000 must be a power of two");
    expect_refused(edit_line(text, "ways = 8", "ways = 3"),
                   "parameter 'l1i.ways' = 3: size_kb*1024 / (line_bytes*ways) must be a whole");
}

static void test_duplicate_and_syntax(void **state)
{
    const char *text = read_power8();
    expect_refused(edit_line(text, "mul =", "mul = 4\nmul = 5"),
                   "parameter 'latency.mul' is set twice");
    char buf[160];
    snprintf(buf, sizeof buf, "my.ini:%u: syntax error", line_of(text, "mul ="));
    expect_refused(edit_line(text, "mul =", "mul 4"), buf);
    expect_refused(edit_line(text, "alone =", "alone = sync\nfirst = sync"),
                   "'dispatch.first' is set twice");
}

static void test_profile_file(void **state)
{
    char path[] = "/tmp/hcallsim-profile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = edit_line(read_power8(), "stcx =", "stcx = 100000");
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    timing_profile p;
    char err[256], expected[320];
    snprintf(expected, sizeof expected, "%s:%u: parameter 'latency.stcx' = 100000 is out of range",
             path, line_of(read_power8(), "stcx ="));
    assert_false(timing_load_profile(path, &p, err, sizeof err));
    if (!strstr(err, expected)) fail_msg("'%s' lacks '%s'", err, expected);

    /* a valid copy loads from its path */
    FILE *f = fopen(path, "w");
    fputs(edit_line(read_power8(), "name =", "name = mine"), f);
    fclose(f);
    assert_true(timing_load_profile(path, &p, err, sizeof err));
    assert_string_equal(p.name, "mine");
    assert_string_equal(p.origin, path);
    unlink(path);

    assert_false(timing_load_profile("/nonexistent/power10.ini", &p, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/power10.ini: not a built-in profile"));
    assert_false(timing_load_profile("power10", &p, err, sizeof err));
    assert_non_null(strstr(err, "power10: not a built-in profile (power7, power8, power9)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_load),
        cmocka_unit_test(test_copy_of_builtin_parses),
        cmocka_unit_test(test_missing_parameter),
        cmocka_unit_test(test_unknown_parameter),
        cmocka_unit_test(test_out_of_range_parameter),
        cmocka_unit_test(test_duplicate_and_syntax),
        cmocka_unit_test(test_profile_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
