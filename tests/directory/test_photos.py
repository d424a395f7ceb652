import io

import pytest
from PIL import Image

from directory import photos


def encoded(image_format, *, size=(600, 400), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, format=image_format, **save)
    return buffer


def process(buffer):
    return photos.process(upload=io.BytesIO(buffer.getvalue()), size=len(buffer.getvalue()))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_accepts_jpeg_png_and_webp_and_makes_square_jpegs(image_format):
    result = process(encoded(image_format))

    for variant, side in ((result.profile, 480), (result.card, 192)):
        with Image.open(io.BytesIO(variant.read())) as image:
            assert (image.format, image.size) == ("JPEG", (side, side))


def test_refuses_a_gif_whatever_its_name():
    with pytest.raises(photos.PhotoError, match="JPEG, PNG or WebP"):
        process(encoded("GIF"))


def test_refuses_a_file_that_is_not_an_image():
    with pytest.raises(photos.PhotoError, match="not an image"):
        process(io.BytesIO(b"%PDF-1.7 this is a document"))


def test_refuses_a_png_over_twelve_megapixels_without_decoding_it():
    huge = encoded("PNG", size=(3500, 3500), mode="1")  # 12.25 megapixels, small on disk

    with pytest.raises(photos.PhotoError, match="more than the 12 megapixels"):
        process(huge)


def test_refuses_a_file_over_the_size_limit():
    with pytest.raises(photos.PhotoError, match="larger than 8 MB"):
        photos.process(upload=io.BytesIO(b""), size=photos.MAX_BYTES + 1)


def test_refuses_a_tiny_image():
    with pytest.raises(photos.PhotoError, match="too small"):
        process(encoded("PNG", size=(50, 50)))


def test_refuses_a_truncated_image():
    data = encoded("JPEG").getvalue()

    with pytest.raises(photos.PhotoError):
        process(io.BytesIO(data[: len(data) // 3]))


def test_strips_exif_such_as_the_camera_and_gps_position():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (43.0, 39.0, 0.0)}  # GPS latitude
    source = encoded("JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(source.getvalue())) as original:
        assert original.getexif()

    result = process(source)

    with Image.open(io.BytesIO(result.profile.read())) as cleaned:
        assert not cleaned.getexif()
        assert "exif" not in cleaned.info


def test_turns_a_sideways_phone_photo_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    image = Image.new("RGB", (600, 300), "white")
    image.paste((0, 0, 0), (0, 0, 600, 150))  # top half black
    image.save(buffer, format="JPEG", exif=exif.tobytes())

    result = process(buffer)

    with Image.open(io.BytesIO(result.card.read())) as upright:
        # After rotation the black half is on the right.
        assert upright.getpixel((180, 96))[0] < 60
        assert upright.getpixel((10, 96))[0] > 200


def test_a_transparent_png_gets_a_white_background_not_black():
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(buffer, format="PNG")  # fully transparent

    result = process(buffer)

    with Image.open(io.BytesIO(result.card.read())) as image:
        assert image.getpixel((96, 96))[0] > 240
