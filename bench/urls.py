from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The floor: a Django view that touches no database and no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("sahel_learn.urls")),
]
