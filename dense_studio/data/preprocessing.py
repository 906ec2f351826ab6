"""Turn a drawing or a photo into a 28×28 input that looks like the training data.

Why it matters: a Dense model only knows the pixel layout it was trained on. MNIST digits are
light ink on black, fitted into 20×20 and centred by centre of mass in 28×28; Fashion-MNIST
garments are light on black with the longest edge at 28 and centred. A drawing on a white
canvas, a phone photo or a transparent PNG is predicted well only after the same recipe.
The canvas in the window calls :func:`preprocess` on every stroke, so it must stay well
under 5 ms for a 280×280 image (it takes about 0.5 ms).

Pillow does the reading and the anti-aliased resizing; no Qt here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import threading
import warnings
from dataclasses import dataclass
from os import PathLike

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from dense_studio.data.untrusted import UnreadableFile, open_regular_file
from dense_studio.errors import ImageError, one_line

STYLES = ("garment", "digit")

#: The only image formats we decode (Pillow's names).
IMAGE_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
#: Larger images are refused before decoding: a small file can claim billions of pixels,
#: and a drawing or a photo of one needs far fewer (16 MP is a 4000×4000 photo).
MAX_PIXELS = 16_000_000
#: Larger files are refused before reading (a 16 MP RGBA image is 64 MB uncompressed).
MAX_FILE_BYTES = 64 << 20
#: Bigger inputs are first shrunk to this longest side (keeps a phone photo at tens of ms).
WORK_SIZE = 1024
#: Below this difference from the background (of full scale) an image counts as blank.
MIN_CONTRAST = 0.08
#: Ink must stand this many noise sigmas above the background grain to be more than noise.
NOISE_MARGIN = 8.0
#: A difference this large from the background is content, however grainy the frame.
STRONG_CONTRAST = 0.4
#: Ink must be this much of the strongest ink to count for the bounding box.
INK_THRESHOLD = 0.2
#: In a photo, a part this much darker than the paper (of black) belongs to the object:
#: Fashion-MNIST's recipe trimmed the border colour within 5 % of full scale.
GARMENT_INK_LEVEL = 0.05
#: How strongly a photo's 28×28 image is sharpened (the unsharp mask's weight).
SHARPEN_AMOUNT = 1.0
#: The paper's brightness is fitted to at most about this many of the frame's pixels.
PAPER_FIT_POINTS = 4096
#: The window's canvas pads a non-square image with black bars of exactly this level...
BAR_LEVEL = 1 / 255
#: ...and blends the picture's edge row with them: that many more rows are cut.
BAR_EDGE = 2

#: Downscaled thin strokes keep at least this share of their ink (see _resize).
THIN_STROKE_WEIGHT = 0.5

_DIGIT_BOX = 20
_SIDE = 28
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's "L"


# ---------------------------------------------------------------------------------------------
# Reading files
#
# An image file may come from anyone, so reading it is bounded: only the formats below are
# decoded (Pillow picks its decoder from the content, not the name, and its EPS plugin would
# start Ghostscript), only a regular file of at most MAX_FILE_BYTES is read (a FIFO named
# .png would block forever), and the pixel count is checked from the header before decoding.


def read_image(path: str | PathLike[str]) -> np.ndarray:
    """Read a PNG, JPEG, BMP, GIF, TIFF or WebP file as (H, W) uint8 grayscale.

    EXIF orientation is applied, the first frame of an animation is used, 16-bit images are
    scaled (not clipped) to 8 bits, and transparent pixels become background (white behind
    dark content, black behind light content). A JPEG larger than MAX_PIXELS is decoded at
    a reduced scale; any other image that large is refused. Raises :class:`ImageError`
    naming the file, and prints nothing (no warnings).
    """
    name = str(path)
    try:
        # Pillow warns about corrupt metadata and numpy about NaN pixels: the one error line
        # (or the image) says everything a person needs.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            file, _ = open_regular_file(path, MAX_FILE_BYTES, "an image")
            with file, Image.open(file, formats=IMAGE_FORMATS) as image:
                _bound_pixels(image, name)
                with _libtiff_quiet() if image.format == "TIFF" else contextlib.nullcontext():
                    image.load()
                return _to_uint8_gray(_upright(image), name)
    except ImageError:
        raise
    except UnreadableFile as reason:
        raise ImageError(f"{name}: {reason}") from None
    except UnidentifiedImageError:
        raise ImageError(
            f"{name}: not an image file (or not one of {', '.join(IMAGE_FORMATS)})"
        ) from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name}: image is too large (possible decompression bomb)") from None
    except MemoryError:
        raise ImageError(f"{name}: not enough memory to read the image") from None
    except Exception as error:  # Pillow raises many kinds for corrupt data: all mean the same
        raise ImageError(f"{name}: corrupt or unreadable image ({one_line(error)})") from None


_stderr_lock = threading.Lock()


@contextlib.contextmanager
def _libtiff_quiet():
    """libtiff writes its complaints about a corrupt file straight to the process's stderr
    (file descriptor 2, out of Python's reach); our one error line says it all."""
    with _stderr_lock:
        try:
            saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
        except OSError:  # no stderr at all (e.g. a windowed app): nothing to keep quiet
            yield
            return
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


def _bound_pixels(image: Image.Image, name: str) -> None:
    """Refuse (or, for JPEG, decode at 1/2, 1/4 or 1/8 scale) more than MAX_PIXELS."""
    width, height = image.size
    if width == 0 or height == 0:
        raise ImageError(f"{name}: image has no pixels")
    if width * height > MAX_PIXELS and image.format in ("JPEG", "MPO"):  # MPO: phone JPEGs
        scale = math.ceil(math.sqrt(width * height / MAX_PIXELS))
        image.draft(image.mode, (width // scale, height // scale))
        width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"{name}: image is too large ({width}×{height} pixels; "
            f"the limit is {MAX_PIXELS // 1_000_000} megapixels)"
        )


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a broken EXIF block is ignored rather than fatal."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _to_uint8_gray(image: Image.Image, name: str) -> np.ndarray:
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float32)
        if not np.isfinite(values).all():
            raise ImageError(f"{name}: image contains NaN or infinite values")
        if mode.startswith("I;16") or (mode == "I" and values.max(initial=0) > 255):
            values = values * np.float32(255 / 65535)
        elif mode == "F" and values.max(initial=0) <= 1.0:
            values = values * np.float32(255)
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    if mode in ("1", "L") and "transparency" not in image.info:
        return np.asarray(image.convert("L"), dtype=np.uint8)
    if mode in ("RGB", "CMYK", "YCbCr", "LAB", "HSV") and "transparency" not in image.info:
        return np.asarray(image.convert("RGB").convert("L"), dtype=np.uint8)
    # Anything that may carry transparency: palette, LA, RGBA, a transparency key.
    rgba = image.convert("RGBA")
    gray = np.asarray(rgba.convert("L"), dtype=np.float32) / np.float32(255)
    alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / np.float32(255)
    flat = _flatten_alpha(gray, alpha)
    return np.clip(np.rint(flat * 255), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# Preprocessing


@dataclass(frozen=True)
class PreprocessSteps:
    """Every intermediate image and number of one :func:`preprocess_steps` call.

    What the window's step-by-step view shows; ``final`` is exactly what :func:`preprocess`
    returns (None for a blank image: the later fields are then None as well).
    """

    style: str
    #: The picture as gray values in [0, 1] (at most WORK_SIZE on its longest side), with any
    #: black bars the window's canvas put around a photo already cut off (``bars``).
    gray: np.ndarray
    #: The black bars found around a light photo, as (top, bottom, left, right) pixels.
    bars: tuple[int, int, int, int]
    #: The background level (median of a thin frame around the picture), 0 black … 1 white.
    background: float
    #: True when the content is darker than the background (a photo, ink on paper).
    dark_ink: bool
    #: "photo" (Fashion-MNIST's recipe: negate against the fitted paper, keep how dark each
    #: part is) or "drawing" (strongest ink to 1): how ``ink`` was made.
    recipe: str
    #: Ink as light on black (background 0); None when nothing stands out from the background.
    ink: np.ndarray | None = None
    #: The ink's bounding box in ``gray``/``ink``: (top, left, bottom, right), bottom/right
    #: exclusive.
    box: tuple[int, int, int, int] | None = None
    #: The cropped ink resized so its longest side is 20 (digits) or 28 (garments).
    scaled: np.ndarray | None = None
    #: scaled size / cropped size.
    scale: float | None = None
    #: "mass" (MNIST: the centre of mass at the middle) or "box" (Fashion-MNIST: the box).
    centred_by: str | None = None
    #: Where ``scaled`` went in the 28×28 field: (top, left).
    offset: tuple[int, int] | None = None
    #: The 28×28 float32 input the network receives.
    final: np.ndarray | None = None


def preprocess(image: np.ndarray, style: str = "digit") -> np.ndarray | None:
    """Return the 28×28 float32 input (light ink on black, in [0, 1]) or None for a blank image.

    ``image``: (H, W) gray, (H, W, 1), (H, W, 3) RGB or (H, W, 4) RGBA; uint8, uint16, bool or
    float (floats in [0, 1], or in [0, 255] when larger than 1). ``style``: "digit" for the
    MNIST recipe, "garment" for the Fashion-MNIST one.
    """
    return preprocess_steps(image, style).final


def preprocess_steps(image: np.ndarray, style: str = "digit") -> PreprocessSteps:
    """:func:`preprocess`, keeping every step: background, ink, crop box, scale, placement."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    gray = _limit_size(to_gray(image))
    bars = _letterbox_bars(gray)
    if any(bars):
        top, bottom, left, right = bars
        gray = gray[top : gray.shape[0] - bottom, left : gray.shape[1] - right]
    frame = _frame(gray)
    level = np.float32(np.median(frame))
    background = float(level)
    low, high = float(gray.min()), float(gray.max())
    dark_ink = background - low > high - background  # dark ink on a light background
    # A garment photographed on white is Fashion-MNIST's own source: its recipe keeps how
    # dark each part is (a white shirt stays faint). A drawing's strokes are all "ink".
    photo = style == "garment" and dark_ink
    steps = PreprocessSteps(style, gray, bars, background, dark_ink,
                            "photo" if photo else "drawing")
    ink = _photo_ink(gray) if photo else _normalized_ink(gray, frame, level, dark_ink)
    if ink is None:
        return steps
    rows, cols = _ink_box(ink, GARMENT_INK_LEVEL if photo else None)
    crop = ink[rows, cols]
    if style == "digit":
        scaled = _resize(crop, _DIGIT_BOX)
        offset = _mass_offset(scaled)
    else:
        scaled = _area_resize(crop, _SIDE) if photo else _resize(crop, _SIDE)
        offset = ((_SIDE - scaled.shape[0]) // 2, (_SIDE - scaled.shape[1]) // 2)
    final = np.zeros((_SIDE, _SIDE), dtype=np.float32)
    final[offset[0] : offset[0] + scaled.shape[0], offset[1] : offset[1] + scaled.shape[1]] = scaled
    if photo:
        final = _sharpen(final)
    return dataclasses.replace(
        steps, ink=ink, box=(rows.start, cols.start, rows.stop, cols.stop), scaled=scaled,
        scale=max(scaled.shape) / max(crop.shape), centred_by="mass" if style == "digit" else "box",
        offset=offset, final=final,
    )


def to_gray(image: np.ndarray) -> np.ndarray:
    """Any supported array as float32 (H, W) in [0, 1], with transparency flattened."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ImageError(
            f"image array must be (H, W), (H, W, 3) or (H, W, 4); got shape {array.shape}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ImageError(f"image array has no pixels (shape {array.shape})")
    values = _unit_float(array)
    if values.ndim == 2:
        return values
    gray = values[:, :, :3] @ _LUMA
    if values.shape[2] == 4:
        gray = _flatten_alpha(gray, values[:, :, 3])
    return gray


def _unit_float(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array.astype(np.float32) / np.float32(255)
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if array.dtype == np.uint16:
        return array.astype(np.float32) / np.float32(65535)
    if np.issubdtype(array.dtype, np.integer):
        return np.clip(array, 0, 255).astype(np.float32) / np.float32(255)
    if np.issubdtype(array.dtype, np.floating):
        values = np.asarray(array, dtype=np.float32)
        if not np.isfinite(values).all():
            raise ImageError("image array contains NaN or infinite values")
        if values.max(initial=0) > 1.0:
            values = values / np.float32(255)
        return np.clip(values, 0, 1)
    raise ImageError(f"image array has unsupported type {array.dtype}")


def _flatten_alpha(gray: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Put transparent pixels on the background that contrasts with the visible content.

    Black strokes on a transparent PNG go onto white, white strokes onto black, so the
    transparent area always reads as background.
    """
    if alpha.min(initial=1) >= 1:
        return gray
    weight = float(alpha.sum())
    content = float((gray * alpha).sum()) / weight if weight > 0 else 0.0
    background = np.float32(1.0 if content < 0.5 else 0.0)
    return gray * alpha + background * (1 - alpha)


def _limit_size(gray: np.ndarray) -> np.ndarray:
    height, width = gray.shape
    longest = max(height, width)
    if longest <= WORK_SIZE:
        return gray
    scale = WORK_SIZE / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(gray).resize(size, Image.Resampling.BOX), dtype=np.float32)


def _frame(gray: np.ndarray) -> np.ndarray:
    """The pixels of a thin band around the picture (1/50 of its shorter side), flat."""
    return gray[_frame_mask(gray.shape)]


def _frame_mask(shape: tuple[int, int]) -> np.ndarray:
    band = max(1, min(shape) // 50)
    mask = np.ones(shape, bool)
    mask[band:-band, band:-band] = False
    return mask


def _letterbox_bars(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Black bars the window's canvas put around a light photo: (top, bottom, left, right).

    The canvas shows a non-square image centred on black; read back, those bars would be
    taken for the background of a photo on white. Bars count only on two opposite sides,
    about as thick as each other, around a picture whose own frame is light; a drawing on
    black never looks like that (its strokes do not span the canvas edge to edge).
    """
    dark_rows = (gray <= BAR_LEVEL).all(axis=1)
    dark_cols = (gray <= BAR_LEVEL).all(axis=0)
    top, bottom = _run(dark_rows), _run(dark_rows[::-1])
    left, right = _run(dark_cols), _run(dark_cols[::-1])
    height, width = gray.shape
    if top == height or left == width:
        return (0, 0, 0, 0)
    # The picture's own edge row is a blend with the bar (smooth scaling): cut it too.
    if top and bottom and not (left or right) and abs(top - bottom) <= 2:
        bars = (top + BAR_EDGE, bottom + BAR_EDGE, 0, 0)
    elif left and right and not (top or bottom) and abs(left - right) <= 2:
        bars = (0, 0, left + BAR_EDGE, right + BAR_EDGE)
    else:
        return (0, 0, 0, 0)
    inside = gray[bars[0] : height - bars[1], bars[2] : width - bars[3]]
    # A photo is at least a quarter of the canvas across; a stroke drawn across it is thinner.
    if min(inside.shape) < min(height, width) // 4 or np.median(_frame(inside)) < 0.5:
        return (0, 0, 0, 0)
    return bars


def _run(flags: np.ndarray) -> int:
    """How many leading entries of ``flags`` are True."""
    return int(flags.size if flags.all() else np.argmin(flags))


def _normalized_ink(gray: np.ndarray, frame: np.ndarray, background: np.float32,
                    dark_ink: bool) -> np.ndarray | None:
    """A drawing's ink as light-on-black float32 with background 0 and strongest ink 1, or
    None if blank.

    The background level is the median of a thin frame around the image; the ink is whichever
    side (darker or lighter than the background) reaches further from it. Three noise sigmas
    of the frame are subtracted so the grain of a photo does not become a grey haze.
    """
    low, high = float(gray.min()), float(gray.max())
    contrast = float(background) - low if dark_ink else high - float(background)
    if contrast < MIN_CONTRAST:
        return None
    # Grain of the background: a robust sigma (median absolute deviation), so an object that
    # touches part of the frame does not count as noise.
    sigma = 1.4826 * float(np.median(np.abs(frame - background)))
    if _lost_in_grain(contrast, sigma):
        return None
    floor = min(3 * sigma, 0.5 * contrast)
    if dark_ink:
        ink = np.subtract(np.float32(background - floor), gray, dtype=np.float32)
    else:
        ink = np.subtract(gray, np.float32(background + floor), dtype=np.float32)
    ink *= np.float32(1 / (contrast - floor))
    np.clip(ink, 0, 1, out=ink)
    return ink


def _lost_in_grain(contrast: float, sigma: float) -> bool:
    """Nothing stands out from the grain. A strong contrast always counts: then the "grain"
    is an object that covers most of the frame."""
    return contrast < min(NOISE_MARGIN * sigma, STRONG_CONTRAST)


def _photo_ink(gray: np.ndarray) -> np.ndarray | None:
    """A photo of an object on paper, negated as Fashion-MNIST did: 1 - gray / paper.

    The paper is rarely even (a lamp's gradient, a lens's dark corners), so its brightness
    is a smooth surface fitted to the frame, not one number; dividing by it, a part as dark
    as the paper is 0 everywhere and black is 1, and a faint garment stays faint, as in the
    training data. The paper's grain (three robust sigmas) is taken off so it is no haze.
    """
    edge = _frame_mask(gray.shape)
    paper = _paper_surface(gray, edge)
    ink = np.subtract(1, gray / np.maximum(paper, np.float32(0.05)), dtype=np.float32)
    residual = ink[edge]
    sigma = 1.4826 * float(np.median(np.abs(residual - np.median(residual))))
    contrast = float(ink.max())
    if contrast < MIN_CONTRAST or _lost_in_grain(contrast, sigma):
        return None
    floor = min(3 * sigma, 0.5 * contrast)
    ink -= np.float32(floor)
    ink *= np.float32(1 / (1 - floor))
    np.clip(ink, 0, 1, out=ink)
    return ink


def _paper_surface(gray: np.ndarray, edge: np.ndarray) -> np.ndarray:
    """The paper's brightness under the whole picture: a quadratic in x and y (a gradient and
    a vignette) fitted to the frame, twice more without the frame pixels that do not fit
    (an object touching the edge)."""
    height, width = gray.shape
    ys = np.linspace(-1, 1, height, dtype=np.float32)
    xs = np.linspace(-1, 1, width, dtype=np.float32)
    rows, cols = np.nonzero(edge)
    stride = max(1, rows.size // PAPER_FIT_POINTS)  # a few thousand points fit a quadratic
    rows, cols = rows[::stride], cols[::stride]
    y, x, values = ys[rows], xs[cols], gray[rows, cols]
    terms = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1).astype(np.float64)
    keep = np.ones(values.size, bool)
    for _round in range(3):
        # The 6×6 normal equations: LAPACK's lstsq costs ~10 ms here on a busy machine.
        fit = terms[keep]
        coef = np.linalg.solve(fit.T @ fit + 1e-6 * np.eye(6), fit.T @ values[keep])
        residual = values - terms @ coef
        spread = 1.4826 * float(np.median(np.abs(residual[keep]))) + 1e-3
        keep = np.abs(residual) <= 3 * spread
        if keep.sum() < terms.shape[1] * 4:
            break
    c0, cx, cy, cxx, cyy, cxy = (np.float32(c) for c in coef)
    return (c0 + cx * xs[None, :] + cxx * (xs * xs)[None, :] + cy * ys[:, None]
            + cyy * (ys * ys)[:, None] + cxy * ys[:, None] * xs[None, :])


def _ink_box(ink: np.ndarray, level: float | None = None) -> tuple[slice, slice]:
    """Bounding box of the ink, ignoring faint haze and tiny specks at its edges.

    Pixels count when they reach ``level`` (default: INK_THRESHOLD of the strongest ink).
    From each side, rows or columns holding no more than a speck's worth of ink pixels in all
    are dropped, so a dust speck far from the drawing does not stretch the box; a real
    stroke holds far more.
    """
    level = INK_THRESHOLD * float(ink.max()) if level is None else level
    mask = (ink >= level).view(np.uint8)
    rows = mask.sum(axis=1, dtype=np.int32)
    cols = mask.sum(axis=0, dtype=np.int32)
    total = int(rows.sum())
    speck = min((max(ink.shape) / 140.0) ** 2, 0.01 * total)
    return _trimmed(rows, speck), _trimmed(cols, speck)


def _trimmed(counts: np.ndarray, speck: float) -> slice:
    nonzero = np.flatnonzero(counts)
    if nonzero.size == 0:
        return slice(0, counts.size)
    start, stop = int(nonzero[0]), int(nonzero[-1]) + 1
    if speck >= 1:
        from_start = np.cumsum(counts)
        from_stop = np.cumsum(counts[::-1])
        # First index where the ink seen so far is more than a speck.
        start = max(start, int(np.searchsorted(from_start, speck, side="right")))
        stop = min(stop, counts.size - int(np.searchsorted(from_stop, speck, side="right")))
        if stop <= start:
            start, stop = int(nonzero[0]), int(nonzero[-1]) + 1
        else:
            # Snap back to the nearest rows that really hold ink.
            inside = nonzero[(nonzero >= start) & (nonzero < stop)]
            start, stop = int(inside[0]), int(inside[-1]) + 1
    return slice(start, stop)


def _resize(crop: np.ndarray, longest: int) -> np.ndarray:
    """Anti-aliased resize so the longest side is ``longest``, thin strokes kept visible.

    Plain area averaging turns a 2 px pencil line on a 280 px canvas into a 0.2 px ghost at
    28×28. So each output pixel is at least THIN_STROKE_WEIGHT of the strongest ink in its
    footprint (a max-pool): thin lines stay at a visible level, while thick strokes, already
    bright inside, change only at their soft edges.
    """
    height, width = crop.shape
    scale = longest / max(height, width)
    new_height, new_width = max(1, round(height * scale)), max(1, round(width * scale))
    resized = Image.fromarray(crop).resize((new_width, new_height), Image.Resampling.BILINEAR)
    small = np.array(resized, dtype=np.float32)  # a writable copy
    if height > new_height or width > new_width:
        rows = (np.arange(new_height) * height) // new_height
        cols = (np.arange(new_width) * width) // new_width
        pooled = np.maximum.reduceat(np.maximum.reduceat(crop, rows, axis=0), cols, axis=1)
        np.maximum(small, pooled * np.float32(THIN_STROKE_WEIGHT), out=small)
    # Strongest ink back to 1 (a speck left outside the box may have been the brightest).
    peak = small.max()
    if peak > 0:
        small /= peak
    return small


def _area_resize(crop: np.ndarray, longest: int) -> np.ndarray:
    """Anti-aliased resize so the longest side is ``longest``, the values kept as they are
    (a photo's faint parts are information, not a stroke to rescue)."""
    height, width = crop.shape
    scale = longest / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(crop).resize(size, Image.Resampling.BILINEAR)
    return np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def _sharpen(image: np.ndarray) -> np.ndarray:
    """Fashion-MNIST's sharpening: an unsharp mask with a Gaussian of sigma 1 (a photo shrunk
    to 28×28 is softer than the training images, which were sharpened the same way)."""
    taps = np.exp(-0.5 * np.arange(-2, 3, dtype=np.float32) ** 2)
    taps /= taps.sum()
    blurred = np.apply_along_axis(np.convolve, 0, image, taps, mode="same")
    blurred = np.apply_along_axis(np.convolve, 1, blurred, taps, mode="same")
    sharp = image + np.float32(SHARPEN_AMOUNT) * (image - blurred)
    return np.clip(sharp, 0, 1).astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass (pixel centres at whole numbers)."""
    mass = float(image.sum())
    rows = np.arange(image.shape[0], dtype=np.float32)
    cols = np.arange(image.shape[1], dtype=np.float32)
    return float(image.sum(axis=1) @ rows) / mass, float(image.sum(axis=0) @ cols) / mass


def _mass_offset(small: np.ndarray) -> tuple[int, int]:
    """MNIST's placement: the centre of mass at (14, 14) of the 28×28 field, kept inside."""
    height, width = small.shape
    centre_y, centre_x = centre_of_mass(small)
    top = min(max(int(round(_SIDE / 2 - centre_y)), 0), _SIDE - height)
    left = min(max(int(round(_SIDE / 2 - centre_x)), 0), _SIDE - width)
    return top, left
