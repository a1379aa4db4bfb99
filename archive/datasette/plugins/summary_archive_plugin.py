"""Datasette plugin of the archive (loaded with `--plugins-dir archive/datasette/plugins`).

The hooks live in the `archive.datasette.hooks` module; importing them here registers them.
"""

from archive.datasette.hooks import (  # noqa: F401  (pluggy finds the hooks by name)
    asgi_wrapper, extra_template_vars, filters_from_request, handle_exception, menu_links,
    prepare_connection, register_facet_classes, register_routes, render_cell, startup,
)
