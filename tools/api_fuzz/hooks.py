"""schemathesis hooks for `nox -s api_fuzz`: real images for the media types the schema names.

The schema says an upload is image/jpeg, png, gif or webp. Left alone, schemathesis fills such a
part with random bytes, which the API rightly refuses (400), and then reports valid requests
rejected. These strategies draw small real images (Pillow), so positive tests reach the code
that stores a post with an image. Negative tests still send garbage, and must get a 400.
"""

from io import BytesIO

import schemathesis
from hypothesis import strategies as st
from PIL import Image

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def image_strategy(image_format):
    @st.composite
    def images(draw):
        size = (draw(st.integers(1, 64)), draw(st.integers(1, 64)))
        color = tuple(draw(st.integers(0, 255)) for _ in range(3))
        buffer = BytesIO()
        Image.new("RGB", size, color).save(buffer, format=image_format)
        return buffer.getvalue()

    return images()


for media_type, image_format in FORMATS.items():
    schemathesis.openapi.media_type(media_type, image_strategy(image_format))


@schemathesis.hook
def filter_case(context, case):
    """Drop "valid" multipart cases whose ``body`` part is empty. schemathesis' coverage phase
    fills the required text parts of a multipart body that has an encoded file part with ``""``,
    whatever their ``minLength`` (coverage/_operation.py,
    _generate_multipart_body_from_custom_strategies), so those cases are not valid at all."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return True
    return not (isinstance(case.body, dict) and case.body.get("body") == "")
