"""Learning and relearning steps written as Anki writes them, read into whole minutes. Pure: no database.

The format:

- steps are separated by spaces or commas: ``1m 10m``, ``1, 10``, ``10m 1h 1d``;
- each is a number with an optional unit: ``m`` minutes (the default: ``10`` is ten minutes), ``h``
  hours, ``d`` days; a decimal point is allowed where the step is still whole minutes (``1.5h``);
- every step is at least one minute and at most ``maximum`` minutes; at most ``MAX_STEPS`` steps;
- an empty text is no steps (a new card then goes straight to its first review, as in Anki).

``format_steps`` writes minutes back the way Anki shows them (``1m 10m``, ``1h``, ``1d``), so a
text read and written again reads the same.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_STEPS = 10
UNITS = {"m": 1, "h": 60, "d": 60 * 24}
_STEP = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[mhd]?)", re.IGNORECASE)


class StepsError(ValueError):
    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


def parse_steps(text, *, maximum):
    """The steps of ``text`` in minutes, in order, or raise StepsError saying what is wrong."""
    words = [word for word in re.split(r"[\s,]+", (text or "").strip()) if word]
    if len(words) > MAX_STEPS:
        raise StepsError(_("At most %(count)d steps.") % {"count": MAX_STEPS})
    minutes = []
    for word in words:
        found = _STEP.fullmatch(word)
        if found is None:
            raise StepsError(
                _("“%(step)s” is not a step: write minutes, hours or days, such as “10m”, “1h” or “1d”.")
                % {"step": word}
            )
        try:
            value = Decimal(found["number"]) * UNITS[(found["unit"] or "m").lower()]
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            raise StepsError(_("“%(step)s” is not a step.") % {"step": word}) from None
        if value != value.to_integral_value():
            raise StepsError(_("“%(step)s” is not a whole number of minutes.") % {"step": word})
        if not 1 <= value <= maximum:
            raise StepsError(
                _("“%(step)s” is out of range: each step is from 1 minute to %(maximum)s.")
                % {"step": word, "maximum": format_steps([maximum])}
            )
        minutes.append(int(value))
    return tuple(minutes)


def format_steps(minutes):
    """``[1, 10, 60, 1440]`` -> ``"1m 10m 1h 1d"``: each step in the largest unit it is a whole number of."""
    words = []
    for step in minutes:
        for unit in ("d", "h", "m"):
            if step % UNITS[unit] == 0:
                words.append(f"{step // UNITS[unit]}{unit}")
                break
    return " ".join(words)
