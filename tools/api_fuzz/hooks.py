"""schemathesis hooks for `nox -s api_fuzz`: real images for the media types the schema names.

The schema says an upload is image/jpeg, png, gif or webp. Left alone, schemathesis fills such a
part with random bytes, which the API rightly refuses (400), and then reports valid requests
rejected. These strategies draw small real images (Pillow), so positive tests reach the code
that stores a post with an image. Negative tests still send garbage, and must get a 400.
"""

from io import BytesIO
from typing import Any

import schemathesis
from hypothesis import strategies as st
from PIL import Image

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def image_strategy(image_format: str) -> st.SearchStrategy[bytes]:
    @st.composite
    def images(draw: st.DrawFn) -> bytes:
        size = (draw(st.integers(1, 64)), draw(st.integers(1, 64)))
        color = tuple(draw(st.integers(0, 255)) for _ in range(3))
        buffer = BytesIO()
        Image.new("RGB", size, color).save(buffer, format=image_format)
        return buffer.getvalue()

    return images()


for media_type, image_format in FORMATS.items():
    schemathesis.openapi.media_type(media_type, image_strategy(image_format))


NOT_SENT = object()
FORM_FIELDS = {"body", "image", "remove_image"}


def _reaches_the_wire(name: str, value: object) -> bool:
    """Whether a multipart field survives encoding as at least one part."""
    return name != "" and not isinstance(value, dict) and value != []


def form_fields(case: schemathesis.Case[Any]) -> dict[str, Any] | None:
    """The fields of a multipart body, whichever way schemathesis wrapped them; else None."""
    if case.media_type != "multipart/form-data":
        return None
    fields = getattr(case.body, "body", case.body)
    return fields if isinstance(fields, dict) else None


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case[Any]) -> bool:
    """Drop two kinds of case that are not what schemathesis labels them, both in multipart
    bodies, where every part is text:

    - "valid" cases whose ``body`` part is empty: the coverage phase fills the required text
      parts of a body that has an encoded file part with ``""``, whatever their ``minLength``
      (schemathesis/specs/openapi/coverage/_operation.py,
      _generate_multipart_body_from_custom_strategies);
    - "invalid" cases whose ``body`` is not text (a number, null, an object, a one-item
      array): schemathesis writes it as text (``-82958``, ``null``, JSON), a valid text part
      that no server can tell from a string. (Arrays of several items become repeated parts,
      which the API refuses, so those cases stay.) Likewise any field that is null: it is
      written as text, or left out of the request altogether; and unknown fields that no
      encoding sends (an empty name, an empty list, an object).
    """
    fields = form_fields(case)
    if fields is None or case.meta is None:
        return True
    body = fields.get("body", NOT_SENT)
    if case.meta.generation.mode.is_positive:
        return bool(body != "")
    if any(value is None for value in fields.values()):
        return False
    if not any(
        _reaches_the_wire(name, value) for name, value in fields.items() if name not in FORM_FIELDS
    ) and len(fields) > len(FORM_FIELDS & set(fields)):
        # Its only unknown fields vanish in encoding (an empty name, an empty list, an
        # object), so the request that is sent may well be valid.
        return False
    if isinstance(body, list):
        return len(body) != 1
    return body is NOT_SENT or isinstance(body, str)
