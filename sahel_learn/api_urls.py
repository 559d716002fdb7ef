"""The API: /api/v1/ (one router for every app), its OpenAPI schema and its two documentation pages.

The documentation pages run inline scripts and styles, which the site's Content-Security-Policy
refuses. Their templates (templates/api/) mark those with this request's CSP nonce, and these two
views, only they, add the nonce to the policy. Redoc needs a little more, for its page only:
- Redoc is given the nonce for the <style> elements of its styled-components; one empty <style>
  is still made without it: the hash of the empty string lets that one exist (an empty element
  can only be filled through the CSSOM by scripts the page already trusts);
- the Redoc bundle injects the perfect-scrollbar stylesheet at load time, before our nonce can
  reach it: that stylesheet's hash (Redoc 2.5.4, drf-spectacular-sidecar 2026.10.1);
- its search index runs in a Web Worker made from a blob: URL.
Nothing else is loosened: no 'unsafe-inline', no other origin. (Redoc's footer logo from its CDN
is never requested: static/api/redoc.js keeps its address from the <img>.)
"""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import ValidationError
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from briefings import api as briefings_api
from quizzes import api as quizzes_api
from quizzes import study_api

EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
PERFECT_SCROLLBAR_STYLE_HASH = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"

router = DefaultRouter()
briefings_api.register(router)
quizzes_api.register(router)

swagger_csp = csp_update({"script-src": [NONCE], "style-src": [NONCE]})
redoc_csp = csp_update(
    {
        "script-src": [NONCE],
        "style-src": [NONCE, EMPTY_STYLE_HASH, PERFECT_SCROLLBAR_STYLE_HASH],
        "worker-src": ["'self'", "blob:"],
    }
)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema. drf-spectacular would write any ``?version=`` into the file name of its
    Content-Disposition header (a NUL or a line break there is a 500; a quote adds a parameter). The
    API has one version (DRF's ``ALLOWED_VERSIONS`` names none), so a ``version`` it does not know is
    a 400, and only a known one reaches the response."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        version = request.query_params.get("version")
        if version is not None and version not in (api_settings.ALLOWED_VERSIONS or ()):
            raise ValidationError(
                {"version": [_("This API has only one version: ask for the schema without “version”.")]}
            )


urlpatterns = [
    path("v1/", include(briefings_api.urlpatterns)),
    path("v1/study/", include(study_api.urlpatterns)),
    path("v1/", include(quizzes_api.urlpatterns)),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        swagger_csp(SpectacularSwaggerView.as_view(url_name="schema", template_name="api/swagger_ui.html")),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        redoc_csp(SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")),
        name="redoc",
    ),
]
