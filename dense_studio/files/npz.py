"""Reading ``.npz`` archives from strangers: plain arrays, checked before any byte is inflated.

``np.load`` trusts more than we may: its ``.npy`` header parser evaluates a Python literal
(hostile headers raise ``SyntaxError``, ``tokenize.TokenError``, ``TypeError``...), and
``zipfile`` happily inflates a 5 KB deflate or bzip2 member into gigabytes. So this reader
accepts exactly what ``np.savez`` writes and nothing else:

- the archive's end record is read first: a bounded number of members in a small directory;
- members are stored uncompressed (``np.savez`` never compresses) and unencrypted, so each
  one's size is its size on disk and the file's size bounds everything;
- a member's ``.npy`` header must be numpy's own spelling, matched by a regular expression
  (no ``eval``, no pickles), and its size must be exactly header + data;
- the data are read straight into the final array (no second copy), CRC-checked by zipfile.

Errors are :class:`ArchiveError` with a short reason; the file format on top (model files,
session files) turns them into its own one-line error.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

#: numpy's own header: ``{'descr': '<f4', 'fortran_order': False, 'shape': (784, 16), }``
#: padded with spaces to a multiple of 64 bytes and ended by a newline.
_HEADER = re.compile(
    rb"\{'descr': '([^'\\]{1,16})', 'fortran_order': (False|True), "
    rb"'shape': \((|\d{1,15},|\d{1,15}(?:, \d{1,15})+)\), \} *\n"
)
_MAGIC = b"\x93NUMPY"
_MAX_HEADER_BYTES = 4096
_SIMPLE_DESCR = re.compile(r"[<>|=][biuf][1248]")
_END_RECORD = struct.Struct("<4s4H2LH")  # zip's "end of central directory" record
_END_SIGNATURE = b"PK\x05\x06"
_READ_CHUNK = 1 << 18


class ArchiveError(Exception):
    """Why an archive or one of its members was refused (a phrase, without the path)."""


@dataclass(frozen=True)
class ArrayHeader:
    """What a member's ``.npy`` header declares, checked against its size."""

    dtype: np.dtype | None  # None: a type we never read (its spelling is in ``descr``)
    descr: str
    shape: tuple[int, ...]
    data_offset: int


class NpzReader:
    """The members of an ``np.savez`` archive, opened from ``file`` (``size`` bytes)."""

    def __init__(self, file: BinaryIO, size: int, max_members: int) -> None:
        _check_end_record(file, size, max_members)
        try:
            self._zip = zipfile.ZipFile(file)
        except zipfile.BadZipFile:
            raise ArchiveError("is not a zip archive") from None
        infos = self._zip.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise ArchiveError("has duplicate members")
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED:
                raise ArchiveError(
                    f"member {info.filename[:60]!r} is compressed (method {info.compress_type}); "
                    "model files store their arrays uncompressed"
                )
            if info.flag_bits & 0x1:
                raise ArchiveError(f"member {info.filename[:60]!r} is encrypted")
            if info.file_size != info.compress_size:
                raise ArchiveError(f"member {info.filename[:60]!r} has inconsistent sizes")
        if sum(info.file_size for info in infos) > size:
            raise ArchiveError("declares more data than the file holds")
        self._infos = {info.filename: info for info in infos}
        self.names = names

    def size_of(self, name: str) -> int:
        return self._infos[name].file_size

    def header(self, name: str) -> ArrayHeader:
        """Parse and check a member's ``.npy`` header (``name`` as in the archive)."""
        label = _label(name)
        with self._zip.open(self._infos[name]) as member:
            start = member.read(10)
            if len(start) < 10 or start[:6] != _MAGIC:
                raise ArchiveError(f"member {label!r} is not a numpy array")
            version = (start[6], start[7])
            if version == (1, 0):
                length, offset = struct.unpack("<H", start[8:10])[0], 10
            elif version == (2, 0):
                more = member.read(2)
                if len(more) < 2:
                    raise ArchiveError(f"member {label!r} is truncated")
                length, offset = struct.unpack("<I", start[8:10] + more)[0], 12
            else:
                raise ArchiveError(f"member {label!r} uses an unsupported array format {version}")
            if length > _MAX_HEADER_BYTES:
                raise ArchiveError(f"member {label!r} has an oversized array header")
            text = member.read(length)
        match = _HEADER.fullmatch(text)
        if match is None:
            raise ArchiveError(f"member {label!r} has a malformed array header")
        descr = match.group(1).decode("ascii", "replace")
        if "O" in descr:
            raise ArchiveError(f"member {label!r} holds Python objects (pickle); refusing to load")
        if match.group(2) == b"True":
            raise ArchiveError(f"member {label!r} is in Fortran order, which model files never use")
        shape = tuple(int(n) for n in match.group(3).split(b",") if n.strip())
        dtype = np.dtype(descr) if _SIMPLE_DESCR.fullmatch(descr) else None
        return ArrayHeader(dtype, descr, shape, offset + length)

    def read(self, name: str, header: ArrayHeader) -> np.ndarray:
        """The member's data as a new array of ``header``'s type and shape.

        The caller has checked type and shape; the member's size must match them exactly.
        """
        array = np.empty(header.shape, dtype=header.dtype)
        self.read_into(name, header, array)
        return array

    def read_into(self, name: str, header: ArrayHeader, out: np.ndarray) -> None:
        """Read the member's data straight into ``out`` (C-contiguous, of ``header``'s type
        and shape): no copy of the data is ever held besides ``out``."""
        label = _label(name)
        if out.shape != header.shape or out.dtype != header.dtype or not out.flags.c_contiguous:
            raise ValueError(f"cannot read member {label!r} into this array")
        nbytes = out.nbytes
        if self._infos[name].file_size != header.data_offset + nbytes:
            raise ArchiveError(
                f"member {label!r} holds {self._infos[name].file_size - header.data_offset:,} "
                f"bytes of data, its header declares {nbytes:,}"
            )
        view = memoryview(out.reshape(-1).view(np.uint8))
        with self._zip.open(self._infos[name]) as member:
            member.read(header.data_offset)
            filled = 0
            while filled < nbytes:
                chunk = member.read(min(_READ_CHUNK, nbytes - filled))
                if not chunk:
                    raise ArchiveError(f"member {label!r} is truncated")
                view[filled:filled + len(chunk)] = chunk
                filled += len(chunk)
            if member.read(1):  # also makes zipfile check the member's CRC-32 at its end
                raise ArchiveError(f"member {label!r} holds more data than declared")


def _check_end_record(file: BinaryIO, size: int, max_members: int) -> None:
    """Before zipfile reads the directory: few members, a small directory inside the file."""
    tail = min(size, _END_RECORD.size + 0xFFFF)
    file.seek(size - tail)
    data = file.read(tail)
    at = data.rfind(_END_SIGNATURE)
    if at < 0 or len(data) - at < _END_RECORD.size:
        raise ArchiveError("is not a zip archive")
    _, disk, _, here, total, directory_size, directory_offset, _ = _END_RECORD.unpack_from(data, at)
    if disk != 0 or here != total:
        raise ArchiveError("is a multi-part zip archive")
    if total > max_members:
        raise ArchiveError(f"has too many members ({total})")
    if directory_size > 1024 * (max_members + 1) or directory_offset + directory_size > size:
        raise ArchiveError("has a corrupt zip directory")
    file.seek(0)


def _label(name: str) -> str:
    return (name[:-4] if name.endswith(".npy") else name)[:60]


__all__ = ["ArchiveError", "ArrayHeader", "NpzReader"]
