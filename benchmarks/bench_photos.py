"""Photos of test images (shop-style garments, digits on paper) against the clean test set.

    python benchmarks/bench_photos.py [--photos 1000] [--epochs 2] [--baseline REV]
                                      [--datasets fashion_mnist,mnist] [--paths cli,window]

A person photographs a garment or a digit on paper: dark on an uneven white background,
any size, anywhere in the frame, saved as JPEG. Each photo here is made from a real test
image (seeded): the image is negated (Fashion-MNIST's own recipe, undone: light garments
become light on white), enlarged to a random size, put at a random place on a larger
background with a gradient, a vignette and sensor noise, and JPEG-encoded at a realistic
quality; the photo's longest side is 200–1200 px. A model is trained here (the reference
preset, ``--epochs`` epochs) and predicts the clean test images and the photos; the score is
photo accuracy / clean accuracy on the same images.

Paths: ``cli`` is ``dense-studio predict`` (``preprocess(read_image(file))``); ``window`` is
the window's open image (the file put on the 280×280 canvas, then preprocessed from the
canvas; needs PySide6, runs offscreen). ``--baseline REV`` also runs the preprocessing of
the preprocessing module at git revision REV on the same photos, alternating
photo by photo with this tree's.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]

#: Garments in shop photos are inverted (dark on light); digits are ink on paper.
LONGEST_SIDE = (200, 1200)
OBJECT_SHARE = (0.35, 0.9)  # the object's side, of the photo's shorter side
JPEG_QUALITY = (60, 92)
DARKEST = (0.8, 1.0)  # how much light the darkest part of the object swallows


def synthetic_photo(image28: np.ndarray, rng: np.random.Generator) -> bytes:
    """A JPEG photo of a 28×28 test image (light on black, floats in [0, 1])."""
    longest = int(rng.integers(LONGEST_SIDE[0], LONGEST_SIDE[1] + 1))
    aspect = float(rng.choice([1.0, 4 / 3, 3 / 4, 3 / 2, 2 / 3]))
    width = longest if aspect >= 1 else max(LONGEST_SIDE[0] // 2, round(longest * aspect))
    height = longest if aspect < 1 else max(LONGEST_SIDE[0] // 2, round(longest / aspect))
    side = max(28, round(rng.uniform(*OBJECT_SHARE) * min(width, height)))
    top = int(rng.integers(0, height - side + 1))
    left = int(rng.integers(0, width - side + 1))
    ink = np.zeros((height, width), np.float32)
    big = Image.fromarray(image28.astype(np.float32)).resize((side, side), Image.Resampling.BICUBIC)
    ink[top : top + side, left : left + side] = np.clip(np.asarray(big), 0, 1)
    # Uneven white: a level, a linear gradient, a vignette darkening the corners.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ys, xs = ys / height - 0.5, xs / width - 0.5
    level = rng.uniform(0.80, 0.97)
    slope_y, slope_x = rng.uniform(-0.12, 0.12, size=2)
    vignette = rng.uniform(0.0, 0.35)
    paper = level * (1 + slope_y * ys + slope_x * xs) * (1 - vignette * 2 * (xs**2 + ys**2))
    # Negated: the object reflects (1 - ink) of the light, and its black is not quite black.
    photo = paper * (1 - rng.uniform(*DARKEST) * ink)
    photo += np.float32(rng.uniform(0.004, 0.02)) * rng.standard_normal(photo.shape, np.float32)
    pixels = np.clip(np.rint(photo * 255), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert("RGB").save(
        buffer, "JPEG", quality=int(rng.integers(*JPEG_QUALITY)))
    return buffer.getvalue()


def write_photos(images: np.ndarray, folder: Path, seed: int) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for number, image in enumerate(images):
        path = folder / f"photo_{number:05d}.jpg"
        path.write_bytes(synthetic_photo(image, rng))
        paths.append(path)
    return paths


def pick_test_images(dataset, count: int, seed: int) -> np.ndarray:
    """``count`` test indices, the same for a seed (spread over the whole test set)."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(len(dataset.x_test), size=min(count, len(dataset.x_test)),
                              replace=False))


def train_reference(dataset, epochs: int):
    from dense_studio.engine.presets import PRESETS
    from dense_studio.engine.run import prepare_run

    config = dataclasses.replace(PRESETS["reference"], dataset=dataset.name, epochs=epochs)
    run = prepare_run(config, dataset.x_train, dataset.y_train, num_classes=dataset.num_classes)
    for _event in run.train():
        pass
    return run.model


def module_at(revision: str):
    """The preprocessing module as it was at ``revision``, imported on its own (named
    ``data/preprocessing.py`` now, ``data/preprocess.py`` before)."""
    for name in ("preprocessing", "preprocess"):
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:dense_studio/data/{name}.py"],
            capture_output=True, text=True)
        if shown.returncode == 0:
            source = shown.stdout
            break
    else:
        raise SystemExit(f"no preprocessing module at {revision}")
    folder = Path(tempfile.mkdtemp(prefix="bench_photos_"))
    path = folder / "preprocess_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("preprocess_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class WindowPath:
    """The window's open image: the file on the 280×280 canvas widget, then preprocessed."""

    def __init__(self) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from dense_studio.ui.draw_canvas import DrawCanvas

        self.app = QApplication.instance() or QApplication([])
        self.canvas = DrawCanvas()

    def __call__(self, module, path: Path, style: str):
        self.canvas.set_image(module.read_image(path))
        return module.preprocess(self.canvas.image(), style=style)


def cli_path(module, path: Path, style: str):
    return module.preprocess(module.read_image(path), style=style)


def inputs_for(paths, modules: dict, route, style: str) -> dict:
    """The 28×28 inputs of every photo for each preprocessing module, alternating them."""
    found = {name: [] for name in modules}
    for path in paths:
        for name, module in modules.items():
            image = route(module, path, style)
            found[name].append(np.zeros((28, 28), np.float32) if image is None else image)
    return {name: np.stack(images) for name, images in found.items()}


def accuracy(model, x: np.ndarray, y: np.ndarray) -> float:
    return float((model.predict(x).argmax(axis=1) == y).mean())


def measure(dataset_name: str, photos: int, epochs: int, seed: int, modules: dict,
            routes: dict) -> list[str]:
    from dense_studio.data import load_dataset

    dataset = load_dataset(dataset_name)
    model = train_reference(dataset, epochs)
    indices = pick_test_images(dataset, photos, seed)
    x_clean, y = dataset.x_test[indices], dataset.y_test[indices]
    clean = accuracy(model, x_clean, y)
    lines = [f"{dataset.title}: clean accuracy {clean:.2%} on {len(indices)} test images "
             f"(reference model, {epochs} epochs)"]
    with tempfile.TemporaryDirectory(prefix="bench_photos_") as folder:
        paths = write_photos(x_clean, Path(folder), seed)
        for route_name, route in routes.items():
            for name, x in inputs_for(paths, modules, route, dataset.style).items():
                score = accuracy(model, x, y)
                lines.append(f"  {route_name:6s} {name:10s} photos {score:.2%}  "
                             f"photos/clean {score / clean:.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", metavar="REV", help="also run preprocess.py at REV")
    parser.add_argument("--datasets", default="fashion_mnist,mnist")
    parser.add_argument("--paths", default="cli,window")
    args = parser.parse_args()
    from dense_studio.data import preprocess as this_tree

    modules = {"this tree": sys.modules[this_tree.__module__]}
    if args.baseline:
        modules = {f"at {args.baseline}": module_at(args.baseline), **modules}
    known = {"cli": cli_path, "window": None}
    routes = {}
    for name in args.paths.split(","):
        if name not in known:
            parser.error(f"unknown path {name!r} (cli, window)")
        routes[name] = known[name] or WindowPath()
    for name in args.datasets.split(","):
        print("\n".join(measure(name, args.photos, args.epochs, args.seed, modules, routes)),
              flush=True)


if __name__ == "__main__":
    main()
