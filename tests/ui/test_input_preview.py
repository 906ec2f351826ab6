"""The 28×28 preview shows the model's input as crisp, visible pixels."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QObject  # noqa: E402

from dense_studio.ui.input_preview import InputPreview  # noqa: E402




@pytest.fixture
def preview(qtbot):
    widget = InputPreview()
    qtbot.addWidget(widget)
    widget.resize(260, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def grab_cells(preview) -> tuple[np.ndarray, float, float, float]:
    """The painted pixels as a gray array, plus where the 28×28 square is."""
    view = preview.pixel_view()
    image = view.grab().toImage().convertToFormat(view.grab().toImage().Format.Format_Grayscale8)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    data = data.reshape(image.height(), stride)[:, : image.width()]
    target = view.target()
    return data, target.left(), target.top(), target.width() / 28


def test_caption_and_empty_start(preview):
    assert preview.objectName() == "inputPreview" and preview.accessibleName()
    assert preview.caption() == "What the network sees (28×28)"
    assert preview.image() is None


def test_shows_each_model_pixel_as_a_crisp_square(preview):
    checker = (np.indices((28, 28)).sum(axis=0) % 2).astype(np.float32)  # 0/1 checkerboard
    checker[0, 0] = 0.5
    preview.set_image(checker)
    np.testing.assert_array_equal(preview.image(), checker)
    data, left, top, cell = grab_cells(preview)
    assert cell >= 6  # big enough to see each pixel
    for row, col in [(0, 1), (1, 0), (5, 8), (27, 26), (0, 0), (3, 3), (13, 14)]:
        inner = data[
            int(top + row * cell + 2) : int(top + (row + 1) * cell - 2),
            int(left + col * cell + 2) : int(left + (col + 1) * cell - 2),
        ]
        expected = round(checker[row, col] * 255)
        # Nearest-neighbour: the whole inside of a cell has the pixel's own value.
        assert abs(int(inner.min()) - expected) <= 2 and abs(int(inner.max()) - expected) <= 2


def test_none_and_bad_input(preview):
    preview.set_image(np.ones((28, 28), np.uint8) * 255)
    assert preview.image().dtype == np.uint8
    preview.set_image(None)
    assert preview.image() is None
    with pytest.raises(ValueError):
        preview.set_image(np.zeros(784))
