"""Profile photos: checked by content, stripped of metadata, resized to the sizes pages use.

Only JPEG, PNG and WebP are accepted, whatever the file is called. The pixel count is
checked from the header before anything is decoded, so a huge image costs nothing.
A web worker decodes at most MAX_PIXELS, and a JPEG is decoded straight at a reduced
scale, so processing the worst accepted upload stays far below 200 MB
(tests/directory/test_photo_memory.py measures it). Re-encoding drops EXIF (camera, GPS
position) and every other embedded block.
"""

import io
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
# 12 megapixels decode to at most 48 MB (RGBA); a larger photo is refused with a clear
# message. Pillow's WebP decoder holds about four copies of the image while it decodes, so
# WebP gets half. Raising these raises every worker's peak memory with them.
MAX_PIXELS = 12_000_000
MAX_PIXELS_BY_FORMAT = {"JPEG": MAX_PIXELS, "PNG": MAX_PIXELS, "WEBP": 6_000_000}
MIN_SIDE = 200
# The profile page shows 240 CSS pixels and cards 96: twice that for sharp screens.
PROFILE_SIDE = 480
CARD_SIDE = 192
_EXIF_ORIENTATION = 0x0112
# The modes Image.reduce works on; any other is made RGB first.
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}
# What ImageOps.exif_transpose does, applied after the image was made small.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoError(Exception):
    """The upload is not a usable photo; the message is safe to show."""


@dataclass(frozen=True)
class ProcessedPhoto:
    profile: ContentFile
    card: ContentFile


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency shown on white (JPEG has no alpha; black would be the default)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _square(image: Image.Image, side: int) -> ContentFile:
    fitted = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    fitted.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """Image.reduce, one band at a time: for an image with alpha, Pillow's own reduce makes a
    premultiplied copy of the whole image first (48 MB more at 12 MP). The edges of a
    transparent cut-out darken by a fraction of a pixel at the final size, which nobody sees."""
    if image.mode not in ("LA", "RGBA"):
        return image.reduce(factor)
    bands = [image.getchannel(band).reduce(factor) for band in range(len(image.mode))]
    return Image.merge(image.mode, bands)


def _decoded_small(image: Image.Image) -> Image.Image:
    """The image decoded at no more than about twice the profile size, the right way up.

    A JPEG decodes at 1/2, 1/4 or 1/8 scale directly (draft); other formats decode once at
    full size and are reduced by an integer factor straight away.
    """
    orientation = image.getexif().get(_EXIF_ORIENTATION)
    if image.format == "JPEG":
        image.draft("RGB", (PROFILE_SIDE * 2, PROFILE_SIDE * 2))
    image.load()
    factor = min(image.size) // (PROFILE_SIDE * 2)
    small = image
    if factor > 1:
        if image.mode not in _REDUCIBLE:  # a palette, 1-bit or 16-bit grey image
            transparent = image.mode == "P" and "transparency" in image.info
            image = image.convert("RGBA" if transparent else "RGB")
        small = _reduced(image, factor)
    upright = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return small.transpose(upright) if upright is not None else small


def process(*, upload: IO[bytes], size: int) -> ProcessedPhoto:
    """Validate an uploaded photo and return the two square JPEG variants, without metadata.

    Raises PhotoError for anything that is too big, too small, not an image, or an image in
    another format (a GIF renamed .jpg is still a GIF).
    """
    if size > MAX_BYTES:
        raise PhotoError(_("That photo is larger than 8 MB. Please choose a smaller one."))
    try:
        image = Image.open(upload)
        image_format = image.format
        width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise PhotoError(_("That file is not an image we can read.")) from None
    if image_format not in MAX_PIXELS_BY_FORMAT:
        raise PhotoError(_("Please upload a JPEG, PNG or WebP photo."))
    limit = MAX_PIXELS_BY_FORMAT[image_format]
    if width * height > limit:
        raise PhotoError(
            _(
                "That photo is %(width)s by %(height)s pixels, more than the %(limit)s "
                "megapixels we accept. Please upload a smaller version, for example "
                "2000 by 2000 pixels."
            )
            % {"width": width, "height": height, "limit": limit // 1_000_000}
        )
    if min(width, height) < MIN_SIDE:
        raise PhotoError(_("That photo is too small: it needs to be at least 200 by 200 pixels."))
    try:
        upright = _on_white(_decoded_small(image))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError(_("That image seems to be damaged. Please try another file.")) from None
    return ProcessedPhoto(profile=_square(upright, PROFILE_SIDE), card=_square(upright, CARD_SIDE))
