"""How an item says what kind of statement it is and which paragraphs it comes from.

``{% kind_label kind label %}``, ``{% cite citations %}`` and ``{% provenance item %}`` write the markup
the includes ``_kind_label.html``, ``_citation.html`` and ``_provenance.html`` wrote, with the same
escaping and the same translated strings. They are rendered once per item in every list (the reader has
46 takeaways, the timeline 40 events, each with a label and citations): as included templates they were
most of the reading pages' time, a few hundred template lookups per item. Built here, each is one pass
(docs/performance.md, "Issue 6: before and after").
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..models import cached_reverse

register = template.Library()


def _translated(message):
    # As {% translate "..." %} renders a literal: the translation is trusted, not escaped.
    return mark_safe(gettext(message))  # noqa: S308 - the translation catalogue is ours


@register.simple_tag
def kind_label(kind, label, bare=False):
    """The item's kind of statement; a link to its explanation unless ``bare`` (the explanations page itself)."""
    hidden = _translated("Kind of statement:")
    if bare:
        return format_html(
            '<span class="kind kind-{}"><span class="visually-hidden">{} </span>{}</span>', kind, hidden, label
        )
    return format_html(
        '<a class="kind kind-{kind}" href="{help}#kind-{kind}"><span class="visually-hidden">{hidden} </span>{label}'
        '<span class="visually-hidden"> ({what})</span></a>',
        kind=kind,
        help=cached_reverse("briefings:labels-help"),
        hidden=hidden,
        label=label,
        what=_translated("what does this label mean?"),
    )


@register.simple_tag
def cite(citations=(), *, citation=None, card_section=None):
    """The "From:" line: a link to each cited paragraph (or to the one ``citation``).

    On a section's card (``card_section``) a paragraph of that section is linked by its anchor on the card.
    """
    if citation:
        citations = [citation]

    def href(paragraph):
        if card_section and paragraph.section_id == card_section.pk:
            return f"#{paragraph.anchor}"
        return paragraph.get_absolute_url()

    links = format_html_join("; ", '<a href="{}">{}</a>', ((href(p), p.label) for p in citations))
    return format_html(
        '<p class="cite">{} {}</p>', _translated("From:"), links or _translated("no paragraph cited yet")
    )


@register.simple_tag
def provenance(item, card_section=None):
    """The item's draft tag (in a preview), kind of statement and citations."""
    draft = format_html('<span class="draft-tag">{}</span>', _translated("Draft")) if item.status == "draft" else ""
    if item.is_from_article:
        source = cite(item.citations.all(), card_section=card_section)
    else:
        source = format_html('<p class="cite">{}</p>', _translated("Not from the article: no paragraph to cite."))
    return format_html(
        '<div class="provenance">{}{}{}</div>', draft, kind_label(item.kind, item.get_kind_display()), source
    )
