"""Filters of the quiz pages: durations in words, a countdown's clock, fractions as percents."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(value):
    """A timedelta in words: "1 hour 30 minutes", "45 minutes", "30 seconds"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    if seconds or not parts:
        parts.append(ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds})
    return " ".join(parts)


@register.filter
def clock(seconds):
    """Seconds as a clock: 75 -> "1:15", 3725 -> "1:02:05"."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@register.filter
def percent(value):
    """A percent (66.6700) for reading: "66.67 %", "100 %"."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    shown = number_format(value.to_integral_value() if value == value.to_integral_value() else value, use_l10n=True)
    return _("%(value)s %%") % {"value": shown}


@register.filter
def fraction_percent(value):
    """A fraction from 0 to 1 as a percent: 0.5 -> "50 %"."""
    if value is None:
        return ""
    return percent(Decimal(value) * 100)


@register.filter
def marks(value):
    """A mark without trailing zeros: 1.00 -> "1", 0.5000 -> "0.5"."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        return number_format(value.to_integral_value(), use_l10n=True)
    return number_format(value.normalize(), use_l10n=True)


@register.filter
def number(value):
    """A decimal as typed, without trailing zeros or an exponent: 1486.0000 -> "1486", 2.50 -> "2.5"."""
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.to_integral_value():f}" if value == value.to_integral_value() else f"{value.normalize():f}"


@register.filter
def field_label(form, name):
    """The label of ``form``'s field ``name`` (for listing its errors)."""
    field = form.fields.get(name)
    return field.label if field is not None else ""
