"""A folder of labelled images as a dataset: one sub-folder per class, any common format.

``my_digits/0/a.png, my_digits/0/b.jpg, my_digits/1/…`` becomes a dataset whose classes
are the sub-folders' names (numbers in numeric order, other names alphabetically). Each
image is read by the same safe reader as every other image (``preprocess.read_image``:
formats whitelist, file size and pixel limits, no external program) and laid out by the
same recipe as the canvas (``preprocess.preprocess``), so a photo of a digit and a drawing
look alike to the network. With ``train/`` and ``test/`` sub-folders (each holding the
class folders) those are the splits; otherwise every class gives a fifth of its images,
chosen by a fixed seed, to the test split.

The folder may come from anyone, so reading it is bounded: at most ``MAX_FILES`` images
of at most ``MAX_FILE_BYTES`` each and ``MAX_TOTAL_PIXELS`` decoded pixels in all; only
one level of class folders is looked at and links to folders are not followed. A file that
is not a readable image, or is blank, is skipped and counted (``FolderReport``); a folder
that breaks a limit, or leaves fewer than two classes with images, is refused in one line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dense_studio.data.catalog import FOLDER_PREFIX, Dataset, style_for
from dense_studio.errors import DatasetError, ImageError

__all__ = ["load_folder", "read_folder", "report_for", "skipped_note", "export_images",
           "folder_name_for", "FolderReport", "IMAGE_SUFFIXES", "MAX_FILES", "MAX_FILE_BYTES",
           "MAX_TOTAL_PIXELS", "MAX_CLASSES", "TEST_SHARE"]

#: File name endings of the formats ``read_image`` decodes (others are not images to us).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
MAX_FILES = 20_000
#: Per image: far less than a single photo may be, since a folder holds thousands.
MAX_FILE_BYTES = 8 << 20
#: Decoded pixels of all images together (2 000 phone photos; 600 000 canvas drawings).
MAX_TOTAL_PIXELS = 4_000_000_000
MAX_CLASSES = 1000
#: Share of each class that goes to the test split when the folder has no test/ folder.
TEST_SHARE = 0.2
_SPLIT_SEED = 0
_SPLITS = ("train", "test")


@dataclass(frozen=True)
class FolderReport:
    """What reading a folder found: images ``used``, files ``skipped`` (not readable
    images, or blank) and the first skipped file's reason."""

    used: int
    skipped: int
    first_problem: str = ""


_reports: dict[str, FolderReport] = {}  # the last read of each folder, for report_for


def load_folder(name: str) -> Dataset:
    """The dataset ``folder:PATH`` (its name as the catalog gives it); DatasetError if not.
    What was skipped: :func:`report_for`."""
    dataset, _reports[name] = read_folder(name)
    return dataset


def report_for(name: str) -> FolderReport | None:
    """The report of the last :func:`load_folder` of ``name`` (None: not read yet)."""
    return _reports.get(name)


def skipped_note(dataset: Dataset) -> str:
    """" (3 files skipped: a.png: …)" for a folder with skipped files, else ""."""
    report = report_for(dataset.name)
    if report is None or not report.skipped:
        return ""
    files = "file" if report.skipped == 1 else "files"
    return f" ({report.skipped:,} {files} skipped, first {report.first_problem})"


def read_folder(name: str) -> tuple[Dataset, FolderReport]:
    """``load_folder`` with the report of skipped files."""
    root = Path(name[len(FOLDER_PREFIX):])
    if not root.is_dir():
        raise DatasetError(f"{root}: no such folder (expected one sub-folder per class)")
    style = style_for(name)
    split_roots = [root / split for split in _SPLITS]
    own_splits = all(path.is_dir() and not path.is_symlink() for path in split_roots)
    class_names = _class_names(split_roots if own_splits else [root])
    reader = _Reader(style)
    if own_splits:
        x_train, y_train = reader.read(split_roots[0], class_names)
        x_test, y_test = reader.read(split_roots[1], class_names)
    else:
        x, y = reader.read(root, class_names)
        x_train, y_train, x_test, y_test = _split(x, y)
    if len(set(y_train.tolist())) < 2 or not len(y_test):
        problem = f"; {reader.first_problem}" if reader.first_problem else ""
        raise DatasetError(f"{root}: fewer than two classes hold enough readable images "
                           f"({reader.skipped} files skipped{problem})"[:300])
    title = root.name or str(root)
    report = FolderReport(reader.used, reader.skipped, reader.first_problem)
    return Dataset(name, title, class_names, style, x_train, y_train, x_test, y_test), report


def _class_names(roots: list[Path]) -> tuple[str, ...]:
    names: set[str] = set()
    for root in roots:
        names.update(entry.name for entry in _entries(root)
                     if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."))
    if len(names) < 2:
        raise DatasetError(f"{roots[0].parent if len(roots) > 1 else roots[0]}: needs at least "
                           "two class sub-folders (one per class, holding its images)")
    if len(names) > MAX_CLASSES:
        raise DatasetError(f"{roots[0]}: more than {MAX_CLASSES} class folders")
    bad = next((n for n in names if not n.isprintable() or len(n) > 100), None)
    if bad is not None:
        raise DatasetError(f"{roots[0]}: a class folder's name is not one short line "
                           f"({bad[:40]!r})")
    return tuple(sorted(names, key=_class_order))


def _class_order(name: str):
    """"2" before "10"; numbers before words."""
    return (0, int(name), "") if re.fullmatch(r"[0-9]{1,9}", name) else (1, 0, name.lower())


def _entries(folder: Path) -> list:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as error:
        raise DatasetError(f"{folder}: cannot read the folder ({error.strerror or error})") from None


class _Reader:
    """Reads class folders within the folder-wide limits, counting what it skips."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.used = self.skipped = self.files = self.pixels = 0
        self.first_problem = ""

    def read(self, root: Path, class_names: tuple) -> tuple[np.ndarray, np.ndarray]:
        from dense_studio.data.preprocessing import preprocess  # Pillow: only when reading images

        images, labels = [], []
        for label, class_name in enumerate(class_names):
            folder = root / class_name
            if not folder.is_dir() or folder.is_symlink():
                continue
            for entry in _entries(folder):
                image = self._image(entry, preprocess)
                if image is not None:
                    images.append(image)
                    labels.append(label)
        x = np.stack(images) if images else np.zeros((0, 28, 28), np.float32)
        return x, np.array(labels, np.int64)

    def _image(self, entry, preprocess):
        if entry.name.startswith(".") or Path(entry.name).suffix.lower() not in IMAGE_SUFFIXES \
                or entry.is_dir(follow_symlinks=False):
            return None  # not an image: notes, thumbnails' databases, folders
        self.files += 1
        if self.files > MAX_FILES:
            raise DatasetError(f"{Path(entry.path).parent.parent}: more than {MAX_FILES:,} "
                               "images (split the folder)")
        try:
            if entry.stat().st_size > MAX_FILE_BYTES:
                return self._skip(f"{entry.name}: larger than {MAX_FILE_BYTES >> 20} MB")
            from dense_studio.data.preprocessing import read_image

            gray = read_image(entry.path)
        except ImageError as error:
            return self._skip(str(error))
        except OSError as error:
            return self._skip(f"{entry.name}: {error.strerror or error}")
        self.pixels += gray.size
        if self.pixels > MAX_TOTAL_PIXELS:
            raise DatasetError(f"{Path(entry.path).parent.parent}: the images hold more than "
                               f"{MAX_TOTAL_PIXELS // 1_000_000:,} megapixels in all")
        image = preprocess(gray, self.style)
        if image is None:
            return self._skip(f"{entry.name}: blank (nothing stands out from the background)")
        self.used += 1
        return image

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        self.first_problem = self.first_problem or reason[:200]
        return None


def _split(x: np.ndarray, y: np.ndarray):
    """A fixed, stratified split: TEST_SHARE of each class (one at least, when it has two)
    goes to the test images."""
    rng = np.random.default_rng(_SPLIT_SEED)
    test = np.zeros(len(y), bool)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        count = int(round(TEST_SHARE * len(members))) or (1 if len(members) >= 2 else 0)
        test[rng.choice(members, size=count, replace=False)] = True
    return x[~test], y[~test], x[test], y[test]


# --------------------------------------------------------------------------- writing

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def folder_name_for(class_name: str) -> str:
    """A class's sub-folder name: its name with what no file system allows replaced
    ("T-shirt/top" becomes "T-shirt-top")."""
    name = _UNSAFE_IN_NAMES.sub("-", class_name).strip(" .")
    return name or "class"


def export_images(root, images: np.ndarray, labels: np.ndarray, class_names) -> int:
    """Write each 28×28 image (float 0…1) as ``root/<class name>/drawing-N.png``, so that
    ``folder:root`` reads them back; files already there are kept (the next free N is
    used). The number of files written."""
    from PIL import Image  # Pillow: only when writing

    root = Path(root)
    written = 0
    for image, label in zip(images, labels):
        folder = root / folder_name_for(str(class_names[int(label)]))
        folder.mkdir(parents=True, exist_ok=True)
        number = 1
        while (path := folder / f"drawing-{number:04d}.png").exists():
            number += 1
        pixels = np.clip(np.rint(np.asarray(image, np.float32) * 255), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(path, "PNG")
        written += 1
    return written
