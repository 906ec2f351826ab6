"""Shared by the image tests."""

from __future__ import annotations

import pytest

from dense_studio.data import read_image
from dense_studio.errors import ImageError


def error_for(path) -> str:
    """The one-line ImageError ``read_image(path)`` raises; it names the file."""
    with pytest.raises(ImageError) as caught:
        read_image(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message, message
    return message
