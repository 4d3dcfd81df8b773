// The redaction processor's window on the system PCRE2 (Debian: libpcre2-dev), 8-bit code units.
// Function names in pcre2.h are macros over the `_8` symbols, which Swift cannot import, so the few
// calls the processor makes are wrapped here as plain inline functions.
#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

/// Compile options for every pattern: byte (ASCII) semantics, never UTF or Unicode properties,
/// even when a pattern asks with (*UTF) or (*UCP).
#define CPCRE2_COMPILE_OPTIONS (PCRE2_NEVER_UTF | PCRE2_NEVER_UCP)

/// Outcome codes the Swift side reads without importing macro expressions.
static const int CPCRE2_NOMATCH = PCRE2_ERROR_NOMATCH;

static inline pcre2_code *cpcre2_compile(const uint8_t *pattern, size_t length, int *errorcode, size_t *erroroffset) {
    return pcre2_compile(pattern, length, CPCRE2_COMPILE_OPTIONS, errorcode, erroroffset, NULL);
}

/// 0 when the JIT compiled the pattern; otherwise the interpreter (with its own limits) is used.
static inline int cpcre2_jit_compile(pcre2_code *code) {
    return pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

static inline void cpcre2_code_free(pcre2_code *code) { pcre2_code_free(code); }

static inline uint32_t cpcre2_capture_count(const pcre2_code *code) {
    uint32_t n = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
    return n;
}

/// The message for an error code, NUL-terminated in `buffer`; returns its length or a negative code.
static inline int cpcre2_error_message(int code, uint8_t *buffer, size_t size) {
    return pcre2_get_error_message(code, buffer, size);
}

/// Time budget for one scan, checked from a callout at each start position of a guarded pattern
/// (one that begins with `(?C255)`): catches polynomial blow-ups that no match limit counts.
typedef struct {
    uint64_t deadline_ns;
    uint32_t calls;
    uint32_t tripped;
} cpcre2_guard;

static inline uint64_t cpcre2_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int cpcre2_guard_callout(pcre2_callout_block *block, void *data) {
    (void)block;
    cpcre2_guard *guard = (cpcre2_guard *)data;
    if ((++guard->calls & 7u) == 0 && cpcre2_monotonic_ns() > guard->deadline_ns) {
        guard->tripped = 1;
        return PCRE2_ERROR_CALLOUT;
    }
    return 0;
}

/// Per-thread (per-scratch) matching state: match data, a match context with limits, a bounded JIT stack.
typedef struct {
    pcre2_match_data *match_data;
    pcre2_match_context *context;
    pcre2_jit_stack *jit_stack;
    cpcre2_guard guard;
} cpcre2_scratch;

/// Returns 0 on success. `match_limit` bounds backtracking (JIT and interpreter), `depth_limit` and
/// `heap_limit_kib` bound the interpreter, and the JIT stack is capped at `jit_stack_max` bytes.
static inline int cpcre2_scratch_init(cpcre2_scratch *s, uint32_t match_limit, uint32_t depth_limit,
                                      uint32_t heap_limit_kib, size_t jit_stack_max) {
    s->match_data = pcre2_match_data_create(16, NULL);
    s->context = pcre2_match_context_create(NULL);
    s->jit_stack = pcre2_jit_stack_create(32 * 1024, jit_stack_max, NULL);
    s->guard.deadline_ns = UINT64_MAX;
    s->guard.calls = 0;
    s->guard.tripped = 0;
    if (s->match_data == NULL || s->context == NULL) return -1;
    pcre2_set_match_limit(s->context, match_limit);
    pcre2_set_depth_limit(s->context, depth_limit);
    pcre2_set_heap_limit(s->context, heap_limit_kib);
    if (s->jit_stack != NULL) pcre2_jit_stack_assign(s->context, NULL, s->jit_stack);
    pcre2_set_callout(s->context, cpcre2_guard_callout, &s->guard);
    return 0;
}

static inline void cpcre2_scratch_free(cpcre2_scratch *s) {
    if (s->match_data) pcre2_match_data_free(s->match_data);
    if (s->context) pcre2_match_context_free(s->context);
    if (s->jit_stack) pcre2_jit_stack_free(s->jit_stack);
}

/// One match from `offset`. Returns > 0 on a match (with [*start, *end) the whole match, after any \K),
/// CPCRE2_NOMATCH when there is none, another negative PCRE2 code on a limit or error.
static inline int cpcre2_match(const pcre2_code *code, int jit, const uint8_t *subject, size_t length,
                               size_t offset, cpcre2_scratch *s, size_t *start, size_t *end) {
    int rc = jit ? pcre2_jit_match(code, subject, length, offset, 0, s->match_data, s->context)
                 : pcre2_match(code, subject, length, offset, 0, s->match_data, s->context);
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match_data);
        *start = ov[0];
        *end = ov[1];
        if (rc == 0) rc = 1;  /* ovector too small: group 0 is still set */
    }
    return rc;
}

#endif
