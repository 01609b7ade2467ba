/* From a tile of flattened output pixels to the output tensor (see geom.h), written
 * once and instantiated per element type by exec/exec.c. */

/* Copy the valid pixels of a tile (rows x tile_w, starting at flattened p0) to y:
 * output pixel o goes to fc_scatter_index(sc, o), channel rows ystride apart; bias (per
 * row) is added when given.  Padding columns (o2 >= O2) and rows are dropped. */
static void FC_F(copy_out)(FC_CAT2(fc_rowcopy, FC_CAT2(FC_S, fn)) rowcopy, const FC_T *tile, int rows,
                           int64_t tile_w, int64_t p0, const fc_geom *g, const fc_scatter *sc, FC_T *y,
                           int64_t ystride, const FC_T *bias)
{

    const int64_t q1 = g->q[1], q2 = g->q[2];
    const int64_t pend = p0 + tile_w < g->lvalid ? p0 + tile_w : g->lvalid;
    int64_t o0 = p0 / (q1 * q2), o1 = (p0 / q2) % q1, o2 = p0 % q2;
    for (int64_t p = p0; p < pend;) {
        int64_t run = q2 - o2;
        if (run > pend - p) run = pend - p;
        if (o0 < g->O[0] && o1 < g->O[1] && o2 < g->O[2]) {
            const int64_t nv = (g->O[2] - o2) < run ? (g->O[2] - o2) : run;
            const int64_t base = fc_scatter_index(sc, o0, o1, o2);
            const int64_t st = sc->ystep[2];
            if (st == 1)
                rowcopy(rows, nv, tile + (p - p0), tile_w, y + base, ystride, bias);
            else
                for (int i = 0; i < rows; ++i) {
                    const FC_T b = bias ? bias[i] : (FC_T)0;
                    const FC_T *tr = tile + i * tile_w + (p - p0);
                    FC_T *yr = y + i * ystride + base;
                    for (int64_t j = 0; j < nv; ++j) yr[j * st] = tr[j] + b;
                }
        }
        p += run;
        o2 += run;
        if (o2 == q2) {
            o2 = 0;
            if (++o1 == q1) { o1 = 0; ++o0; }
        }
    }
}
