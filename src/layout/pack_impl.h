/* Packing into the polyphase layout of fc_geom (see geom.h), written once and
 * instantiated per element type (FC_T, FC_S) by exec/exec.c. */

/* Pack rows [r0, r1) of one source channel (extent g->L, C-order) into the polyphase
 * layout of g, filling outside the source by the boundary rule (FILL with `fill`, WRAP,
 * SYMM).  A row is one (phase, j0, j1) line of q2 elements: row index
 * ((a0*s1 + a1)*s2 + a2)*q0*q1 + j0*q1 + j1.  Row r goes to dst + (r - r0)*q2. */
static void FC_F(pack_rows)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst, int64_t r0,
                            int64_t r1)
{
    const int64_t L1 = g->L[1], L2 = g->L[2];
    const int64_t q0 = g->q[0], q1 = g->q[1], q2 = g->q[2];
    if (g->boundary == FC_BOUNDARY_FILL) {
        /* The common case, a constant fill (every padded layer): within one phase every
         * row has the same column bounds and (j0, j1) advance by one, so rows are walked
         * with counters, not the divisions and index mapping of the general loop below,
         * which cost as much as the copy on short rows.
         * Phase column j holds source column a2 + j*s2 - plo2: plo2 = 1, L2 = 28, s2 = 1,
         * q2 = 30 -> fill at j = 0, source 0..27 at j = 1..28, fill at j = 29; s2 = 2,
         * a2 = 0, q2 = 15: fill at j = 0, source 1, 3, .., 27 at j = 1..14. */
        const int64_t s0 = g->s[0], s1 = g->s[1], s2 = g->s[2], pr = q0 * q1;
        int64_t ph = r0 / pr, j0 = (r0 / q1) % q0, j1 = r0 % q1;
        for (int64_t row = r0; row < r1; ++ph) {
            const int64_t a2 = ph % s2, a1 = (ph / s2) % s1, a0 = ph / (s2 * s1);
            const int64_t first = a2 - g->plo[2];
            int64_t lo = first >= 0 ? 0 : fc_ceil_div(-first, s2);
            int64_t hi = first < L2 ? fc_ceil_div(L2 - first, s2) : 0;
            if (lo > q2) lo = q2;
            if (hi > q2) hi = q2;
            if (hi < lo) hi = lo;
            const int64_t rend = (ph + 1) * pr < r1 ? (ph + 1) * pr : r1;
            if (ph < 64 && (g->phskip >> ph) & 1) {
                /* no tap reads this phase, but tiles' dropped lanes may run into it:
                 * zeros, never stale bytes (a denormal there costs an FMA assist) */
                memset(dst + (row - r0) * q2, 0, sizeof(FC_T) * (size_t)((rend - row) * q2));
                row = rend;
                j0 = j1 = 0;
                continue;
            }
            for (; row < rend; ++row) {
                const int64_t i0 = a0 + j0 * s0 - g->plo[0], i1 = a1 + j1 * s1 - g->plo[1];
                FC_T *out = dst + (row - r0) * q2;
                if (i0 < 0 || i0 >= g->L[0] || i1 < 0 || i1 >= L1 || hi == lo) {
                    for (int64_t j = 0; j < q2; ++j) out[j] = fill;
                } else {
                    const FC_T *sp = src + (i0 * L1 + i1) * L2 + first;
                    for (int64_t j = 0; j < lo; ++j) out[j] = fill;
                    /* libc's copy uses this machine's widest vectors; a loop compiled
                     * with the drivers' baseline flags moves 16 bytes at a time */
                    if (s2 == 1)
                        memcpy(out + lo, sp + lo, sizeof(FC_T) * (size_t)(hi - lo));
                    else if (s2 == 2) /* a constant stride, which the compiler vectorises */
                        for (int64_t j = lo; j < hi; ++j) out[j] = sp[2 * j];
                    else
                        for (int64_t j = lo; j < hi; ++j) out[j] = sp[j * s2];
                    for (int64_t j = hi; j < q2; ++j) out[j] = fill;
                }
                if (++j1 == q1) {
                    j1 = 0;
                    if (++j0 == q0) j0 = 0;
                }
            }
        }
        return;
    }
    for (int64_t row = r0; row < r1; ++row) {
        const int64_t j1 = row % q1, j0 = (row / q1) % q0, ph = row / (q0 * q1);
        const int64_t a2 = ph % g->s[2], a1 = (ph / g->s[2]) % g->s[1], a0 = ph / (g->s[2] * g->s[1]);
        FC_T *out = dst + (row - r0) * q2;
        /* phase a, index j holds padded a + j*s, i.e. source a + j*s - plo */
        const int64_t i0 = fc_map_index(a0 + j0 * g->s[0] - g->plo[0], g->L[0], g->boundary);
        const int64_t i1 = fc_map_index(a1 + j1 * g->s[1] - g->plo[1], L1, g->boundary);
        if (i0 < 0 || i1 < 0) {
            for (int64_t j2 = 0; j2 < q2; ++j2) out[j2] = fill;
            continue;
        }
        const FC_T *srow = src + (i0 * L1 + i1) * L2;
        const int64_t s2 = g->s[2], first = a2 - g->plo[2];
        /* j2 with 0 <= first + j2*s2 < L2 copy straight; the rest map */
        int64_t lo = first >= 0 ? 0 : fc_ceil_div(-first, s2);
        int64_t hi = first < L2 ? fc_ceil_div(L2 - first, s2) : 0;
        if (lo > q2) lo = q2;
        if (hi > q2) hi = q2;
        if (hi < lo) hi = lo;
        for (int64_t j2 = 0; j2 < lo; ++j2) {
            const int64_t i2 = fc_map_index(first + j2 * s2, L2, g->boundary);
            out[j2] = i2 < 0 ? fill : srow[i2];
        }
        if (s2 == 1)
            memcpy(out + lo, srow + first + lo, sizeof(FC_T) * (size_t)(hi - lo));
        else
            for (int64_t j2 = lo; j2 < hi; ++j2) out[j2] = srow[first + j2 * s2];
        for (int64_t j2 = hi; j2 < q2; ++j2) {
            const int64_t i2 = fc_map_index(first + j2 * s2, L2, g->boundary);
            out[j2] = i2 < 0 ? fill : srow[i2];
        }
    }
}

/* Pack a whole channel in the column-folded layout (fc_geom_fold): copy m holds
 * padded (j0, j1, j + rep[m]) at row (j0, j1), column j, i.e. the stride-1 layout of
 * rows q2 = O2 long whose low column pad is plo2 - rep[m] (rep 2, plo2 1: source
 * columns 1.. from column 0); slack zeroed. */
static void FC_F(pack_fold)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst)
{
    const int64_t rows = g->q[0] * g->q[1];
    for (int m = 0; m < g->nrep; ++m) {
        fc_geom gm = *g;
        gm.plo[2] = g->plo[2] - g->rep[m];
        FC_F(pack_rows)(src, &gm, fill, dst + m * g->ps, 0, rows);
    }
    memset(dst + g->nrep * g->ps, 0, sizeof(FC_T) * (size_t)(g->cs - g->nrep * g->ps));
}

/* Pack a whole channel and zero its slack. */
static void FC_F(pack_plane)(const FC_T *src, const fc_geom *g, FC_T fill, FC_T *dst)
{
    if (g->nrep) {
        FC_F(pack_fold)(src, g, fill, dst);
        return;
    }
    const int64_t rows = g->nph * g->q[0] * g->q[1];
    FC_F(pack_rows)(src, g, fill, dst, 0, rows);
    memset(dst + rows * g->q[2], 0, sizeof(FC_T) * (size_t)(g->cs - rows * g->q[2]));
}
