"""Fine-tuning on my drawings: does a reference MNIST model learn one person's digits
without forgetting MNIST?

Trains the reference model (Dense 128 relu → Dense 10 softmax, Adam 0.001, batch 32,
5 epochs, cosine decay) on the full MNIST, then per round draws 100 digits on the real
canvas with its own stroke code (mouse events into ``DrawCanvas``, preprocessed as the
window does), in one person's style that MNIST's writers rarely used (a slashed 0, a 1
with a foot, a crossed 7 … see ``tests/ui/test_drawings_strokes.py``): 50 to fine-tune on
(5 of each digit) and 50 held out. It fine-tunes exactly as the window's "Fine-tune on my
drawings" button does (``Session.fine_tune_next_run`` + a run) and prints, per round and
on average, the accuracy on the held-out drawings, on the 50 drawings themselves, on 50
held-out digits drawn MNIST's usual way, and on the MNIST test set, before → after.
Every round starts from the same reference weights and draws new digits (seed = round).

    QT_QPA_PLATFORM=offscreen nice -n 10 python benchmarks/bench_drawings.py --rounds 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))  # the digit strokes and the stroke helper

import numpy as np  # noqa: E402

PER_DIGIT = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5, help="epochs of the reference model")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from dense_studio.data import load_dataset
    from dense_studio.session import Session, TrainingSettings
    from dense_studio.session.drawings import DRAWING_SHARE, FINE_TUNE_EPOCHS, FINE_TUNE_TRAIN_SAMPLES
    from dense_studio.ui.draw_canvas import CANVAS_SIZE, DrawCanvas
    from test_drawings_strokes import DIGIT_STROKES, PERSONAL_STROKES, draw_digits

    app = QApplication.instance() or QApplication([])
    canvas = DrawCanvas()
    canvas.resize(CANVAS_SIZE, CANVAS_SIZE)
    canvas.show()
    app.processEvents()

    mnist = load_dataset("mnist")
    session = Session(settings=TrainingSettings(epochs=args.epochs), dataset="mnist")
    session.dataset_loaded(mnist)
    start = time.perf_counter()
    session.train()
    print(f"reference model: {args.epochs} epochs on {len(mnist.x_train):,} MNIST images "
          f"in {time.perf_counter() - start:.1f} s")
    print(f"fine-tuning: {FINE_TUNE_EPOCHS} epochs on {FINE_TUNE_TRAIN_SAMPLES:,} training "
          f"images + the drawings oversampled to {DRAWING_SHARE:.0%}\n")
    reference = session.model.model.get_weights()
    epochs_trained = session.model.epochs_trained

    def accuracy(x, y) -> float:
        return float((session.model.predict(x).argmax(axis=1) == y).mean())

    labels = np.repeat(np.arange(10), PER_DIGIT)
    header = (f"{'round':>5}  {'held-out drawings':>17}  {'tuned-on drawings':>17}  "
              f"{'usual-style digits':>18}  {'MNIST test':>15}  {'seconds':>7}")
    print(header)
    rows = []
    for round_ in range(args.rounds):
        rng = np.random.default_rng(round_)
        mine = draw_digits(canvas, labels, rng, settle=app.processEvents,
                           templates=PERSONAL_STROKES)
        held_out = draw_digits(canvas, labels, rng, settle=app.processEvents,
                               templates=PERSONAL_STROKES)
        usual = draw_digits(canvas, labels, rng, settle=app.processEvents,
                            templates=DIGIT_STROKES)
        session.model.model.set_weights(reference)
        session.model.sync()
        session.model.update(epochs_trained=epochs_trained)
        session.drawings.replace_all([])
        for image, label in zip(mine, labels):
            session.drawings.add(image, int(label), session.dataset_name)
        sets = [(held_out, labels), (mine, labels), (usual, labels),
                (mnist.x_test, mnist.y_test)]
        before = [accuracy(x, y) for x, y in sets]
        session.fine_tune_next_run()
        start = time.perf_counter()
        record = session.train()
        seconds = time.perf_counter() - start
        assert record.status == "finished", record.message
        after = [accuracy(x, y) for x, y in sets]
        rows.append((before, after, seconds))
        print(_row(str(round_ + 1), before, after, seconds))
    before = np.mean([r[0] for r in rows], axis=0)
    after = np.mean([r[1] for r in rows], axis=0)
    print(_row("mean", before, after, float(np.mean([r[2] for r in rows]))))
    drop = max(r[0][3] - r[1][3] for r in rows)
    print(f"\nlargest fall of MNIST test accuracy in a round: {100 * drop:.2f} points "
          f"({'within' if drop <= 0.01 else 'MORE than'} the 1-point limit)")
    return 0 if drop <= 0.01 else 1


def _row(name, before, after, seconds) -> str:
    cells = [f"{100 * b:5.1f} → {100 * a:5.1f} %" for b, a in zip(before, after)]
    return (f"{name:>5}  {cells[0]:>17}  {cells[1]:>17}  {cells[2]:>18}  {cells[3]:>15}  "
            f"{seconds:7.1f}")


if __name__ == "__main__":
    sys.exit(main())
