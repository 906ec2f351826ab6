"""A strict reader for IDX files (the MNIST / Fashion-MNIST container), plain or gzip-compressed.

Why it is strict: the window and the command line load these files at start-up and feed them
straight into training, so a damaged or hostile file must stop with a one-line
:class:`~dense_studio.errors.DatasetError` that names the file instead of producing garbage
arrays, a numpy traceback or a huge allocation.

Why it streams: the 26 MB Fashion-MNIST training file decompresses to 47 MB of pixels that
become 188 MB of float32. Decompressing chunk by chunk straight into the final array keeps the
peak at the size of the result (no whole compressed copy, no whole uint8 copy, no float64).
The gzip CRC-32 and length trailer are checked by zlib, which catches random corruption; the
optional SHA-256 (computed on the compressed bytes as they stream past, ~20 ms for 26 MB)
catches a file that was replaced by another valid one.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

import numpy as np

from dense_studio.errors import DatasetError, one_line

#: Only unsigned bytes occur in the datasets we ship; the other IDX codes are named in errors.
IDX_DTYPE_NAMES = {
    0x08: "unsigned byte",
    0x09: "signed byte",
    0x0B: "short",
    0x0C: "int",
    0x0D: "float",
    0x0E: "double",
}
UBYTE = 0x08

#: Upper bound on the values one file may declare (134 M ≈ 170 000 images of 28×28). It keeps
#: a lying header from asking for gigabytes before the data proves it.
MAX_VALUES = 1 << 27
MAX_DIMS = 4

_CHUNK_IN = 1 << 20  # compressed bytes read at a time
_CHUNK_OUT = 1 << 21  # at most this many decompressed bytes per step (a gzip bomb stays bounded)


class Openable(Protocol):
    """A path-like thing we can open: pathlib.Path or importlib.resources Traversable."""

    def open(self, mode: str = "rb") -> BinaryIO: ...  # pragma: no cover - protocol


@dataclass(frozen=True)
class IdxHeader:
    dtype_code: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # Python ints: four 32-bit dims cannot overflow


def read_idx(
    path: Openable | str | os.PathLike[str],
    *,
    expected_shape: tuple[int | None, ...] | None = None,
    as_float: bool = False,
    sha256: str | None = None,
    label: str | None = None,
) -> np.ndarray:
    """Read one IDX file of unsigned bytes and return its array.

    ``expected_shape`` may use ``None`` for "any length" (e.g. ``(None, 28, 28)``); it is checked
    against the header before anything is allocated. With ``as_float`` the result is float32 in
    [0, 1] (value / 255, exact), written chunk by chunk. With ``sha256`` the compressed file must
    have that digest. ``label`` is how the file is named in errors (default: ``str(path)``).
    Every problem raises :class:`DatasetError` whose one-line message starts with the file name.
    """
    if isinstance(path, (str, os.PathLike)):
        path = Path(path)
    name = label or str(path)
    digest = hashlib.sha256() if sha256 else None
    try:
        with path.open("rb") as raw:
            stream = _Stream(_payload_chunks(raw, name, digest), name)
            header = _parse_header(stream, name)
            _check_shape(header, expected_shape, name)
            out = np.empty(header.shape, dtype=np.float32 if as_float else np.uint8)
            _fill(out.reshape(-1), stream.remaining(), header, name, as_float)
    except DatasetError:
        raise
    except FileNotFoundError:
        raise DatasetError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DatasetError(f"{name}: is a directory, not a data file") from None
    except PermissionError:
        raise DatasetError(f"{name}: permission denied") from None
    except MemoryError:
        raise DatasetError(f"{name}: not enough memory to load it") from None
    except OSError as error:
        raise DatasetError(f"{name}: cannot be read ({one_line(error)})") from None
    if digest is not None and digest.hexdigest() != sha256.lower():
        raise DatasetError(
            f"{name}: SHA-256 checksum does not match SHA256SUMS (the file is damaged or was replaced)"
        )
    return out


def _payload_chunks(raw: BinaryIO, name: str, digest) -> Iterator[bytes]:
    """Yield the decompressed bytes of the file (gzip detected by its magic bytes)."""
    first = raw.read(_CHUNK_IN)
    if digest is not None:
        digest.update(first)
    if first[:2] != b"\x1f\x8b":
        # An uncompressed IDX file: hand it over as is.
        data = first
        while data:
            yield data
            data = raw.read(_CHUNK_IN)
            if digest is not None and data:
                digest.update(data)
        return

    # wbits=31: gzip wrapper; zlib checks the CRC-32 and the length trailer at the end.
    inflater = zlib.decompressobj(wbits=31)
    pending = first
    try:
        while True:
            if not pending:
                if inflater.eof:
                    break
                pending = raw.read(_CHUNK_IN)
                if not pending:
                    # The compressed stream ended before zlib saw its end (and trailer).
                    raise DatasetError(f"{name}: truncated gzip file (the compressed data ends early)")
                if digest is not None:
                    digest.update(pending)
            out = inflater.decompress(pending, _CHUNK_OUT)
            pending = inflater.unconsumed_tail
            if out:
                yield out
            if inflater.eof:
                extra = inflater.unused_data + raw.read(_CHUNK_IN)
                if extra:
                    raise DatasetError(f"{name}: unexpected data after the end of the gzip stream")
                break
    except zlib.error as error:
        raise DatasetError(f"{name}: corrupt gzip data ({one_line(error)})") from None


class _Stream:
    """Exact reads over the decompressed chunks (the header), then the rest chunk by chunk."""

    def __init__(self, chunks: Iterator[bytes], name: str) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._name = name

    def read_exact(self, count: int, what: str) -> bytes:
        while len(self._buffer) < count:
            try:
                self._buffer.extend(next(self._chunks))
            except StopIteration:
                raise DatasetError(
                    f"{self._name}: truncated {what} ({len(self._buffer)} of {count} bytes)"
                ) from None
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    def remaining(self) -> Iterator[bytes]:
        if self._buffer:
            yield bytes(self._buffer)
            self._buffer.clear()
        yield from self._chunks


def _parse_header(stream: _Stream, name: str) -> IdxHeader:
    magic = stream.read_exact(4, "IDX header")
    if magic[0] != 0 or magic[1] != 0:
        raise DatasetError(f"{name}: not an IDX file (magic number 0x{magic.hex().upper()})")
    dtype_code, ndim = magic[2], magic[3]
    if dtype_code not in IDX_DTYPE_NAMES:
        raise DatasetError(f"{name}: unknown IDX data type code 0x{dtype_code:02X}")
    if dtype_code != UBYTE:
        raise DatasetError(
            f"{name}: IDX data type 0x{dtype_code:02X} ({IDX_DTYPE_NAMES[dtype_code]}) "
            "is not supported; expected 0x08 (unsigned byte)"
        )
    if not 1 <= ndim <= MAX_DIMS:
        raise DatasetError(
            f"{name}: IDX header declares {ndim} dimensions (expected 1 to {MAX_DIMS})"
        )
    dims = struct.unpack(f">{ndim}I", stream.read_exact(4 * ndim, "IDX header"))
    header = IdxHeader(UBYTE, tuple(int(d) for d in dims))
    if header.size > MAX_VALUES:
        raise DatasetError(
            f"{name}: IDX header declares shape {header.shape} "
            f"({header.size:,} values, more than the limit of {MAX_VALUES:,})"
        )
    return header


def _check_shape(
    header: IdxHeader, expected: tuple[int | None, ...] | None, name: str
) -> None:
    if expected is None:
        return
    if len(header.shape) != len(expected) or any(
        want is not None and want != got for want, got in zip(expected, header.shape)
    ):
        wanted = "(" + ", ".join("N" if d is None else str(d) for d in expected) + ")"
        raise DatasetError(f"{name}: expected data of shape {wanted}, header declares {header.shape}")


def _fill(
    flat: np.ndarray, chunks: Iterator[bytes], header: IdxHeader, name: str, as_float: bool
) -> None:
    """Copy the payload into ``flat``; its length must be exactly what the header declares."""
    position = 0
    total = flat.size
    scale = np.float32(255)
    for chunk in chunks:
        values = np.frombuffer(chunk, dtype=np.uint8)
        if position + values.size > total:
            raise DatasetError(
                f"{name}: more data than the IDX header declares "
                f"(header shape {header.shape} holds {total:,} bytes)"
            )
        target = flat[position : position + values.size]
        if as_float:
            # float32 division by 255 is exact-rounded, like Keras's x / 255.0, without float64.
            np.divide(values, scale, out=target, dtype=np.float32)
        else:
            target[...] = values
        position += values.size
    if position != total:
        raise DatasetError(
            f"{name}: truncated data: the IDX header declares shape {header.shape} "
            f"({total:,} bytes) but the file holds {position:,}"
        )
