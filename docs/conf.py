"""Sphinx configuration of μblog's documentation site (`nox -s docs`, `make docs`).

MyST Markdown pages under docs/, the Furo theme, no extension that fetches anything: the build
and the pages it writes work offline. `nox -s docs` builds with -W --keep-going -n, so every
warning (a broken link, a missing page, an unknown reference) fails it.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "μblog"
author = "μblog contributors"
copyright = "μblog contributors, MIT licence"

extensions = ["myst_parser", "ublog_docs"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

# Headings up to ### get anchors, so [text](page.md#a-heading) links resolve (and are checked).
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline"]
# Links to files that are not pages (schema.graphql, openapi.yaml) become downloads.
myst_all_links_external = False
nitpicky = True

html_theme = "furo"
html_title = "μblog documentation"
html_static_path = ["_static"]
html_last_updated_fmt = None
# Nothing on a page may come from another host (app/tests/toolkit/test_docs.py checks the HTML).
html_theme_options = {"navigation_with_keys": True}
html_copy_source = False
html_show_sphinx = False
