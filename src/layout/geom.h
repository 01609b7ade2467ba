/* Problem normalisation and the packed "flattened polyphase" geometry shared by every
 * convolution path (forward, backward-input, backward-weight, single-array).
 *
 * The idea: the padded input of one channel is stored as s0*s1*s2 phase images
 * (phase (a0,a1,a2) holds padded elements a + j*s), each of extent q, flattened
 * row-major.  An output pixel (o0,o1,o2) gets the flattened index
 * p = (o0*q1 + o1)*q2 + o2, and kernel tap r reads padded element o*s + r*d, which
 * lives in phase (r*d) % s at index o + (r*d)/s: so every tap is one constant offset
 * off[t] from p, whatever the stride, dilation or rank.  A tile of consecutive p is
 * then a contiguous vector load per tap; the few p that fall on columns o2 >= O2 or
 * rows o1 >= O1 are computed and dropped ("garbage" lanes, (q2-O2)/q2 of the work). */
#ifndef FASTCONV_GEOM_H
#define FASTCONV_GEOM_H

#include "internal.h"

typedef struct fc_prob {
    int64_t N, C, K, G, Cg, Kg, T;
    int64_t in[3], ker[3], str[3], dil[3], plo[3], phi[3], out[3];
    int flip;
    int algo;          /* fc_algorithm asked for */
} fc_prob;

#define FC_GEOM_MAXREP 16

typedef struct fc_geom {
    int64_t L[3];      /* source extent */
    int64_t plo[3];    /* low padding; negative crops */
    int64_t s[3];      /* phases per axis */
    int64_t q[3];      /* phase image extent */
    int64_t nph, ps;   /* phase count, elements per phase image */
    uint64_t phskip;   /* bit ph (ph < 64): no tap reads phase ph, so it is packed as zeros */
    /* column-folded layout (nrep > 0, stride 1 only; see fc_geom_fold): nrep copies of
     * the padded channel, copy m shifted left by rep[m] columns and cut to q2 = O2 */
    int nrep;
    int64_t rep[FC_GEOM_MAXREP];
    int64_t O[3];      /* valid output extent */
    int64_t lvalid;    /* flattened index one past the last valid output */
    int64_t lout;      /* lvalid rounded up to the tile */
    int64_t cs;        /* packed channel stride: data + slack for the last tile's reads */
    int boundary;      /* fc_boundary: how the packer fills outside the source */
    int T;
    int64_t *off;      /* T tap offsets (owned) */
    int64_t *tap_elem; /* T flattened kernel-element indices, for the weight packers (owned) */
} fc_geom;

/* Source index for a (possibly out-of-range) index i of an axis of extent L, or -1 where
 * the boundary rule says "fill".  wrap: L=3, i=-1 -> 2; symm mirrors with the edge
 * repeated, period 2L: L=3, i=-1 -> 0, i=3 -> 2, i=-4 -> 2; nearest clamps: i=-5 -> 0;
 * mirror reflects about the edge, period 2L-2: L=3, i=-1 -> 1, i=3 -> 1, i=-4 -> 0
 * (L=1: always 0). */
static inline int64_t fc_map_index(int64_t i, int64_t L, int boundary)
{
    if (i >= 0 && i < L) return i;
    if (boundary == FC_BOUNDARY_WRAP) {
        i %= L;
        return i < 0 ? i + L : i;
    }
    if (boundary == FC_BOUNDARY_SYMM) {
        const int64_t P = 2 * L;
        i %= P;
        if (i < 0) i += P;
        return i < L ? i : P - 1 - i;
    }
    if (boundary == FC_BOUNDARY_NEAREST) return i < 0 ? 0 : L - 1;
    if (boundary == FC_BOUNDARY_MIRROR) {
        if (L == 1) return 0;
        const int64_t P = 2 * L - 2;
        i %= P;
        if (i < 0) i += P;
        return i < L ? i : P - i;
    }
    return -1;
}

/* Where a pass's output pixel (o0, o1, o2) goes: spatial index ystart + o*ystep of a
 * tensor of extent ydim (the residue classes of a strided backward-input write every
 * s-th input position; a forward pass writes its output with unit steps from 0). */
typedef struct fc_scatter {
    int64_t ydim[3], ystart[3], ystep[3];
} fc_scatter;

/* Index in the destination of output pixel (o0, o1, o2) under sc: ydim (4, 5, 6),
 * start 0, step 1: (1, 2, 3) -> (1*5 + 2)*6 + 3 = 45. */
static inline int64_t fc_scatter_index(const fc_scatter *sc, int64_t o0, int64_t o1, int64_t o2)
{
    return ((sc->ystart[0] + o0 * sc->ystep[0]) * sc->ydim[1] + (sc->ystart[1] + o1 * sc->ystep[1])) *
               sc->ydim[2] + sc->ystart[2] + o2 * sc->ystep[2];
}

fc_status fc_prob_from_desc(const fc_conv_desc *d, fc_prob *p);
/* fc_prob_from_desc, then the algorithm asked for (fc_algorithm; FC_EINVAL outside it). */
fc_status fc_prob_from_desc_algo(const fc_conv_desc *d, int algorithm, fc_prob *p);
void fc_geom_free(fc_geom *g);
/* Geometry of the forward pass (input x, phases = stride), tiles of `tile` pixels. */
fc_status fc_geom_forward(const fc_prob *p, int64_t tile, fc_geom *g);
/* Finish a geometry whose L, plo, s, q, O, T, off are set: lvalid, lout, cs. */
fc_status fc_geom_finish(fc_geom *g, int64_t tile);
/* row[e] = the tap t of g with tap_elem[t] = e, or -1 where no tap of g is kernel
 * element e, for e < n (the kernel's element count): the packed row a weight repack
 * sends element e to (flip: element T-1-t goes to row t). */
void fc_geom_tap_rows(const fc_geom *g, int64_t n, int64_t *row);
/* Refold a finished stride-1 geometry so that packed rows are O2 long: every tap's
 * column shift gets a copy of the channel of its own, and consecutive output pixels
 * (across rows) are consecutive packed elements for every tap.  Nonzero (the geometry
 * is unchanged) where the layout does not apply: strides, or too many column shifts. */
int fc_geom_fold(fc_geom *g);
/* Where each of the nv vectors (vl lanes) of the flattened tile starting at pixel p0
 * lands in one output channel under sc (unit column step; rows q2 >= vl apart). */
void fc_tile_segs(const fc_geom *g, const fc_scatter *sc, int64_t p0, int nv, int vl, fc_seg *seg);

#endif
