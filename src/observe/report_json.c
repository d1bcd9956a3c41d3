/* The JSON report of a run's paths (report.h; format in docs/cycle-model.md), built with cJSON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "observe/report.h"

#define REPORT_FORMAT_VERSION 1

/* cJSON returns NULL when an allocation fails: every add goes through these helpers, which
 * remember the failure so the report is refused rather than written without some keys. */
typedef struct json_builder {
    bool failed;
} json_builder;

static cJSON *checked(json_builder *b, cJSON *item)
{
    if (!item) b->failed = true;
    return item;
}

static void add_uint(json_builder *b, cJSON *obj, const char *key, uint64_t value)
{
    checked(b, cJSON_AddNumberToObject(obj, key, (double)value));
}

static void add_double(json_builder *b, cJSON *obj, const char *key, double value)
{
    checked(b, cJSON_AddNumberToObject(obj, key, value));
}

/* A string, or null for NULL. */
static void add_string(json_builder *b, cJSON *obj, const char *key, const char *value)
{
    if (value)
        checked(b, cJSON_AddStringToObject(obj, key, value));
    else
        checked(b, cJSON_AddNullToObject(obj, key));
}

static void add_hex(json_builder *b, cJSON *obj, const char *key, uint64_t value)
{
    char text[24];
    snprintf(text, sizeof(text), "0x%" PRIx64, value);
    add_string(b, obj, key, text);
}

static cJSON *add_object(json_builder *b, cJSON *obj, const char *key)
{
    return checked(b, cJSON_AddObjectToObject(obj, key));
}

static void add_stat(json_builder *b, cJSON *obj, const char *key, path_stat s)
{
    cJSON *o = add_object(b, obj, key);
    add_uint(b, o, "min", s.min);
    add_uint(b, o, "median", s.median);
    add_uint(b, o, "max", s.max);
    add_uint(b, o, "total", s.total);
}

static void add_stalls(json_builder *b, cJSON *obj, const char *key, const uint64_t *stall)
{
    cJSON *o = add_object(b, obj, key);
    for (unsigned r = 0; r < TIMING_STALL__COUNT; r++)
        add_uint(b, o, timing_stall_name((timing_stall)r), stall[r]);
}

static double ratio(uint64_t cycles, uint64_t insns)
{
    return insns ? (double)cycles / (double)insns : 0.0;
}

/* instructions, cycles, CPI (over all occurrences) and stall cycles: the fields a path and its
 * segments share. */
static void add_costs(json_builder *b, cJSON *obj, path_stat insns, path_stat cycles,
                      const uint64_t *stall)
{
    add_stat(b, obj, "instructions", insns);
    add_stat(b, obj, "cycles", cycles);
    add_double(b, obj, "cpi", ratio(cycles.total, insns.total));
    add_stalls(b, obj, "stall_cycles", stall);
}

static void add_segments(json_builder *b, cJSON *path, const path_profiler *paths, size_t kind,
                         size_t count)
{
    cJSON *list = checked(b, cJSON_AddArrayToObject(path, "segments"));
    for (size_t j = 0; j < count && list; j++) {
        path_segment_info s;
        if (!paths_get_segment(paths, kind, j, &s)) continue;
        cJSON *seg = checked(b, cJSON_CreateObject());
        if (!seg) return;
        cJSON_AddItemToArray(list, seg);
        add_string(b, seg, "name", s.name);
        add_costs(b, seg, s.insns, s.cycles, s.stall);
    }
}

static void add_path(json_builder *b, cJSON *list, const path_profiler *paths, size_t i)
{
    path_kind_info k;
    if (!paths_get_kind(paths, i, &k)) return;
    cJSON *path = checked(b, cJSON_CreateObject());
    if (!path) return;
    cJSON_AddItemToArray(list, path);
    bool hcall = k.start == PATH_START_HCALL;
    add_string(b, path, "name", k.label);
    if (hcall)
        add_uint(b, path, "hcall", k.hcall);
    else
        checked(b, cJSON_AddNullToObject(path, "hcall"));
    add_string(b, path, "hcall_name", k.hcall_name);
    add_hex(b, path, "vector", k.vector);
    add_string(b, path, "vector_name", k.vector_name);
    add_string(b, path, "outcome", paths_outcome_name(k.outcome));
    add_string(b, path, "handler", k.handler);
    checked(b, cJSON_AddBoolToObject(path, "returned", k.returned));
    if (k.resumed_at)
        add_hex(b, path, "resumed_at", k.resumed_at);
    else
        checked(b, cJSON_AddNullToObject(path, "resumed_at"));
    add_hex(b, path, "first_guest_pc", k.first_guest_pc);
    add_string(b, path, "first_guest_symbol", k.first_guest_symbol);
    add_uint(b, path, "count", k.count);
    add_costs(b, path, k.insns, k.cycles, k.stall);
    add_stat(b, path, "entry_cycles", k.entry_cycles);
    add_stalls(b, path, "entry_stall_cycles", k.entry_stall);
    add_segments(b, path, paths, i, k.segment_count);
}

static void add_run(json_builder *b, cJSON *root, const path_profiler *paths, const report_run *run)
{
    const timing_profile *profile = timing_get_profile(run->model);
    cJSON *p = add_object(b, root, "profile");
    add_string(b, p, "name", profile->name);
    add_string(b, p, "origin", profile->origin);

    timing_counters c;
    timing_read(run->model, &c);
    cJSON *t = add_object(b, root, "totals");
    add_uint(b, t, "instructions", run->instructions);
    add_uint(b, t, "cycles", c.cycles);
    add_double(b, t, "cpi", ratio(c.cycles, c.insns));
    add_uint(b, t, "dispatch_cycles", c.base);
    add_stalls(b, t, "stall_cycles", c.stall);
    add_uint(b, t, "dispatch_groups", c.groups);
    add_uint(b, t, "interrupts", c.interrupts);
    add_uint(b, t, "branches", c.branches);
    add_uint(b, t, "mispredicts", c.mispredicts);
    add_uint(b, t, "icache_accesses", c.icache_accesses);
    add_uint(b, t, "icache_misses", c.icache_misses);
    add_uint(b, t, "dcache_accesses", c.dcache_accesses);
    add_uint(b, t, "dcache_misses", c.dcache_misses);
    add_uint(b, t, "paths", paths_total(paths));
    add_uint(b, t, "path_kinds", paths_kind_count(paths));
}

bool report_write_json(FILE *out, path_profiler *paths, const report_run *run, char *err,
                       size_t errlen)
{
    paths_finish(paths);
    json_builder b = {0};
    cJSON *root = checked(&b, cJSON_CreateObject());
    char *text = NULL;
    if (root) {
        checked(&b, cJSON_AddStringToObject(root, "format", "hcallsim-paths"));
        add_uint(&b, root, "version", REPORT_FORMAT_VERSION);
        add_run(&b, root, paths, run);
        cJSON *list = checked(&b, cJSON_AddArrayToObject(root, "paths"));
        for (size_t i = 0; i < paths_kind_count(paths) && list; i++)
            add_path(&b, list, paths, i);
        if (!b.failed) text = cJSON_Print(root);
    }
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, "out of memory building the JSON report");
        return false;
    }
    bool ok = fputs(text, out) >= 0 && fputc('\n', out) != EOF;
    cJSON_free(text);
    if (!ok) snprintf(err, errlen, "write error");
    return ok;
}
