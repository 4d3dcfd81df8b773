#ifndef ALLOC_COUNTER_H
#define ALLOC_COUNTER_H
#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc of NULL, posix_memalign, aligned_alloc, memalign) made by
/// the whole process since it started. Linked only into the benchmark executable: it interposes the
/// allocator entry points and forwards to glibc's.
uint64_t alloc_counter_total(void);

#endif
