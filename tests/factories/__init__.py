"""Test data, one module per domain (``factories.facilities``, ``factories.directory`` …), made the
way staff make it: through the domain's services where one exists, and committed, so that pages,
other connections and a live server see it. The model is Indico's
``indico/testing/fixtures/rb.py`` ``create_room``: one place that knows how to make a room."""
