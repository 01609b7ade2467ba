"""Workspace bounds: no im2col-sized buffer, ever.

A full im2col matrix of x (1, 64, 512, 512) with 3x3 kernels would be 64*9*512*512
floats = 604 MB.  fastconv's workspace is one padded, packed copy of the input (67 MB
here), so the peak RSS of a fresh process may grow by less than 100 MB beyond the
arrays it was given.  Measured in a subprocess so that nothing else the test session
allocated clouds the peak.
"""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import resource, numpy as np, fastconv as fc
    x = np.ones((1, 64, 512, 512), np.float32)
    w = np.ones((64, 64, 3, 3), np.float32)
    y = np.empty((1, 64, 512, 512), np.float32)
    x[...] = 1.0; y[...] = 0.0   # touch both, so they count before the call
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fc.conv_forward(x, w, padding=1, out=y)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert y[0, 0, 1, 1] == 64 * 9 and y[0, 0, 0, 0] == 64 * 4, (y[0, 0, 1, 1], y[0, 0, 0, 0])
    print((after - before) / 1024.0)   # ru_maxrss is in KiB on Linux
""")


def test_forward_peak_rss_growth_below_100_mb(tmp_path):
    # run outside the repository so the child imports the installed package
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    growth_mb = float(out.stdout.strip().splitlines()[-1])
    assert growth_mb < 100.0, f"peak RSS grew by {growth_mb:.1f} MB during conv_forward"
