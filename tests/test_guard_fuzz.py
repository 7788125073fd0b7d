"""Oracle-based fuzzing of the query guard: no generated query reaches a local listener, and no
generated nesting crashes the process that would run it.

The generator mixes what confuses a hand-written lexer: ``<`` and ``>`` as operators and IRI
delimiters, strings of every quoting with escapes, comments, prefixed names with escapes
(``actor:x\\#``, ``ex:a\\'``), ``\\u`` escapes, and a SERVICE (or, for updates, a LOAD) to the
listener somewhere in the middle, spelled in the ways pyoxigraph accepts. The oracle is not the
guard's own opinion but the listener: a connection there is a failure, whatever the query
returned. The CLI path runs in this process (no kernel block: the guard alone must hold); the
endpoint path is one in-process app for the whole module, whose answer must also never be the
502 of a SERVICE that tried and was stopped by the kernel block.

Depth: generated nesting with closers hidden in strings, comments and IRIs goes through the
guard; whatever passes is run by pyoxigraph in a forked child, and a child killed by a signal
(the parser's stack overflow is a SIGSEGV) fails the test without taking pytest with it.

Examples are derandomized, so CI runs the same queries every time; the counts and the time are
printed at the end of the module (``pytest -s``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from claimgraph import api
from claimgraph.endpoint import ServerConfig, create_app
from claimgraph.errors import ClaimgraphError, QueryRefused
from claimgraph.guard import guard_query
from claimgraph.sparql import execute

from ._listener import Listener, listening

TOKEN = "guard-fuzz-token-0123456789abcdef"
SERVICE_EXAMPLES = 2000
LOAD_EXAMPLES = 500
DEPTH_EXAMPLES = 500
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIGURES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_figures(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many queries ran and how long it took in the test summary, also in CI."""
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    counts = ", ".join(f"{k}: {v}" for k, v in FIGURES.items())
    line = f"guard fuzz: {counts}; {took:.1f} s"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{line}", file=sys.stderr)


@pytest.fixture
def listener() -> Iterator[Listener]:
    """One per test, so that a connection counted in one test does not fail the next."""
    with listening() as found:
        yield found


@pytest.fixture(scope="module")
def endpoint() -> Iterator[TestClient]:
    config = ServerConfig(allow_update=True, token=TOKEN, workers=2, timeout=10.0)
    with TestClient(create_app(config), base_url="http://localhost:7878") as client:
        yield client


# ---- the generator --------------------------------------------------------------------------

_STRING_CHARS = st.sampled_from(
    list("ab <>{}()[]#'\"\\;.?$:") + ["\\'", '\\"', "\\\\", "\\n", "\\u0053", "\\u003C", "\n"]
)
_TEXT = st.lists(_STRING_CHARS, max_size=12).map("".join)


@st.composite
def strings(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    body = draw(_TEXT)
    if len(quote) == 1:
        body = body.replace("\n", "")
    closed = draw(st.booleans())
    return quote + body + (quote if closed else "")


_PIECES = st.one_of(
    st.sampled_from(
        [
            "0<1", "?a>?b", "?a < ?b", "1>2", "<=", ">=", "<", ">", "!", "&&", "||", "=",
            "<http://example.org/a>", "<urn:x>", "<http://example.org/SERVICE>", "<>",
            "actor:x\\#", "ex:a\\'", 'ex:a\\"', "ex:b\\>", ":x\\-", "actor:y\\.z", "cg:Claim",
            "\\u0053", "\\u003C", "\\U00000053", "\\u0023", "?s", "?p", "?o", "$x", "?service",
            "{", "}", "(", ")", "[", "]", ".", ";", ",", "a", "1", "true",
            "FILTER(0<1)", "OPTIONAL { ?s ?p ?o }", "BIND(actor:x\\# AS ?q)", "?s ?p ?o .",
            "# SERVICE comment\n", "#", "\n", " ", "'>'", '"<"', "'''x'''",
        ]
    ),
    strings(),
    _TEXT.map(lambda t: "#" + t.replace("\n", "") + "\n"),
)


def _service_clauses(url: str, keyword: str) -> st.SearchStrategy[str]:
    target = f"<{url}>"
    escaped = keyword.replace(keyword[0], f"\\u{ord(keyword[0]):04X}", 1)
    spellings = [
        f"{keyword} {target}", f"{keyword} SILENT {target}", f"{keyword.lower()}{target}",
        f"{escaped} {target}", f"1{keyword} {target}", f"true{keyword}{target}",
        f"{keyword}\n{target}", f"{keyword.title()}  SILENT\t{target}",
    ]
    if keyword == "SERVICE":
        body = st.sampled_from(["{ ?x ?y ?z }", "{}", "{ ?s ?p ?o }"])
        return st.tuples(st.sampled_from(spellings), body).map(" ".join)
    return st.sampled_from(spellings)


_TERMS = st.one_of(
    st.sampled_from(
        [
            "'>'", '"<"', "'#'", "'\\''", '"\\""', '"""a"b"""', "'''a'b'''", "'{'", '"}"',
            "actor:x\\#", "ex:a\\'", 'ex:b\\"', "ex:c\\>", "ex:d\\<", "actor:y\\.z",
            "<http://example.org/a>", "1", "true", "'x\\u0027'", '"\\u0022"', "?o", "?s",
        ]
    ),
    strings(),
)
_EXPRS = st.one_of(
    st.sampled_from(
        ["0<1", "1>0", "?a<?b", "0<1&&2>1", "0 < 1", "!(1>2)", "1<=2", "?s!=?o", "2>=1"]
    ),
    st.tuples(st.sampled_from(["?o<", "?o>", "?o!=", "?o<=", "?o = "]), _TERMS).map("".join),
)


@st.composite
def pattern_elements(draw: st.DrawFn) -> str:
    """A group-pattern element that mostly parses and keeps solutions flowing (so a SERVICE
    after it is evaluated) but that a lexer can misread."""
    sep = draw(st.sampled_from(["", " ", "\n"]))
    kind = draw(st.integers(0, 6))
    if kind == 0:
        triple = sep.join(["?s", "?p", draw(_TERMS)])
        return f"OPTIONAL {{ FILTER({draw(_EXPRS)}){sep}{triple} }}"
    if kind == 1:
        return f"BIND({draw(_TERMS)} AS ?v{draw(st.integers(0, 9))})"
    if kind == 2:
        return f"FILTER({draw(_EXPRS)} || true)"
    if kind == 3:
        return "?s ?p ?o ."
    if kind == 4:
        return "#" + draw(_TEXT).replace("\n", "") + "\n"
    if kind == 5:
        return f"OPTIONAL {{ ?s ?p {draw(_TERMS)} }}"
    return draw(_PIECES)  # raw noise


@st.composite
def queries_reaching_out(draw: st.DrawFn, url: str) -> str:
    before = draw(st.lists(pattern_elements(), max_size=5))
    after = draw(st.lists(pattern_elements(), max_size=5))
    clause = draw(_service_clauses(url, "SERVICE"))
    sep = draw(st.sampled_from([" ", "", "\n"]))
    head = draw(st.sampled_from(["SELECT * WHERE { ", "SELECT ?x WHERE { ", "ASK { ",
                                 "PREFIX ex: <http://example.org/> SELECT * { "]))
    if "ex:" in "".join(before + after) and not head.startswith("PREFIX"):
        head = "PREFIX ex: <http://example.org/> " + head
    tail = draw(st.sampled_from([" }", " } #'", ' } #"', "}"]))
    return head + sep.join([*before, clause, *after]) + tail


@st.composite
def updates_reaching_out(draw: st.DrawFn, url: str) -> str:
    before = draw(st.lists(_PIECES, max_size=6))
    clause = draw(_service_clauses(url, "LOAD"))
    sep = draw(st.sampled_from([" ", "", "\n"]))
    head = draw(st.sampled_from([
        "INSERT DATA { <urn:a> <urn:b> 1 } ;", "CLEAR SILENT GRAPH <urn:g>;",
        "DELETE WHERE { ?s <urn:p> ?o } ;", "",
    ]))
    return head + sep.join([*before, clause]) + draw(st.sampled_from(["", " ; ", " #'"]))


_HIDERS = st.sampled_from(["", "'}}}'", '"))))"', "# ]]]]\n", "<)}>", "'''}'''", "\\u007D"])
_LEVELS = st.sampled_from(
    [("{ ", "}"), ("(", ")"), ("FILTER EXISTS { ", "}"), ("[ <urn:p> ", "]"), ("!", ""),
     ("1+", ""), ("true&&", ""), ("{ SELECT * { ", "} }"), ("OPTIONAL { ", "}"),
     ("1<(", ")"), ("-", ""), ("STR(CONCAT(')))',", "))"), ("COALESCE(", ")"),
     ("FILTER NOT EXISTS { ", "}"), ("FILTER(EXISTS { ", "})"), ("IF(true,", ",1)")]
)


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    opener, closer = draw(_LEVELS)
    levels = draw(st.one_of(st.integers(100, 1000), st.integers(1000, 12000)))
    hider = draw(_HIDERS)
    if opener == "1<(":  # issue 8: the lexer reads "<(((…&&2>" as one IRI
        inner = "1<" + "(" * levels + "1" + ")" * levels + "&&2>1"
        text = f"ASK {{ FILTER({inner}) {hider} }}"
    elif opener in ("(", "!", "1+", "true&&", "-", "COALESCE(", "IF(true,") or "CONCAT" in opener:
        inner = opener * levels + "1" + closer * levels
        text = f"ASK {{ FILTER({inner}) {hider} }}"
    else:
        inner = (opener + hider + " ") * levels + closer * levels
        text = f"ASK {{ {inner} }}"
    return text


# ---- the oracles ----------------------------------------------------------------------------


def _cli_path(text: str, store: ox.Store) -> None:
    try:
        api.run_query(store, sparql=text, fmt="json")
    except ClaimgraphError:
        pass
    except OSError:  # a SERVICE that ran: the listener will show it
        pass


def test_generated_service_queries_never_reach_the_listener(bundled_store, listener, endpoint):
    url = listener.url
    ran = 0

    @settings(FUZZ, max_examples=SERVICE_EXAMPLES)
    @given(text=queries_reaching_out(url))
    def check(text: str) -> None:
        nonlocal ran
        ran += 1
        before = listener.connections  # per example, so that one failure does not fail all
        _cli_path(text, bundled_store)
        assert listener.connections == before, text
        r = endpoint.post("/sparql", content=text.encode("utf-8"),
                          headers={"Content-Type": "application/sparql-query"})
        assert r.status_code != 502, (text, r.text)
        assert listener.connections == before, text

    check()
    FIGURES["service queries"] = ran
    assert ran >= SERVICE_EXAMPLES // 2


def test_generated_load_updates_never_reach_the_listener(listener, endpoint):
    url = listener.url
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    ran = 0

    @settings(FUZZ, max_examples=LOAD_EXAMPLES)
    @given(text=updates_reaching_out(url))
    def check(text: str) -> None:
        nonlocal ran
        ran += 1
        before = listener.connections
        store = ox.Store()
        try:
            guard_query(text, update=True)
        except QueryRefused:
            pass
        else:
            try:
                store.update(text)
            except (SyntaxError, OSError, RuntimeError):
                pass
        assert listener.connections == before, text
        r = endpoint.post("/sparql", content=text.encode("utf-8"), headers=headers)
        assert r.status_code != 502, (text, r.text)
        assert listener.connections == before, text

    check()
    FIGURES["load updates"] = ran
    assert ran >= LOAD_EXAMPLES // 2


def _crashes_when_run(text: str) -> int | None:
    """Run ``text`` past the guard in a forked child; the signal that killed it, if any."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            execute(ox.Store(), text)
        except BaseException:  # noqa: B036 - only a signal counts here
            pass
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else None


def test_generated_deep_nesting_never_crashes(endpoint):
    ran = passed = 0

    @settings(FUZZ, max_examples=DEPTH_EXAMPLES)
    @given(text=deep_nesting())
    def check(text: str) -> None:
        nonlocal ran, passed
        ran += 1
        try:
            guard_query(text)
        except QueryRefused:
            pass
        else:
            passed += 1
            assert _crashes_when_run(text) is None, text[:200]
        r = endpoint.post("/sparql", content=text.encode("utf-8"),
                          headers={"Content-Type": "application/sparql-query"})
        assert r.status_code not in (500, 503), (text[:200], r.text)

    check()
    FIGURES["deep queries"] = ran
    FIGURES["deep queries the guard passed (run, none crashed)"] = passed
    assert ran >= DEPTH_EXAMPLES // 2
