"""The site's main navigation: ``{% nav_link "briefings:timeline" _("Timeline") %}``; and
``{% cached_url "briefings:faq" %}``, the same as ``{% url %}``, reversed once (every page has a few).

It was an included template per link, nine on every page; as a tag it is one pass per link
(docs/performance.md, "Issue 6: before and after").
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import cached_reverse

register = template.Library()

CURRENT_PAGE = SafeString(' aria-current="page"')
IN_SECTION = SafeString(' aria-current="true"')


@register.simple_tag(takes_context=True)
def nav_link(context, view, label, also=""):
    """A link to ``view``: the current page when the request is for it; "true" on one of ``also`` (its sub-pages)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    if current == view:
        state = CURRENT_PAGE
    elif current and current in also.split():
        state = IN_SECTION
    else:
        state = ""
    return format_html('<li><a href="{}"{}>{}</a></li>', cached_reverse(view), state, label)


@register.simple_tag
def cached_url(view, *args):
    """``{% url view *args %}``, reversed once per URL configuration, script prefix and language (``cached_reverse``)."""
    return cached_reverse(view, *args)
