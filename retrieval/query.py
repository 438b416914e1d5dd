"""Query understanding as matching: which documents a question names, and which named documents are missing.

The corpus states the same kinds of facts every year, so the words of a question alone land on similar passages of
the wrong year. The documents a question names become a metadata filter; a report it names that the corpus lacks is
reported, so the answer stage says so instead of answering from a neighbouring year.

Every document has a profile: title, speaker, date, genre, its opening lines and its closing notes (where it states
its occasion), and the dates and ordinals (plenum, study session, NPC session, anniversary) these state. The question's
references are read by zhtext.documents. A report named by year, issuer or NPC session (2019年政府工作报告, 四川2026年的
政府工作报告, 在十二届全国人大五次会议上所作的政府工作报告) or by congress (十七大报告) is looked up exactly, and is
missing when absent. An occasion (2018年6月中央政治局第六次集体学习时) is scored against every profile — its words
(weighted by how rare they are among the profiles), dates and ordinals that agree — and the documents clearly ahead of
the rest are kept; a date or ordinal that disagrees rules a document out. The first reference names the question's
document; a later one counts only when joined to it (和, 、, 分别): an event the question mentions is not a document.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ingest.store import StoredDocument
from zhtext.documents import (
    ASKS_EACH,
    Anniversary,
    DateMention,
    after_at,
    anniversaries,
    coordinated,
    dates_in,
    names_an_occasion,
    naming_words,
    normalize_naming,
    occasion_notes,
    occasion_spans,
    report_references,
    speech_at,
    wording,
    year_reports,
)
from zhtext.frames import ASKING_AND_PARTICLES
from zhtext.normalize import HAN_CHAR, HAN_RUN
from zhtext.numerals import to_cn
from zhtext.ordinals import (
    CongressMention,
    Plenum,
    congress_mentions,
    npc_session_in,
    npc_sessions,
    plenums,
    study_sessions,
)

NATIONAL, PROVINCIAL, CONGRESS = "政府工作报告", "省级政府工作报告", "党代会报告"
REPORT_GENRES = frozenset({NATIONAL, PROVINCIAL, CONGRESS})
OPENING_CHARS = 300  # the opening lines state the occasion: 向第六届全国人民代表大会第一次会议作政府工作报告
# How an occasion is scored against a profile (_score). A date or ordinal the document states is worth about as much
# as all of the occasion's words; a question's ordinary words rarely reach the threshold on their own.
WORDS_WEIGHT = 4.0  # every word of the occasion in the document's title or notes
ORDINAL_WEIGHT = 3.0  # a plenum, study session, NPC session or anniversary the title or notes state
OPENING_FACTOR = 0.5  # ...stated only in the opening lines, which also mention other meetings (十八届六中全会…)
SPEAKER_WEIGHT = 0.5  # the speaker named: a tie-breaker (one speaker gave most of the speeches)
THRESHOLD = 2.0  # below this the occasion names no document (half its words, or a date and a third of them)
MARGIN = 1.0  # the documents within this of the best are kept
MAX_KEPT = 3  # more than this tie: the occasion does not single a document out


@dataclass
class QueryIntent:
    """What the question says about which documents to search."""

    doc_ids: set[str] | None = None  # a hard filter; None = search everything
    content: str = ""  # the question without its document references: what to search for inside those documents
    references: list[str] = field(default_factory=list)  # the document references recognised, in words
    missing: list[str] = field(default_factory=list)  # references that match no ingested document
    # The question asks each of several documents (two references, one naming several reports: 2017年和2018年的政府
    # 工作报告, or 分别/各): answered document by document. One occasion that two documents match (a speech and a
    # collection whose dates span it) is one document not yet told apart: answered from the best passages of both.
    several: bool = False


@dataclass(frozen=True)
class Cues:
    """The ordinals a text states: plenums, study sessions, NPC sessions (term, session), anniversaries."""

    plenums: tuple[Plenum, ...] = ()
    study_sessions: tuple[int, ...] = ()
    npc: tuple[tuple[int, int], ...] = ()
    anniversaries: tuple[Anniversary, ...] = ()

    @classmethod
    def of(cls, text: str, npc: tuple[tuple[int, int], ...] = ()) -> Cues:
        sessions = tuple((s.term, s.session) for s in npc_sessions(text))
        return cls(tuple(plenums(text)), tuple(study_sessions(text)), sessions + npc, tuple(anniversaries(text)))

    @property
    def stated(self) -> bool:
        return bool(self.plenums or self.study_sessions or self.npc or self.anniversaries)

    def agreements(self, other: Cues) -> list[bool]:
        """For each kind of ordinal this names: whether the other states a matching one (absent kinds are skipped)."""
        pairs = [
            (self.plenums, other.plenums, lambda a, b: a.names(b)),
            (self.study_sessions, other.study_sessions, int.__eq__),
            (self.npc, other.npc, tuple.__eq__),
            (self.anniversaries, other.anniversaries, lambda a, b: a.names(b)),
        ]
        return [any(same(a, b) for a in mine for b in theirs) for mine, theirs, same in pairs if mine and theirs]


@dataclass(frozen=True)
class Profile:
    """What a document says about itself: where a question's naming of it is matched."""

    doc: StoredDocument
    title: str
    own: Cues  # stated in the title or a closing note: the document's own occasion
    opening: Cues  # stated in the opening lines: its occasion, or a meeting it mentions
    dates: tuple[tuple[int, int, int], ...]  # its date, and the dates its title and notes state
    words: dict[str, float]  # character pairs: 1 in the title or notes, OPENING_FACTOR in the opening lines
    speaker: str


def _profile(doc: StoredDocument) -> Profile:
    title = normalize_naming(doc.title)
    stated = title + "\n" + normalize_naming("\n".join(occasion_notes(doc.text)))
    opening = normalize_naming(doc.text[:OPENING_CHARS])
    session = npc_session_in(doc.year) if doc.genre == NATIONAL else None  # delivered at that year's NPC session
    own = Cues.of(stated, ((session.term, session.session),) if session else ())
    dates = [(d.year, d.month, d.day) for d in dates_in(_as_written(doc.date) + "\n" + stated)]
    words = {pair: OPENING_FACTOR for pair in _pairs(opening)} | {pair: 1.0 for pair in _pairs(stated)}
    speaker = doc.speaker.split("（")[0].strip()  # 施小琳（四川省人民政府省长）
    return Profile(doc, title, own, Cues.of(opening), tuple(dates), words, speaker)


def _as_written(iso_date: str) -> str:
    """2019-01-11 → 2019年1月11日, so that the document's date is read like the dates its title and notes state."""
    parts = iso_date.split("-")
    return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日" if len(parts) == 3 else ""


def _pairs(text: str) -> set[str]:
    """The pairs of adjacent Han characters of a name, its dates and ordinals left out."""
    return _runs_pairs(wording(text))


def _runs_pairs(text: str) -> set[str]:
    return {run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)}


def _naming_pairs(text: str, library: Library) -> set[str]:
    """The pairs of the words naming an occasion in a question, without pointers (这篇) and speakers' names."""
    for speaker in library.speakers:
        text = text.replace(speaker, "|")
    return _runs_pairs(naming_words(text))


@dataclass(frozen=True)
class Library:
    """The profiles of the ingested documents and how rare each character pair is among them."""

    profiles: tuple[Profile, ...]
    idf: dict[str, float]
    speakers: frozenset[str]

    def rarity(self, pair: str) -> float:
        """How much a pair of characters tells documents apart; a pair no profile has counts as the rarest (it is
        what an occasion the corpus lacks is called: 中央经济工作会议)."""
        return self.idf.get(pair, math.log(len(self.profiles) or 1))


_LIBRARIES: dict[tuple[tuple[str, str], ...], Library] = {}


def library_of(docs: list[StoredDocument]) -> Library:
    """The profiles of these documents (built once per set of document versions)."""
    key = tuple((d.doc_id, d.content_hash) for d in docs)
    if key not in _LIBRARIES:
        profiles = tuple(_profile(d) for d in docs)
        df = Counter(pair for p in profiles for pair in p.words)
        idf = {pair: math.log(len(profiles) / n) for pair, n in df.items()}
        speakers = frozenset(p.speaker for p in profiles if len(p.speaker) >= 2)
        _LIBRARIES.clear()  # one corpus at a time: the store changes by ingest, not back and forth
        _LIBRARIES[key] = Library(profiles, idf, speakers)
    return _LIBRARIES[key]


@dataclass
class Reference:
    """A document reference of the question at text[start:end]: its names and the documents it matches."""

    start: int
    end: int
    kind: str  # "report", "congress" or "occasion"
    names: list[str]
    docs: set[str]
    missing: list[str] = field(default_factory=list)


def understand(question: str, docs: list[StoredDocument]) -> QueryIntent:
    """Recognise document references and turn them into a filter over the ingested documents."""
    text = normalize_naming(question)
    library = library_of(docs)
    mentions = congress_mentions(text)
    refs = _report_references(text, library) + _year_report_references(text, library)
    refs += _congress_references([m for m in mentions if m.report], library)
    taken = [(r.start, r.end) for r in refs] + [(m.start, m.end) for m in mentions]
    refs += _occasion_references(text, library, taken)
    named = _named(sorted(refs, key=lambda r: r.start), text)
    if not named:  # 十九大提出的…: a congress named bare is the document only when nothing else is
        named = _congress_references([m for m in mentions if not m.time], library)
    return _intent(question, text, named)


def _named(refs: list[Reference], text: str) -> list[Reference]:
    """The first reference names the question's document; a later one only when joined to the one before it or
    when the question asks about each of several documents of its kind. Other references are events."""
    named: list[Reference] = []
    for ref in refs:
        joined = named and coordinated(text[named[-1].end : ref.end])
        if not named or joined or (ASKS_EACH.search(text) and ref.kind == named[0].kind):
            named.append(ref)
    return named


def _intent(question: str, text: str, named: list[Reference]) -> QueryIntent:
    """The named documents as a filter, the names that match nothing as missing, and what to search inside them."""
    intent = QueryIntent()
    chosen: set[str] = set()
    for ref in named:
        intent.references += [n for n in ref.names if n not in intent.references]
        intent.missing += [n for n in ref.missing if n not in intent.missing]
        chosen |= ref.docs
    intent.doc_ids = chosen or None
    several_reports = any(r.kind != "occasion" and len(r.docs) >= 2 for r in named)
    intent.several = len(named) >= 2 or several_reports or bool(ASKS_EACH.search(text))
    intent.content = _content(question, text, named) if chosen else question
    return intent


def _content(question: str, text: str, named: list[Reference]) -> str:
    """Once the documents are known, their names in the question only pull up title pages: search the rest; but
    an occasion's name can hold the topic itself (…会议上提出的新时代党的组织路线): kept when little else is left."""
    reports = [r for r in named if r.kind != "occasion"]
    for refs in (named, reports):
        candidate = text
        for ref in sorted(refs, key=lambda r: -r.start):
            candidate = candidate[: ref.start] + " " + candidate[ref.end :]
        if len(HAN_CHAR.findall(ASKING_AND_PARTICLES.sub("", candidate))) >= 4:
            return candidate
    return question


def _report_references(text: str, library: Library) -> list[Reference]:
    """Government work reports named by year, issuer or NPC session (missing when absent); by speaker alone, the
    speaker's reports (never missing: a speaker named is not a report named)."""
    refs = []
    for found in report_references(text):
        places = found.issuers or ("",)
        if found.years or found.issuers:
            wanted = [(y, p) for y in found.years for p in places] or [(0, p) for p in found.issuers]
            hits = [(f"{f'{y}年' if y else ''}{p}政府工作报告", _reports(library, y, p)) for y, p in wanted]
            missing = [name for name, docs in hits if not docs]
        else:
            speakers = [s for s in sorted(library.speakers) if s in text[: found.end]]
            hits = [(f"{s}的政府工作报告", docs) for s in speakers if (docs := _reports(library, 0, "", s))]
            missing = []
        if hits:
            docs = {d for _, found_docs in hits for d in found_docs}
            refs.append(Reference(found.start, found.end, "report", [name for name, _ in hits], docs, missing))
    return refs


def _year_report_references(text: str, library: Library) -> list[Reference]:
    """Reports named by year only (华国锋1978年报告里): that year's reports of any kind, the speaker's when named;
    never missing, since the kind of report is not said."""
    refs = []
    for year, start, end in year_reports(text):
        speakers = [s for s in library.speakers if s in text[:start]]
        docs = {
            p.doc.doc_id
            for p in library.profiles
            if p.doc.genre in REPORT_GENRES and p.doc.year == year and (not speakers or p.speaker in speakers)
        }
        if docs:
            refs.append(Reference(start, end, "report", [f"{year}年的报告"], docs))
    return refs


def _reports(library: Library, year: int, place: str, speaker: str = "") -> set[str]:
    """Government work reports: of a year (any when 0), of a province (the State Council's when ""), by a speaker
    (of either when a speaker is given)."""
    return {
        p.doc.doc_id
        for p in library.profiles
        if (p.doc.genre == PROVINCIAL and place in p.title if place else p.doc.genre in (NATIONAL, PROVINCIAL))
        and (place or speaker or p.doc.genre == NATIONAL)
        and (not year or p.doc.year == year)
        and (not speaker or p.speaker == speaker)
    }


def _congress_references(mentions: list[CongressMention], library: Library) -> list[Reference]:
    """Congress reports by ordinal (党的十九大报告); missing when absent."""
    refs = []
    for mention in mentions:
        marker, name = f"第{to_cn(mention.n)}次全国代表大会", f"党的{to_cn(mention.n)}大报告"
        docs = {p.doc.doc_id for p in library.profiles if p.doc.genre == CONGRESS and marker in p.title}
        refs.append(Reference(mention.start, mention.end, "congress", [name], docs, [] if docs else [name]))
    return refs


@dataclass(frozen=True)
class Occasion:
    """What a question says about one occasion: its words, dates, ordinals, the kind of document and the speaker."""

    text: str
    kind: str  # 讲话, 说明 or ""
    dates: tuple[DateMention, ...]
    cues: Cues
    words: tuple[str, ...]
    speakers: tuple[str, ...]


def _occasion_references(text: str, library: Library, taken: list[tuple[int, int]]) -> list[Reference]:
    """Each occasion the question names (outside the reports already read), matched against every profile."""
    dates = dates_in(text)
    refs = []
    for span in occasion_spans(text):
        if any(start < span.end <= end for start, end in taken):
            continue  # the occasion of a report already named (在十二届全国人大五次会议上所作的政府工作报告)
        start = max([span.start] + [end for _, end in taken if span.start <= end < span.end])
        named = text[start : span.end]
        npc = tuple(DateMention(s.year, 0, 0, start, span.end) for s in npc_sessions(named) if s.year)
        occasion = Occasion(
            named,
            span.kind,
            tuple(d for d in dates if start <= d.start < span.end) + npc,
            Cues.of(named),
            tuple(sorted(_naming_pairs(after_at(named), library))),
            tuple(s for s in library.speakers if s in text),
        )
        if not (occasion.dates or occasion.cues.stated or names_an_occasion(named)):
            continue  # 这篇讲话, 这次会议: a pointer, not a name
        ref = _match(occasion, library, start, span.end)
        if ref is not None:
            refs.append(ref)
    return refs


def _match(occasion: Occasion, library: Library, start: int, end: int) -> Reference | None:
    """The documents clearly ahead of the rest for this occasion; a commemoration no document is of is missing."""
    wanted = occasion.cues.anniversaries
    if wanted and not any(a.names(b) for a in wanted for p in library.profiles for b in p.own.anniversaries):
        name = speech_at(occasion.text)
        return Reference(start, end, "occasion", [name], set(), [name])
    scores = {p.doc.doc_id: _score(occasion, p, library) for p in library.profiles if not _excludes(occasion, p)}
    best = max(scores.values(), default=0.0)
    kept = [doc_id for doc_id, score in scores.items() if score >= best - MARGIN]
    if best < THRESHOLD or len(kept) > MAX_KEPT:
        return None
    titles = {p.doc.doc_id: p.doc.title for p in library.profiles}
    return Reference(start, end, "occasion", [titles[d] for d in kept], set(kept))


def _excludes(occasion: Occasion, profile: Profile) -> bool:
    """A kind, date or ordinal of the occasion that the document contradicts."""
    if occasion.kind == "讲话" and profile.doc.genre in REPORT_GENRES:
        return True
    if occasion.kind == "说明" and "说明" not in profile.title:
        return True
    if occasion.dates and profile.dates and not any(d.fits(*own) for d in occasion.dates for own in profile.dates):
        return True
    return not all(occasion.cues.agreements(profile.own))


def _score(occasion: Occasion, profile: Profile, library: Library) -> float:
    """Words found (weighted by rarity), the most precise date that agrees, ordinals the document states."""
    total = sum(library.rarity(w) for w in occasion.words)
    found = sum(library.rarity(w) * profile.words.get(w, 0.0) for w in occasion.words)
    score = WORDS_WEIGHT * found / total if total else 0.0
    score += max((d.precision for d in occasion.dates for own in profile.dates if d.fits(*own)), default=0)
    own, opening = occasion.cues.agreements(profile.own), occasion.cues.agreements(profile.opening)
    if any(own):
        score += ORDINAL_WEIGHT * sum(own)
    else:  # the opening lines count half, for and against (they also name meetings the text refers to)
        score += ORDINAL_WEIGHT * OPENING_FACTOR * (2 * sum(opening) - len(opening))
    return score + SPEAKER_WEIGHT * (profile.speaker in occasion.speakers)
