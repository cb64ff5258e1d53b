"""The browsable API in μblog's look: the site's navbar and Bootstrap 5 (vendored, offline)
instead of DRF's stock Bootstrap 3 page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.renderers import BrowsableAPIRenderer

if TYPE_CHECKING:  # rest_framework.views imports the renderers: a cycle at runtime
    from rest_framework.request import Request
    from rest_framework.views import APIView


class UblogBrowsableAPIRenderer(BrowsableAPIRenderer):
    template = "rest/browsable_api.html"

    def get_rendered_html_form(
        self, data: Any, view: APIView, method: str, request: Request
    ) -> Any:
        # Writes go through the raw-data (JSON) form only: DRF's generated HTML forms carry
        # Bootstrap 3 markup with labels tied to no field. DELETE and OPTIONS keep their buttons.
        if method in ("POST", "PUT", "PATCH"):
            return None
        return super().get_rendered_html_form(data, view, method, request)
