"""What every app's API shares: paging, the error answers and the schema class that documents them.

Each app keeps its viewsets in its own ``api.py`` and registers them on the one router of
``sahel_learn/api_urls.py`` (``/api/v1/``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class ErrorSerializer(serializers.Serializer):
    """The body of a 403 or 404 answer."""

    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"year_from": ["Enter a whole number."]},
    },
    description=_("A query parameter has a wrong value: the parameter's name, then what is wrong with it."),
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("The credentials given (a token) are not valid."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such item, or no such page of results."))

# Query parameters every list understands besides its filters.
PAGING_PARAMETERS = ("page", "format")


class Pagination(PageNumberPagination):
    """Fifty to a page (PAGE_SIZE); ``?page=`` without a number is an invalid page like any other."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)


class Schema(AutoSchema):
    """Tags operations by their resource and documents the 400, 403 and 404 answers they can give."""

    def get_tags(self):
        # /api/v1/leaders/{slug}/ is tagged "leaders".
        return self._tokenize_path()[1:2]

    def get_description(self):
        if getattr(self.view, "action", None) == "retrieve":
            name = self.view.model._meta.verbose_name
            return _("One %(name)s, by its slug.") % {"name": name}
        return super().get_description()

    def get_response_serializers(self):
        return {
            200: super().get_response_serializers(),
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
        }


def allow_empty_filters(result, generator, request, public):
    """Schema postprocessing hook: a list's filter given empty is the same as leaving it out.

    That is what an HTML form sends for a field left blank ("All countries"), and the pages and the
    API read a query string the same way. Paging, ``status`` and a search's ``q`` keep their rules.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in (*PAGING_PARAMETERS, "status", "q"):
                    parameter["allowEmptyValue"] = True
    return result
