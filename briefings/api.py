"""REST API for the published content (filled in by the API issue)."""


def register(router):
    """Add this app's viewsets to the project's router."""
