"""The browsable API in μblog's look: the site's navbar and Bootstrap 5 (vendored, offline)
instead of DRF's stock Bootstrap 3 page."""

from rest_framework.renderers import BrowsableAPIRenderer


class UblogBrowsableAPIRenderer(BrowsableAPIRenderer):
    template = "rest/browsable_api.html"

    def get_rendered_html_form(self, data, view, method, request):
        # Writes go through the raw-data (JSON) form only: DRF's generated HTML forms carry
        # Bootstrap 3 markup with labels tied to no field. DELETE and OPTIONS keep their buttons.
        if method in ("POST", "PUT", "PATCH"):
            return None
        return super().get_rendered_html_form(data, view, method, request)
