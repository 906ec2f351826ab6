"""Seeded fuzzing of model files and images: every mutant is read or refused in one line.

The battery is bounded (a few thousand small files, seconds in all); ``report.summary()``
is printed for the record (``pytest -s``): files tried, clean errors, the slowest file and
the one that needed the most memory.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from fuzzing import BYTE_MUTATORS, fuzz

from dense_studio.data import preprocess, read_image
from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, DropoutSpec, TrainingConfig
from dense_studio.errors import ImageError, ModelFileError
from dense_studio.files.model_file import load_model, save_model

_EXTREMES = ["1" + "0" * 400, "1e999", "-1e999", "-0", "0", "-1", "2147483648", "1e-320",
             "18446744073709551616", "0.5", "[]", "{}", "null", "true", '"x"', '"' + "a" * 300 + '"',
             "[" * 200 + "]" * 200]


def _in_member(mutate_member):
    """A mutator that changes one member of a zip and rewrites the archive (valid CRCs)."""
    def mutator(data: bytes, rng: random.Random, seeds) -> bytes:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = {info.filename: archive.read(info) for info in archive.infolist()}
        except Exception:
            return rng.choice(BYTE_MUTATORS)(data, rng, seeds)
        if not members:
            return data
        name = rng.choice(sorted(members))
        members[name] = mutate_member(name, members[name], rng, seeds)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, payload in members.items():
                archive.writestr(member, payload)
        return buffer.getvalue()
    return mutator


def _npy_header(name, payload: bytes, rng, seeds) -> bytes:
    """Mutate within the first 128 bytes: magic, version, header length, header text."""
    head, rest = bytearray(payload[:128]), payload[128:]
    for _ in range(rng.randint(1, 4)):
        if head:
            head[rng.randrange(len(head))] = rng.choice(b"0123456789(),' {}:TrueFals\x00\xff\n")
    return bytes(head) + rest


def _json_value(name, payload: bytes, rng, seeds) -> bytes:
    """Replace a number or a string of the JSON description with an extreme value."""
    if name != "meta.npy":
        return rng.choice(BYTE_MUTATORS)(payload, rng, seeds)
    tokens = list(re.finditer(rb'-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"[^"]*"', payload))
    if not tokens:
        return payload
    token = rng.choice(tokens)
    new = rng.choice(_EXTREMES).encode()
    body = payload[:token.start()] + new + payload[token.end():]
    # Keep the .npy header's shape equal to the new length, so the JSON itself is parsed.
    return re.sub(rb"'shape': \(\d+,\)", b"'shape': (%d,)" % (len(body) - 128), body, count=1)


MODEL_MUTATORS = [*BYTE_MUTATORS, _in_member(_npy_header), _in_member(_json_value),
                  _in_member(lambda n, p, rng, s: rng.choice(BYTE_MUTATORS)(p, rng, s))]


@pytest.fixture(scope="module")
def model_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model-seeds")
    seeds = []
    for i, (layers, shape, classes) in enumerate([
        ((DenseSpec(8, "relu"),), (28, 28), 10),
        ((DenseSpec(4, "tanh"), DropoutSpec(0.5), DenseSpec(3, "gelu")), (5, 3), 3),
        ((), (7,), 2),
    ]):
        config = TrainingConfig(dataset="mnist", layers=layers, validation_split=0.1)
        model = build_model(layers, input_shape=shape, num_classes=classes, seed=i)
        seeds.append(save_model(model, folder / f"seed{i}.dsmodel", config, "mnist",
                                [f"c{k}" for k in range(classes)],
                                {"test_accuracy": 0.5, "epochs_done": 3}, input_shape=shape))
    return seeds


def test_fuzzed_model_files_are_loaded_or_refused_cleanly(model_seeds, tmp_path, capfd):
    report = fuzz(load_model, model_seeds, clean=ModelFileError, cases=2500, seed=7,
                  workdir=tmp_path, mutators=MODEL_MUTATORS)
    assert capfd.readouterr().err == ""
    print(report.summary())
    assert report.other == []
    assert report.tried == 2500 and report.clean > 1500  # most mutants are broken ones
    assert report.peak[0] < 50_000_000  # what a mutant declares is checked before it is read


@pytest.fixture(scope="module")
def image_seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("image-seeds")
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (24, 20), dtype=np.uint8)
    seeds = []
    for name, image, options in [
        ("gray.png", Image.fromarray(gray), {}),
        ("rgba.png", Image.fromarray(np.dstack([gray] * 4)), {}),
        ("photo.jpg", Image.fromarray(gray).convert("RGB"), {"quality": 80}),
        ("palette.gif", Image.fromarray(gray).convert("P"), {}),
        ("plain.bmp", Image.fromarray(gray), {}),
        ("deep.tiff", Image.fromarray(gray.astype(np.uint16) * 257), {}),
        ("float.tiff", Image.fromarray(gray.astype(np.float32) / 255), {}),
        ("lzw.tiff", Image.fromarray(gray), {"compression": "tiff_lzw"}),
        ("lossy.webp", Image.fromarray(gray).convert("RGB"), {"quality": 70}),
    ]:
        path = folder / name
        image.save(path, **options)
        seeds.append(path)
    eps = folder / "program.png"
    eps.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\n{ } loop\n")
    return [*seeds, eps]


def read_and_preprocess(path):
    return preprocess(read_image(path), style="digit")


def test_fuzzed_images_are_read_or_refused_cleanly(image_seeds, tmp_path, capfd):
    report = fuzz(read_and_preprocess, image_seeds, clean=ImageError, cases=1500, seed=11,
                  workdir=tmp_path)
    assert capfd.readouterr().err == ""  # no warnings, no libtiff or Ghostscript chatter
    print(report.summary())
    assert report.other == []
    assert report.tried == 1500 and report.clean > 300 and report.accepted > 100
    assert report.peak[0] < 16_000_000 * 30  # MAX_PIXELS, a few float32 copies at most
