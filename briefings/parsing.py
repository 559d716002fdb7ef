"""Parse the article's plain text into sections, paragraphs, FAQ pairs and sources.

Pure functions, no database. The format, as the article uses it: the first line is the title,
the second the standfirst (kept as a section of kind ``standfirst``, slug ``standfirst``, number 0,
whose one paragraph has the anchor ``<article-slug>-standfirst`` so items can cite it); a heading is a short line with no closing punctuation; every other
non-empty line is one paragraph. Under a "Frequently Asked Questions" heading each paragraph is
``Q: ... A: ...``; under a "Sources" heading each ``- `` line is one source, ``Title - what it
covers``. Body paragraph anchors are ``<section-slug>-p<N>``.

Limits, so bad input is refused before any database work: a file of at most ``MAX_FILE_BYTES``,
at most ``MAX_SECTIONS`` sections and ``MAX_PARAGRAPHS_PER_SECTION`` paragraphs in each.

The parser also finds dates and numbers in sentences, for the importer to propose as draft
timeline events and key figures. It leaves out what is not an event or a figure: a year inside
a proper name ("Global Terrorism Index 2024", "Freedom House's 2024 report"), the ends of a
window ("between January 2024 and March 2025", "since 2021"), a denominator ("per 1,000"), an
age ("36-year-old", "at age 37"). A number keeps its hedge ("an estimated", "perhaps",
"approximately") as its qualifier, and a hedged or attributed number is classified as a claim
(someone else's estimate) or analysis (the author's own), not as a fact.
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

    # The standfirst's paragraph has an anchor of its own, not "<slug>-p1".
    fixed_anchor: str = ""

    def anchor(self, paragraph):
        return self.fixed_anchor or f"{self.slug}-p{paragraph.number}"


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
    standfirst_section: ParsedSection | None = None

    def all_sections(self):
        """Every section to store: the standfirst's (if any) first, then the article's headings."""
        return [self.standfirst_section, *self.sections] if self.standfirst_section else list(self.sections)

    def body_paragraphs(self):
        for section in self.sections:
            if section.kind == "body":
                for paragraph in section.paragraphs:
                    yield section, paragraph


HEADING_MAX_LENGTH = 80
MAX_FILE_BYTES = 2_000_000
MAX_SECTIONS = 200
MAX_PARAGRAPHS_PER_SECTION = 500
STANDFIRST_SLUG = "standfirst"
CLOSING_PUNCTUATION = tuple('.!?:;,"”’)…')
FAQ_LINE = re.compile(r"^Q:\s*(?P<question>.+?)\s+A:\s*(?P<answer>.+)$", re.DOTALL)


def read_source(path, *, limit=MAX_FILE_BYTES):
    """Read a file as UTF-8 text, at most ``limit`` bytes, or raise a clear error."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise BriefingFormatError("the file does not exist", path=path) from None
    except IsADirectoryError:
        raise BriefingFormatError("this is a directory, not a text file", path=path) from None
    except OSError as error:
        raise BriefingFormatError(f"the file cannot be read ({error.strerror})", path=path) from None
    if len(raw) > limit:
        raise BriefingFormatError(f"the file is larger than {limit:,} bytes", path=path)
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
    used_slugs: set[str] = {STANDFIRST_SLUG} if standfirst else set()
    for line_number, row in rest:
        if is_heading(row):
            if len(sections) == MAX_SECTIONS:
                raise BriefingFormatError(
                    f"more than {MAX_SECTIONS} section headings; an article has at most {MAX_SECTIONS}",
                    path=path,
                    line=line_number,
                )
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
            if len(current.paragraphs) == MAX_PARAGRAPHS_PER_SECTION:
                raise BriefingFormatError(
                    f"the section “{current.title}” has more than {MAX_PARAGRAPHS_PER_SECTION} paragraphs; "
                    f"a section has at most {MAX_PARAGRAPHS_PER_SECTION}",
                    path=path,
                    line=line_number,
                )
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
    standfirst_section = None
    if standfirst:
        standfirst_section = ParsedSection(
            number=0,
            title="Standfirst",
            slug=STANDFIRST_SLUG,
            kind="standfirst",
            line=lines[1][0],
            paragraphs=[ParsedParagraph(number=1, text=standfirst, line=lines[1][0])],
            fixed_anchor=f"{slug}-standfirst",
        )
    return ParsedArticle(
        title=title,
        slug=slug,
        standfirst=standfirst,
        full_text=text,
        checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sections=sections,
        faqs=faqs,
        sources=sources,
        standfirst_section=standfirst_section,
    )


# --- Dates and numbers in sentences, for the importer's proposals ---------------------------

MONTHS = {name: index for index, name in enumerate(calendar.month_name) if name}
MONTH_NAMES = "|".join(MONTHS)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
DATE_EXPR = rf"(?:(?:{MONTH_NAMES}) (?:\d{{1,2}}, )?)?(?:19|20)\d\d"
# The ends of a window are not events: "between January 2024 and March 2025", "since 2021".
WINDOW = re.compile(rf"\bbetween {DATE_EXPR} and {DATE_EXPR}\b|\b[Ss]ince {DATE_EXPR}\b")
SPAN = re.compile(r"\bfrom (?P<start>(?:19|20)\d\d) to (?P<end>(?:19|20)\d\d)\b")
DAY_DATE = re.compile(rf"\b(?P<month>{MONTH_NAMES}) (?P<day>\d{{1,2}}), (?P<year>(?:19|20)\d\d)\b")
MONTH_DATE = re.compile(rf"\b(?P<month>{MONTH_NAMES}) (?P<year>(?:19|20)\d\d)\b")
YEAR_DATE = re.compile(r"(?<![\d,.$])(?P<year>(?:19|20)\d\d)(?![\d%]|-year)")
# A year right after a capitalised name is part of the name: "Global Terrorism Index 2024",
# "Freedom House’s 2024 report". Capitalised prepositions ("In 2023") are not names.
NAME_BEFORE = re.compile(r"\b(?P<word>[A-Z][\w-]*)(?:[’']s)? $")
NOT_NAMES = {"In", "By", "Since", "From", "Until", "Before", "After", "During", "Of", "Through", "To"}
NUMBER = re.compile(
    r"(?P<dollar>\$)?(?<![\w.])(?P<low>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:(?:\s?[-–]\s?|\s+to\s+)(?P<high>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))?"
    r"(?P<percent>%)?(?:\s+(?P<scale>billion|million))?"
)
SCALES = {"billion": Decimal(10**9), "million": Decimal(10**6)}
# What a number is not: a denominator ("per 1,000"), an age ("36-year-old", "at age 37").
DENOMINATOR_BEFORE = re.compile(r"\bper $")
AGE_BEFORE = re.compile(r"\b(?:age|aged) $")
AGE_AFTER = re.compile(r"^-year-old\b")
# The hedge written just before a number, kept as the figure's qualifier.
QUALIFIER_BEFORE = re.compile(
    r"\b(?P<qualifier>an estimated|estimated|perhaps|approximately|about|around|roughly|nearly|almost"
    r"|at least|more than|fewer than|less than|up to|some)\s+$",
    re.IGNORECASE,
)
# The author's own hedge or reckoning makes a number analysis; someone else's estimate a claim.
ANALYSIS_QUALIFIERS = {"perhaps"}
ANALYSIS_WORDS = re.compile(r"\b(?:perhaps|probably|would|could|might)\b", re.IGNORECASE)
CLAIM_WORDS = re.compile(
    r"\b(?:estimated|estimates?|according to|suggests?|depending on|reportedly|claims?|alleged(?:ly)?)\b",
    re.IGNORECASE,
)
LEADING_CONNECTIVE = re.compile(r"^(?:But|And|Yet|So|Still|Instead),?\s+(?=\w)")


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
    qualifier: str = ""
    kind: str = "fact"


def split_sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _cut(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def proposal_title(sentence, match, limit):
    """A title for what ``match`` states: the sentence's start, or the words around it when it comes late.

    Without a leading "But" or "And", starting with a capital, at most ``limit`` characters.
    """
    title = LEADING_CONNECTIVE.sub("", sentence, count=1)
    title = title[:1].upper() + title[1:]
    at = title.find(match)
    if at == -1 or at + len(match) <= limit - 1:
        return _cut(title, limit)
    start = title.rfind(" ", 0, max(at - limit // 3, 0)) + 1
    return "…" + _cut(title[start:], limit - 1)


def _in_a_name(sentence, start):
    before = NAME_BEFORE.search(sentence[:start])
    return before is not None and before["word"] not in NOT_NAMES and before["word"] not in MONTHS


def find_dates(text):
    """Dates of events as the text states them: day, month or year precision, and "from X to Y" spans.

    Not events: a year inside a proper name, and the ends of a window ("between ... and ...",
    "since ...").
    """
    mentions = []
    for sentence in split_sentences(text):
        taken: list[tuple[int, int]] = [match.span() for match in WINDOW.finditer(sentence)]

        def free(match, taken=taken):
            return all(match.end() <= a or match.start() >= b for a, b in taken)

        for match in SPAN.finditer(sentence):
            start, end = int(match["start"]), int(match["end"])
            if end >= start and free(match):
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
                if not _in_a_name(sentence, match.start()):
                    mentions.append(
                        DateMention(datetime.date(int(match["year"]), 1, 1), "year", None, sentence, match[0])
                    )
    return mentions


def _to_decimal(raw):
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


def _kind_of_number(sentence, qualifier):
    if qualifier.lower() in ANALYSIS_QUALIFIERS or ANALYSIS_WORDS.search(sentence):
        return "analysis"
    if CLAIM_WORDS.search(sentence):
        return "claim"
    return "fact"


def find_numbers(text):
    """Quantities in sentences, with their hedge and kind of statement.

    Not quantities: years, the day of a date, a denominator ("per 1,000"), an age.
    """
    mentions = []
    for sentence in split_sentences(text):
        dates = [m.span() for m in DAY_DATE.finditer(sentence)] + [m.span() for m in MONTH_DATE.finditer(sentence)]
        for match in NUMBER.finditer(sentence):
            if any(a <= match.start() < b for a, b in dates):
                continue
            before, after = sentence[: match.start()], sentence[match.end() :]
            if DENOMINATOR_BEFORE.search(before) or AGE_BEFORE.search(before) or AGE_AFTER.match(after):
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
            hedge = QUALIFIER_BEFORE.search(before)
            qualifier = hedge["qualifier"] if hedge else ""
            mentions.append(
                NumberMention(
                    low, high, unit, sentence, match[0].strip(), qualifier, _kind_of_number(sentence, qualifier)
                )
            )
    return mentions
