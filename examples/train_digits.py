"""Train a small CNN on scikit-learn's 8x8 handwritten digits with fastconv's layers.

Three fastconv convolutions (stride 2 instead of pooling, ReLU) and a dense softmax
layer in NumPy (see ``digits_model.py``), trained with SGD with momentum on a
stratified 80/20 split of the 1797 digits that scikit-learn ships (no download).
Every forward and backward pass of the convolutions runs in fastconv's C kernels.
The training images are shifted at random by up to one pixel (augmentation) and the
learning rate follows a cosine decay.

    pip install "fastconv[examples]"        # scikit-learn, tqdm, matplotlib
    python examples/train_digits.py --epochs 15 --seed 0 --out train_digits.png

Saves a PNG with the loss and accuracy curves and the learned first-layer filters,
and prints ``test accuracy: 0.xxxx`` as its last line.  The run is deterministic for
a seed (the split, the initial weights, the batch order and the shifts derive from it;
fastconv's results do not depend on the thread count).
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from digits_model import (SGD, DigitsCNN, evaluate, load_digits_split,  # noqa: E402
                          minibatches, random_shift, train_step)

BATCH_SIZE = 32
LR = 0.05
MOMENTUM = 0.9
WEIGHT_DECAY = 1e-4
AUGMENT = True      # shift every training image by -1, 0 or +1 pixel on each axis

# Threads: every convolution here is tiny (32 images of 8x8).  fastconv itself keeps a
# call that small on one thread (a fork/join would cost more than the arithmetic), so the
# library default is right; --threads only caps it.  Results are bit-for-bit the same for
# every thread count.


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=15, help="passes over the training set "
                   "(default: 15)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split, the initial "
                   "weights, the batch order and the shifts (default: 0)")
    p.add_argument("--out", default="train_digits.png", help="PNG to write (default: "
                   "train_digits.png in the current directory)")
    p.add_argument("--quiet", action="store_true", help="no progress bars or per-epoch "
                   "lines; only the final accuracy")
    p.add_argument("--threads", type=int, default=None, help="threads of every fastconv "
                   "call (default: fastconv's default); the results do not depend on it")
    args = p.parse_args(argv)
    if args.epochs < 1:
        p.error(f"--epochs must be >= 1, got {args.epochs}")
    if args.seed < 0:
        p.error(f"--seed must be >= 0, got {args.seed}")
    if args.threads is not None and args.threads < 1:
        p.error(f"--threads must be >= 1, got {args.threads}")
    return args


def lr_at(epoch, epochs):
    """Cosine decay of the learning rate from LR to ~0 over the run."""
    return LR * 0.5 * (1.0 + np.cos(np.pi * epoch / epochs))


def train(args):
    from tqdm import tqdm

    x_train, x_test, y_train, y_test = load_digits_split(args.seed)
    model = DigitsCNN(seed=args.seed)
    opt = SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    rng = np.random.default_rng(args.seed)
    hist = {"step_loss": [], "train_loss": [], "train_acc": [], "test_loss": [],
            "test_acc": []}
    for epoch in range(args.epochs):
        opt.lr = lr_at(epoch, args.epochs)
        batches = minibatches(len(x_train), BATCH_SIZE, rng)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{args.epochs}", unit="batch",
                   disable=args.quiet, leave=False, file=sys.stderr)
        total, correct = 0.0, 0
        for idx in bar:
            xb = random_shift(x_train[idx], rng) if AUGMENT else x_train[idx]
            loss, right = train_step(model, opt, xb, y_train[idx])
            hist["step_loss"].append(loss)
            total += loss * len(idx)
            correct += right
            bar.set_postfix(loss=f"{loss:.3f}")
        bar.close()
        hist["train_loss"].append(total / len(x_train))
        hist["train_acc"].append(correct / len(x_train))
        test_loss, test_acc = evaluate(model, x_test, y_test)
        hist["test_loss"].append(test_loss)
        hist["test_acc"].append(test_acc)
        if not args.quiet:
            print(f"epoch {epoch + 1:2d}/{args.epochs}: train loss {hist['train_loss'][-1]:.4f}"
                  f" acc {hist['train_acc'][-1]:.4f} | test loss {test_loss:.4f} "
                  f"acc {test_acc:.4f}", flush=True)
    return model, hist, len(x_train), len(x_test)


def filter_mosaic(w, cols=8, gap=1):
    """First-layer kernels (K, 1, kh, kw) as one image, each kernel scaled to [-1, 1],
    separated by NaN gaps (drawn as background)."""
    k, _, kh, kw = w.shape
    rows = -(-k // cols)
    img = np.full((rows * (kh + gap) - gap, cols * (kw + gap) - gap), np.nan)
    for i in range(k):
        r, c = divmod(i, cols)
        f = w[i, 0] / (np.abs(w[i, 0]).max() or 1.0)
        img[r * (kh + gap):r * (kh + gap) + kh, c * (kw + gap):c * (kw + gap) + kw] = f
    return img


def plot(model, hist, args, n_train, n_test):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(hist["train_loss"]) + 1)
    steps = np.arange(1, len(hist["step_loss"]) + 1) / (len(hist["step_loss"]) / len(epochs))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), gridspec_kw={"width_ratios": [1, 1, 1.1]})

    ax = axes[0]
    ax.plot(steps, hist["step_loss"], color="tab:blue", alpha=0.25, lw=0.8,
            label="train (batch)")
    ax.plot(epochs, hist["train_loss"], "o-", color="tab:blue", label="train (epoch mean)")
    ax.plot(epochs, hist["test_loss"], "s-", color="tab:orange", label="held-out")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title("loss")
    ax.legend()
    ax.grid(alpha=0.3)

    ax = axes[1]
    ax.plot(epochs, hist["train_acc"], "o-", color="tab:blue", label="train (during epoch)")
    ax.plot(epochs, hist["test_acc"], "s-", color="tab:orange", label="held-out")
    ax.axhline(0.97, color="grey", ls="--", lw=0.8)
    ax.set_ylim(max(0.0, min(hist["train_acc"] + hist["test_acc"]) - 0.02), 1.0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title(f"accuracy (held-out final {hist['test_acc'][-1]:.4f})")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)

    ax = axes[2]
    w = model.convs[0].weight
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="0.35")   # bad: the gaps (NaN)
    im = ax.imshow(filter_mosaic(w), cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_title(f"learned first-layer filters ({w.shape[0]} x {w.shape[2]}x{w.shape[3]})")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="weight / max|weight|")

    fig.suptitle(f"fastconv: CNN on sklearn digits ({n_train} train / {n_test} held-out, "
                 f"seed {args.seed}, {len(epochs)} epochs)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    import fastconv
    fastconv.set_num_threads(args.threads)
    t0 = time.perf_counter()
    model, hist, n_train, n_test = train(args)
    seconds = time.perf_counter() - t0
    plot(model, hist, args, n_train, n_test)
    if not args.quiet:
        print(f"training took {seconds:.1f} s; saved {os.path.abspath(args.out)}")
    print(f"test accuracy: {hist['test_acc'][-1]:.4f}", flush=True)


if __name__ == "__main__":
    main()
