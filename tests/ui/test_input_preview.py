"""The 28×28 preview shows the model's input as crisp, visible pixels."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

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
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    # A copy: the buffer belongs to ``image``, which is freed when this function returns.
    data = data.reshape(image.height(), stride)[:, : image.width()].copy()
    target = view.target()
    return data, target.left(), target.top(), target.width() / 28


def test_caption_and_empty_start(preview):
    assert preview.objectName() == preview.accessibleName() == "inputPreview"
    assert preview.accessibleDescription() == "Network input preview"
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


def cell_means(preview) -> np.ndarray:
    """The painted picture read back as 28×28 cell values (the centre of each cell)."""
    data, left, top, cell = grab_cells(preview)
    rows = (top + (np.arange(28) + 0.5) * cell).astype(int)
    cols = (left + (np.arange(28) + 0.5) * cell).astype(int)
    return data[np.ix_(rows, cols)]


@pytest.mark.parametrize("size", [(260, 300), (150, 190), (420, 470)])
def test_every_value_lands_in_its_own_cell_at_any_size(qtbot, preview, size):
    rng = np.random.default_rng(sum(size))
    image = rng.integers(0, 256, size=(28, 28), dtype=np.uint8)
    image[3, 20] = 255  # an asymmetric landmark: a flipped or transposed picture fails
    image[20, 3] = 0
    preview.resize(*size)
    preview.set_image(image)
    qtbot.wait(1)
    # Every cell shows its own value (the grid is faint and only on cell borders).
    assert np.abs(cell_means(preview).astype(int) - image).max() <= 2
    _data, left, top, cell = grab_cells(preview)
    assert left >= 0 and top >= 0 and cell == int(cell)


def test_grid_only_on_cell_borders_and_follows_resizes(qtbot, preview):
    preview.set_image(np.zeros((28, 28), np.float32))
    for size in ((260, 300), (420, 470), (260, 300)):
        preview.resize(*size)
        qtbot.wait(1)
        data, left, top, cell = grab_cells(preview)
        assert cell >= 6
        row = data[int(top + 2.5 * cell)]  # across the middle of the third row of cells
        borders = [int(left + c * cell) for c in range(1, 28)]
        # Faint grey lines exactly on the borders between cells; black inside the cells.
        assert all(5 <= row[x] <= 80 for x in borders)
        inside = np.concatenate(
            [row[int(left + c * cell) + 1 : int(left + (c + 1) * cell)] for c in range(1, 27)]
        )
        assert inside.max() == 0


def test_none_and_bad_input(preview):
    preview.set_image(np.ones((28, 28), np.uint8) * 255)
    assert preview.image().dtype == np.uint8
    preview.set_image(None)
    assert preview.image() is None
    with pytest.raises(ValueError):
        preview.set_image(np.zeros(784))
