"""A folder of labelled images as a dataset: classes from sub-folders, the canvas's recipe,
bounded reading, bad files skipped and counted, and ``train --dataset folder:PATH``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dense_studio.data import folder, load_dataset, normalize_dataset_name, preprocess, read_image
from dense_studio.data.catalog import style_for
from dense_studio.data.datasets import clear_cache
from dense_studio.errors import DatasetError

# The command-line helpers live beside the CLI tests (plain `pytest` puts only this folder
# on sys.path for this file).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from cli_helpers import no_training, one_error_line, run_main  # noqa: E402, F401 (fixture)

FORMATS = ("png", "jpg", "bmp", "gif", "tiff", "webp")


@pytest.fixture(scope="module")
def mnist():
    return load_dataset("mnist")


def write_digits(root, mnist, digits=(0, 1, 2), per_class=10, start=0, dark_ink=False):
    """MNIST test images of ``digits`` as files of every format, one sub-folder per digit."""
    for digit in digits:
        (root / str(digit)).mkdir(parents=True, exist_ok=True)
        indices = np.flatnonzero(mnist.y_test == digit)[start:start + per_class]
        for n, index in enumerate(indices):
            pixels = np.rint(mnist.x_test[index] * 255).astype(np.uint8)
            if dark_ink:  # a scan: dark ink on paper
                pixels = 255 - pixels
            image = Image.fromarray(pixels).resize((84, 84), Image.Resampling.BILINEAR)
            image.save(root / str(digit) / f"{n}.{FORMATS[n % len(FORMATS)]}")
    return root


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_a_folder_becomes_a_dataset_prepared_like_the_canvas(tmp_path, mnist):
    root = write_digits(tmp_path / "my digits", mnist, dark_ink=True)
    (root / "notes.txt").write_text("not a class")  # files beside the classes are ignored
    (root / "1" / "readme.md").write_text("not an image")
    name = normalize_dataset_name(f"folder:{root}")
    dataset = load_dataset(name)
    assert dataset.name == f"folder:{root}" and dataset.title == "my digits"
    assert dataset.class_names == ("0", "1", "2") and dataset.style == "digit"
    assert len(dataset.x_train) + len(dataset.x_test) == 30
    assert np.bincount(dataset.y_test).tolist() == [2, 2, 2]  # a fifth of each class
    assert dataset.x_train.dtype == np.float32 and dataset.x_train.shape[1:] == (28, 28)
    # Every image is exactly what the canvas recipe makes of that file.
    expected = {preprocess(read_image(p), "digit").tobytes() for p in root.glob("*/*.*")
                if p.suffix != ".md"}
    got = {image.tobytes() for image in np.concatenate([dataset.x_train, dataset.x_test])}
    assert got == expected
    assert folder.report_for(name) == folder.FolderReport(used=30, skipped=0)
    # Dark ink on paper came out as MNIST's light ink on black, like the real digit.
    train_index = 0
    assert dataset.x_train[train_index].mean() < 0.3


def test_class_folders_in_numeric_order_and_own_splits(tmp_path, mnist):
    root = tmp_path / "split"
    write_digits(root / "train", mnist, digits=(2, 7), per_class=6)
    write_digits(root / "test", mnist, digits=(2, 7), per_class=3, start=6)
    (root / "train" / "10").mkdir()  # a class with no images yet still has its index
    dataset = load_dataset(f"folder:{root}")
    assert dataset.class_names == ("2", "7", "10")
    assert np.bincount(dataset.y_train).tolist() == [6, 6]
    assert np.bincount(dataset.y_test).tolist() == [3, 3]


def test_bad_files_are_skipped_and_counted(tmp_path, mnist):
    root = write_digits(tmp_path / "mixed", mnist, per_class=5)
    (root / "0" / "fake.png").write_bytes(b"#!/bin/sh\necho hello\n")
    (root / "1" / "blank.png").write_bytes(_png(np.zeros((30, 30), np.uint8)))
    (root / "2" / "big.png").write_bytes(b"\0" * (folder.MAX_FILE_BYTES + 1))
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "2" / "pipe.png")  # reading it would wait forever
    dataset, report = folder.read_folder(f"folder:{root}")
    assert report.used == 15 and len(dataset.y_train) + len(dataset.y_test) == 15
    assert report.skipped == (4 if hasattr(os, "mkfifo") else 3)
    assert "fake.png" in report.first_problem and "not an image" in report.first_problem
    assert folder.skipped_note(dataset) == ""  # read_folder alone keeps no report
    load_dataset(f"folder:{root}")
    assert "files skipped, first" in folder.skipped_note(load_dataset(f"folder:{root}"))


def test_links_to_folders_are_not_followed(tmp_path, mnist):
    root = write_digits(tmp_path / "linked", mnist, digits=(0, 1), per_class=4)
    (root / "0" / "loop").symlink_to(root, target_is_directory=True)
    (root / "3").symlink_to(tmp_path, target_is_directory=True)  # not a class of its own
    dataset = load_dataset(f"folder:{root}")
    assert dataset.class_names == ("0", "1") and len(dataset.y_train) + len(dataset.y_test) == 8


@pytest.mark.parametrize("limit, value, fragment", [
    ("MAX_FILES", 7, "more than 7 images"),
    ("MAX_TOTAL_PIXELS", 84 * 84 * 5, "megapixels in all"),
])
def test_a_folder_over_a_limit_is_refused_in_one_line(tmp_path, mnist, monkeypatch,
                                                      limit, value, fragment):
    root = write_digits(tmp_path / "many", mnist, per_class=4)
    monkeypatch.setattr(folder, limit, value)
    with pytest.raises(DatasetError, match=fragment) as caught:
        load_dataset(f"folder:{root}")
    assert "\n" not in str(caught.value)


def test_folders_that_are_no_dataset_are_refused_in_one_line(tmp_path, mnist):
    with pytest.raises(DatasetError, match="no such folder"):
        load_dataset(f"folder:{tmp_path / 'nope'}")
    one = write_digits(tmp_path / "one", mnist, digits=(4,), per_class=3)
    with pytest.raises(DatasetError, match="at least two class sub-folders"):
        load_dataset(f"folder:{one}")
    unreadable = tmp_path / "unreadable"
    for digit in (0, 1):
        (unreadable / str(digit)).mkdir(parents=True)
        (unreadable / str(digit) / "x.png").write_bytes(b"nope")
    with pytest.raises(DatasetError, match="fewer than two classes .*2 files skipped; .*x.png"):
        load_dataset(f"folder:{unreadable}")


@pytest.mark.parametrize("name, fragment", [
    ("folder:", "missing folder"),
    ("folder:my\"digits", "no quotes"),
    ("folder:it's", "no quotes"),
    ("folder:a\nb", "no quotes"),
    ("folder:" + "x" * 120, "too long"),
])
def test_folder_names_follow_one_rule(name, fragment):
    with pytest.raises(DatasetError, match=fragment):
        normalize_dataset_name(name)


def test_folder_names_are_kept_with_forward_slashes():
    assert normalize_dataset_name(" Folder:C:\\Users\\me\\digits ") == "folder:C:/Users/me/digits"
    assert style_for("folder:/data/fashion photos") == "garment"
    assert style_for("folder:/data/digits") == "digit"


def test_train_on_a_folder_from_the_command_line(tmp_path, mnist):
    root = write_digits(tmp_path / "cli", mnist, per_class=10)
    (root / "0" / "fake.png").write_bytes(b"nope")
    model = tmp_path / "folder.dsmodel"
    code, out, err = run_main("train", "--dataset", f"folder:{root}", "--epochs", "3",
                              "--batch-size", "8", "--layers", "32:relu", "--output", model)
    assert code == 0, err
    assert "Training on cli: 24 images (1 file skipped, first" in out
    code, out, err = run_main("evaluate", model, "--json")
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["test_accuracy"] > 0.5  # 0, 1 and 2 are told apart after 3 epochs


def test_the_command_line_names_a_missing_folder_in_one_line(tmp_path, no_training):
    code, _out, err = run_main("train", "--dataset", f"folder:{tmp_path / 'gone'}")
    assert code == 2 and "no such folder" in one_error_line(err)


def _png(pixels: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_exported_images_are_read_back_as_the_same_classes(tmp_path, mnist):
    images, labels = mnist.x_test[:12], mnist.y_test[:12]
    names = tuple(f"digit {i}" for i in range(9)) + ("T-shirt/top",)
    assert folder.export_images(tmp_path / "out", images, labels, names) == 12
    assert folder.export_images(tmp_path / "out", images[:2], labels[:2], names) == 2  # kept
    written = sorted(p.relative_to(tmp_path / "out").as_posix()
                     for p in (tmp_path / "out").rglob("*.png"))
    assert len(written) == 14 and all("/drawing-" in w for w in written)
    assert folder.folder_name_for("T-shirt/top") == "T-shirt-top"
    dataset = load_dataset(f"folder:{tmp_path / 'out'}")
    present = sorted({names[int(label)].replace("/", "-") for label in labels})
    assert dataset.class_names == tuple(sorted(present, key=str.lower))
    # Read back by the canvas recipe, each is its digit again (re-centred, barely changed).
    back = np.concatenate([dataset.x_train, dataset.x_test])
    assert len(back) == 14
    for image in images:
        assert min(np.abs(b - image).mean() for b in back) < 0.05
