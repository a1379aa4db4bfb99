"""Datasette configuration of the archive: metadata, templates, the plugin and the helpers it uses."""
