"""Input formats: each module turns one kind of input into ``desktop.core.records``.

``rest_json`` (with its streaming reader ``jsonstream``) reads what the WordPress REST API returns; ``wxr``
reads the XML that Tools ▸ Export writes; ``site`` copies a live site over the REST API.
"""
