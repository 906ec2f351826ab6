"""Read a bundled dataset as Keras's ``load_data()`` returns it.

The data package's ``load_dataset`` gives float32 in [0, 1] for training; Keras gives the
raw uint8 pixels and labels. Reading the IDX files straight as bytes (checked against
``SHA256SUMS`` as the data package does) gives exactly those, with a quarter of the memory.
"""

from __future__ import annotations

import numpy as np

from dense_studio.errors import DatasetError

#: The bundled dataset a script loaded last: ``model.save`` records it as the model's
#: dataset (with its class names) when the model fits it, so the window shows the right names.
last_loaded: list[str] = []


def load_data(name: str):
    """``((x_train, y_train), (x_test, y_test))``: uint8 images (N, 28, 28), uint8 labels."""
    # (the data package imports Pillow for its image tools: only when data are wanted)
    from dense_studio.data import bundled

    root = bundled.datasets_root()
    sums = bundled.read_checksums(root)
    splits = []
    for split in ("train", "test"):
        images_file, labels_file = bundled.SPLIT_FILES[split]
        x = _read(root, sums, name, images_file, (None, *bundled.IMAGE_SHAPE))
        y = _read(root, sums, name, labels_file, (None,))
        if len(x) != len(y):
            raise DatasetError(f"{name}/{images_file}: {len(x):,} images but {len(y):,} labels")
        splits.append((x, y))
    last_loaded[:] = [name]
    return tuple(splits)


def _read(root, sums: dict, name: str, file: str, shape) -> np.ndarray:
    from dense_studio.data.idx import read_idx

    key = f"{name}/{file}"
    if key not in sums:
        raise DatasetError(f"{key}: no checksum listed for it in SHA256SUMS")
    return read_idx(root.joinpath(name, file), expected_shape=shape, sha256=sums[key])
