"""The worst photos the product accepts, processed in a fresh process whose peak memory is
measured: a web worker must stay under 200 MB whatever a verified user uploads."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from directory import photos

PEAK_BUDGET_KB = 200 * 1024
# The widest accepted shape, just under the pixel cap of JPEG and PNG.
SIDE_W, SIDE_H = 4000, 2999


def _worst(mode: str) -> Image.Image:
    """A full-size image in `mode` with some texture, small on disk (a gradient compresses)."""
    gradient = Image.linear_gradient("L").resize((SIDE_W, SIDE_H))
    if mode in ("RGB", "RGBA", "CMYK"):
        return Image.merge(mode, [gradient] * len(mode))
    if mode == "LA":
        return Image.merge("LA", [gradient, gradient])
    if mode == "I;16":
        return gradient.convert("I").point(lambda value: value * 256).convert("I;16")
    palette = gradient.convert("P")
    palette.info["transparency"] = 0
    return palette


def _orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


CASES = {
    "png-rgba": ("RGBA", "PNG", {}),
    "png-16-bit-grey": ("I;16", "PNG", {}),
    "png-grey-alpha": ("LA", "PNG", {}),
    "png-palette-transparent": ("P", "PNG", {"transparency": 0}),
    "png-sideways": ("RGBA", "PNG", {"exif": _orientation(6)}),
    "jpeg-cmyk": ("CMYK", "JPEG", {"quality": 60}),
    "jpeg-progressive-sideways": (
        "RGB", "JPEG", {"quality": 60, "progressive": True, "exif": _orientation(8)}
    ),
    "webp-alpha": ("RGBA", "WEBP", {"lossless": True, "quality": 0}),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_the_worst_accepted_photo_keeps_a_worker_under_200_mb(case, tmp_path: Path):
    mode, image_format, options = CASES[case]
    upload = tmp_path / f"{case}.{image_format.lower()}"
    image = _worst(mode)
    if image.width * image.height > photos.MAX_PIXELS_BY_FORMAT[image_format]:
        image = image.resize((3000, 1999))  # the largest WebP accepted
    image.save(upload, format=image_format, **options)
    assert upload.stat().st_size <= photos.MAX_BYTES

    finished = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.directory.photo_peak", str(upload)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    measured = json.loads(finished.stdout)

    print(case, measured)
    assert measured["profile_bytes"] > 0
    assert measured["peak_kb"] < PEAK_BUDGET_KB
