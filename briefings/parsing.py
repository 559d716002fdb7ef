"""Parse the article's plain text into sections, paragraphs, FAQ pairs and sources.

Pure functions, no database. The format, as the article uses it: the first line is the title,
the second the standfirst; a heading is a short line with no closing punctuation; every other
non-empty line is one paragraph. Under a "Frequently Asked Questions" heading each paragraph is
``Q: ... A: ...``; under a "Sources" heading each ``- `` line is one source, ``Title - what it
covers``. The parser also finds dates and numbers in sentences, for the importer to propose as
draft timeline events and key figures.
"""

import calendar
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify


class BriefingFormatError(ValueError):
    """The input cannot be imported; names the file and line."""

    def __init__(self, message, *, path="", line=None):
        self.message = message
        self.path = str(path)
        self.line = line
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")


@dataclass
class ParsedParagraph:
    number: int
    text: str
    line: int


@dataclass
class ParsedSection:
    number: int
    title: str
    slug: str
    kind: str
    line: int
    paragraphs: list[ParsedParagraph] = field(default_factory=list)

    def anchor(self, paragraph):
        return f"{self.slug}-p{paragraph.number}"


@dataclass
class ParsedFaq:
    question: str
    answer: str
    section: ParsedSection
    paragraph: ParsedParagraph


@dataclass
class ParsedSource:
    title: str
    description: str
    section: ParsedSection
    paragraph: ParsedParagraph


@dataclass
class ParsedArticle:
    title: str
    slug: str
    standfirst: str
    full_text: str
    checksum: str
    sections: list[ParsedSection]
    faqs: list[ParsedFaq]
    sources: list[ParsedSource]

    def body_paragraphs(self):
        for section in self.sections:
            if section.kind == "body":
                for paragraph in section.paragraphs:
                    yield section, paragraph


HEADING_MAX_LENGTH = 80
CLOSING_PUNCTUATION = tuple('.!?:;,"”’)…')
FAQ_LINE = re.compile(r"^Q:\s*(?P<question>.+?)\s+A:\s*(?P<answer>.+)$", re.DOTALL)


def read_source(path):
    """Read the article file as UTF-8 text, or raise a clear error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BriefingFormatError("the file does not exist", path=path) from None
    except IsADirectoryError:
        raise BriefingFormatError("this is a directory, not a text file", path=path) from None
    except OSError as error:
        raise BriefingFormatError(f"the file cannot be read ({error.strerror})", path=path) from None
    if b"\x00" in raw:
        raise BriefingFormatError("this is a binary file, not UTF-8 text", path=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BriefingFormatError("the text is not valid UTF-8", path=path, line=line) from None


def is_heading(line):
    text = line.strip()
    return (
        0 < len(text) <= HEADING_MAX_LENGTH
        and text[0].isalpha()
        and text[0].isupper()
        and not text.endswith(CLOSING_PUNCTUATION)
        and not text.startswith(("Q:", "- "))
    )


def section_kind(title):
    lowered = title.lower()
    if "frequently asked" in lowered or lowered.startswith("faq"):
        return "faq"
    if lowered.startswith("sources"):
        return "sources"
    return "body"


def parse_article(text, *, path=""):
    """Parse the article's text; raise ``BriefingFormatError`` when it cannot be imported."""
    if not text.strip():
        raise BriefingFormatError("the file is empty", path=path)
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, row in enumerate(rows, 1):
        if any((ord(ch) < 32 and ch != "\t") or ch in "\x7f\x85\u2028\u2029" for ch in row):
            raise BriefingFormatError(
                "the text contains control characters; is this a binary file?", path=path, line=number
            )
    lines = [(number, row.strip()) for number, row in enumerate(rows, 1) if row.strip()]
    title_line, title = lines[0]
    if len(title) > 300:
        raise BriefingFormatError(
            "the first line should be the title (300 characters at most)", path=path, line=title_line
        )
    rest = lines[1:]
    standfirst = ""
    if rest and not is_heading(rest[0][1]):
        standfirst = rest[0][1]
        rest = rest[1:]
    if not rest or not any(is_heading(row) for _, row in rest):
        raise BriefingFormatError(
            "no section headings found (a heading is a short line without closing punctuation)",
            path=path,
            line=rest[0][0] if rest else title_line,
        )
    if not is_heading(rest[0][1]):
        raise BriefingFormatError(
            "text before the first section heading; the first two lines are the title and standfirst",
            path=path,
            line=rest[0][0],
        )

    sections: list[ParsedSection] = []
    used_slugs: set[str] = set()
    for line_number, row in rest:
        if is_heading(row):
            slug = slugify(row) or f"section-{len(sections) + 1}"
            base, suffix = slug, 2
            while slug in used_slugs:
                slug, suffix = f"{base}-{suffix}", suffix + 1
            used_slugs.add(slug)
            sections.append(
                ParsedSection(
                    number=len(sections) + 1, title=row, slug=slug[:100], kind=section_kind(row), line=line_number
                )
            )
        else:
            current = sections[-1]
            current.paragraphs.append(ParsedParagraph(number=len(current.paragraphs) + 1, text=row, line=line_number))

    for section in sections:
        if not section.paragraphs:
            raise BriefingFormatError(f"the section “{section.title}” has no paragraphs", path=path, line=section.line)

    faqs, sources = [], []
    for section in sections:
        if section.kind == "faq":
            for paragraph in section.paragraphs:
                match = FAQ_LINE.match(paragraph.text)
                if not match:
                    raise BriefingFormatError(
                        "a line under the FAQ heading must read “Q: question A: answer”", path=path, line=paragraph.line
                    )
                faqs.append(ParsedFaq(match["question"].strip(), match["answer"].strip(), section, paragraph))
        elif section.kind == "sources":
            for paragraph in section.paragraphs:
                if paragraph.text.startswith("- "):
                    name, _, description = paragraph.text[2:].partition(" - ")
                    sources.append(ParsedSource(name.strip(), description.strip(), section, paragraph))

    slug = slugify(title)[:100] or "briefing"
    return ParsedArticle(
        title=title,
        slug=slug,
        standfirst=standfirst,
        full_text=text,
        checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=sections,
        faqs=faqs,
        sources=sources,
    )


# --- Dates and numbers in sentences, for the importer's proposals ---------------------------

MONTHS = {name: index for index, name in enumerate(calendar.month_name) if name}
MONTH_NAMES = "|".join(MONTHS)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
SPAN = re.compile(r"\bfrom (?P<start>(?:19|20)\d\d) to (?P<end>(?:19|20)\d\d)\b")
DAY_DATE = re.compile(rf"\b(?P<month>{MONTH_NAMES}) (?P<day>\d{{1,2}}), (?P<year>(?:19|20)\d\d)\b")
MONTH_DATE = re.compile(rf"\b(?P<month>{MONTH_NAMES}) (?P<year>(?:19|20)\d\d)\b")
YEAR_DATE = re.compile(r"(?<![\d,.$])(?P<year>(?:19|20)\d\d)(?![\d%]|-year)")
NUMBER = re.compile(
    r"(?P<dollar>\$)?(?<![\w.])(?P<low>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:(?:\s?[-–]\s?|\s+to\s+)(?P<high>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))?"
    r"(?P<percent>%)?(?:\s+(?P<scale>billion|million))?"
)
SCALES = {"billion": Decimal(10**9), "million": Decimal(10**6)}


@dataclass
class DateMention:
    date: datetime.date
    precision: str
    end_date: datetime.date | None
    sentence: str
    match: str


@dataclass
class NumberMention:
    value: Decimal
    value_high: Decimal | None
    unit: str
    sentence: str
    match: str


def split_sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def find_dates(text):
    """Dates as the text states them: day, month or year precision, and "from X to Y" spans."""
    mentions = []
    for sentence in split_sentences(text):
        taken: list[tuple[int, int]] = []

        def free(match, taken=taken):
            return all(match.end() <= a or match.start() >= b for a, b in taken)

        for match in SPAN.finditer(sentence):
            start, end = int(match["start"]), int(match["end"])
            if end >= start:
                taken.append(match.span())
                mentions.append(
                    DateMention(datetime.date(start, 1, 1), "year", datetime.date(end, 1, 1), sentence, match[0])
                )
        for match in DAY_DATE.finditer(sentence):
            if not free(match):
                continue
            try:
                value = datetime.date(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
            except ValueError:
                continue
            taken.append(match.span())
            mentions.append(DateMention(value, "day", None, sentence, match[0]))
        for match in MONTH_DATE.finditer(sentence):
            if free(match):
                taken.append(match.span())
                mentions.append(
                    DateMention(
                        datetime.date(int(match["year"]), MONTHS[match["month"]], 1), "month", None, sentence, match[0]
                    )
                )
        for match in YEAR_DATE.finditer(sentence):
            if free(match):
                taken.append(match.span())
                mentions.append(DateMention(datetime.date(int(match["year"]), 1, 1), "year", None, sentence, match[0]))
    return mentions


def _to_decimal(raw):
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


def find_numbers(text):
    """Quantities in sentences (not years, not the day of a date)."""
    mentions = []
    for sentence in split_sentences(text):
        dates = [m.span() for m in DAY_DATE.finditer(sentence)] + [m.span() for m in MONTH_DATE.finditer(sentence)]
        for match in NUMBER.finditer(sentence):
            if any(a <= match.start() < b for a, b in dates):
                continue
            low, high = _to_decimal(match["low"]), _to_decimal(match["high"]) if match["high"] else None
            if low is None or (match["high"] and high is None):
                continue
            plain_year = (
                not match["dollar"]
                and not match["percent"]
                and not match["scale"]
                and "," not in match["low"]
                and "." not in match["low"]
                and 1900 <= low <= 2099
            )
            if plain_year:
                continue
            scale = SCALES.get(match["scale"] or "", Decimal(1))
            low *= scale
            if high is not None:
                high *= scale
                if high < low:
                    continue
            unit = "%" if match["percent"] else "USD" if match["dollar"] else ""
            mentions.append(NumberMention(low, high, unit, sentence, match[0].strip()))
    return mentions
