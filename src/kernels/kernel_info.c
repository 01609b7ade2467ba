/* fc_kernel_tiles: the register tiles of the kernel tables, as text.  The tables
 * (kernels_<isa>.c, through tapconv_template.h) are the only place the tile sizes are
 * written down; tests and tools read them from here instead of keeping copies.  Compiled
 * with the library's baseline flags: it only reads the tables' integer fields, and
 * never calls a kernel, so it is safe for an ISA this CPU cannot run. */
#include <stdio.h>
#include <string.h>
#include "../internal.h"

/* The tile fields shared by both element types, copied from either table. */
typedef struct tiles {
    int lanes, mr, nr, mr2, nr2, nr1, wk, wnj, wkw, wnjw, wkn, wnjn, wdk, wds, wds1, rb, rnr, kw, kp;
} tiles;

#define FC_TILES_FROM(t, k)                                                                     \
    ((t) = (tiles){.lanes = (k)->vl, .mr = (k)->mr, .nr = (k)->nr, .mr2 = (k)->mr2,             \
                   .nr2 = (k)->nr2, .nr1 = (k)->nr1, .wk = (k)->wk, .wnj = (k)->wnj,            \
                   .wkw = (k)->wkw, .wnjw = (k)->wnjw, .wkn = (k)->wkn, .wnjn = (k)->wnjn,      \
                   .wdk = (k)->wdk, .wds = (k)->wds, .wds1 = (k)->wds1, .rb = (k)->rb,          \
                   .rnr = (k)->rnr, .kw = (k)->kw, .kp = (k)->kp})

/* The tables of one ISA; FC_EINVAL for an unknown name, FC_EUNSUPPORTED for one not
 * compiled in (where the picker would answer a lower level). */
static fc_status find_tables(const char *isa, const fc_kernels_f32 **k32, const fc_kernels_f64 **k64)
{
    const int id = fc_isa_from_name(isa);
    if (id < 0) return FC_EINVAL;
    if (fc_isa_best(id) != id) return FC_EUNSUPPORTED;
    *k32 = fc_kernels_for_f32(id);
    *k64 = fc_kernels_for_f64(id);
    return FC_OK;
}

fc_status fc_kernel_tiles(const char *isa, int elem_bytes, char *buf, size_t n)
{
    if (!isa || !buf || n == 0 || (elem_bytes != 4 && elem_bytes != 8)) return FC_EINVAL;
    buf[0] = '\0';
    const fc_kernels_f32 *k32 = NULL;
    const fc_kernels_f64 *k64 = NULL;
    const fc_status st = find_tables(isa, &k32, &k64);
    if (st != FC_OK) return st;
    tiles t;
    if (elem_bytes == 4)
        FC_TILES_FROM(t, k32);
    else
        FC_TILES_FROM(t, k64);
    /* names 56 characters, 19 '=', 18 spaces, values at most 11 (an int) each and the
     * NUL: at most 303 bytes, so 320 always suffice (the header promises it) */
    char line[320];
    const int len = snprintf(line, sizeof line,
                             "lanes=%d mr=%d nr=%d mr2=%d nr2=%d nr1=%d wk=%d wnj=%d wkw=%d wnjw=%d "
                             "wkn=%d wnjn=%d wdk=%d wds=%d wds1=%d rb=%d rnr=%d kw=%d kp=%d",
                             t.lanes, t.mr, t.nr, t.mr2, t.nr2, t.nr1, t.wk, t.wnj, t.wkw, t.wnjw,
                             t.wkn, t.wnjn, t.wdk, t.wds, t.wds1, t.rb, t.rnr, t.kw, t.kp);
    if (len < 0 || (size_t)len >= n || (size_t)len >= sizeof line) return FC_EINVAL;
    memcpy(buf, line, (size_t)len + 1);
    return FC_OK;
}
