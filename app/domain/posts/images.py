"""Image checks and thumbnails, with Pillow. An upload is trusted only after Pillow decodes it."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def validate_post_image(upload: File[Any]) -> str | None:
    """Raise ValidationError unless ``upload`` is a real JPEG/PNG/GIF/WebP within the limits."""
    max_bytes = settings.POST_IMAGE_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            f"The image is larger than {max_bytes // (1024 * 1024)} MB.", code="image_too_large"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG, GIF or WebP image.", code="image_type")
            if width * height > settings.POST_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    f"The image has more than {settings.POST_IMAGE_MAX_PIXELS // 1_000_000} "
                    "megapixels.",
                    code="image_too_many_pixels",
                )
            image.verify()
    except Image.DecompressionBombError:
        raise ValidationError(
            f"The image has more than {settings.POST_IMAGE_MAX_PIXELS // 1_000_000} megapixels.",
            code="image_too_many_pixels",
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "Upload a valid image. The file is not an image or is corrupted.", code="invalid_image"
        )
    finally:
        upload.seek(0)
    return image_format


def make_thumbnail(image_file: File[Any]) -> ContentFile[bytes]:
    """Return a ContentFile holding a JPEG thumbnail of ``image_file`` (an opened image field)."""
    image_file.open("rb")
    with Image.open(image_file) as original:
        image = original.convert("RGB")
        image.thumbnail(settings.POST_THUMBNAIL_SIZE)
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=85)
    image_file.close()
    return ContentFile(buffer.getvalue())
