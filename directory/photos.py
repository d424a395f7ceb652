"""Profile photos: checked by content, stripped of metadata, resized to the sizes pages use.

Only JPEG, PNG and WebP are accepted, whatever the file is called. The pixel count is
checked from the header before anything is decoded, so a huge image costs nothing.
Re-encoding drops EXIF (camera, GPS position) and every other embedded block.
"""

import io
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# The profile page shows 240 CSS pixels and cards 96: twice that for sharp screens.
PROFILE_SIDE = 480
CARD_SIDE = 192


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
    if image_format not in ACCEPTED_FORMATS:
        raise PhotoError(_("Please upload a JPEG, PNG or WebP photo."))
    if width * height > MAX_PIXELS:
        raise PhotoError(
            _("That photo has more than 40 megapixels. Please upload a smaller version.")
        )
    if min(width, height) < MIN_SIDE:
        raise PhotoError(_("That photo is too small: it needs to be at least 200 by 200 pixels."))
    try:
        image.load()
        upright = _on_white(ImageOps.exif_transpose(image))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError(_("That image seems to be damaged. Please try another file.")) from None
    return ProcessedPhoto(profile=_square(upright, PROFILE_SIDE), card=_square(upright, CARD_SIDE))
