"""Winograd's float32 error against the float64 reference, F(2x2) / F(4x4) side by side.

    python benchmarks/winograd_accuracy.py

For input channel counts 3 to 1024, image sizes and input distributions, prints
max|y - ref| / max|ref| of the float32 forward pass for direct, Winograd F(2x2, 3x3) and
F(4x4, 3x3) (forced), with ref the float64 direct result from the same float32 inputs
(fastconv's float64 path agrees with reference.py to ~1e-15).  Weights are He-scaled
normals; 16 output channels; two images.  Deterministic (seeded).
"""
from __future__ import annotations

import numpy as np

import fastconv as fc
from fastconv import _plan

DISTS = {
    "normal": lambda rng, s: rng.standard_normal(s),
    "uniform01": lambda rng, s: rng.random(s),
    "normal*1e3": lambda rng, s: 1e3 * rng.standard_normal(s),
}


def rel_err(y, ref):
    return float(np.abs(y.astype(np.float64) - ref).max() / np.abs(ref).max())


def main() -> None:
    print("C      HxW    inputs       direct    F(2x2)    F(4x4)")
    for C in (3, 16, 64, 256, 512, 1024):
        for H in (7, 28):
            for dist, draw in DISTS.items():
                rng = np.random.default_rng(C * 100 + H)
                x = draw(rng, (2, C, H, H)).astype(np.float32)
                w = (rng.standard_normal((16, C, 3, 3)) * np.sqrt(2 / (9 * C))).astype(np.float32)
                ref = fc.conv_forward(x.astype(np.float64), w.astype(np.float64), padding=1,
                                      algorithm="direct")
                errs = [rel_err(fc.conv_forward(x, w, padding=1, algorithm="direct"), ref)]
                for m in (2, 4):
                    with _plan.forced(f"wgtile={m}"):
                        errs.append(rel_err(fc.conv_forward(x, w, padding=1,
                                                            algorithm="winograd"), ref))
                print(f"{C:<6d} {H:>2d}x{H:<3d}  {dist:11s}" + "".join(f" {e:9.2e}" for e in errs))


if __name__ == "__main__":
    main()
