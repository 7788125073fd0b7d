"""What each command does: parse nothing, make one library call, write bytes.

Heavy modules (pyshacl, rdflib, the web server, the remote client) are imported inside the
command that needs them: ``claimgraph query NAME`` must not pay for the others.
Over 400 lines because it holds the body of every command (12 of them, with their output
choices: tables, cards, reports), each around one library call.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import ClaimgraphError, InputError, QueryRefused
from .loading import load_command

TYPE_CHECKING = False  # typing costs ~2 ms of every cold command; annotations are strings
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "claims_command",
    "export_command",
    "graphs_command",
    "ingest_command",
    "load_command",
    "push_command",
    "queries_command",
    "query_command",
    "serve_command",
    "site_command",
    "show_command",
    "table_width",
    "validate_command",
]


def _store(path: str | None):  # type: ignore[no-untyped-def]
    from ..store import open_store

    return open_store(Path(path) if path else None)


#: Formats whose documents end without a newline; a terminal prompt should not follow on.
_NEWLINE_AFTER = {"json", "jsonld", "xml", "rdfxml"}


def _out(data: bytes, format: str | None = None) -> None:
    if format in _NEWLINE_AFTER and data and not data.endswith(b"\n"):
        data += b"\n"
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _path(value: str | None) -> Path | None:
    return None if value is None else Path(value)


def table_width(wide: bool) -> int | None:
    """The width a table must fit, or None to print it whole.

    Only a terminal gets a fitted table: output to a pipe or file stays byte-identical to what
    it always was, whatever the window. The width is ``shutil.get_terminal_size()``, which reads
    ``COLUMNS`` first, so a test sets ``COLUMNS`` and gives stdout an ``isatty()`` that says yes
    (``CliRunner.invoke(..., tty=True)``).
    """
    if wide or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def queries_command(format: str, wide: bool = False) -> int:
    from .. import api

    found = api.list_queries()
    if format == "json":
        import json

        _out((json.dumps([q.as_dict() for q in found], indent=2) + "\n").encode())
    else:
        _out(api.catalog_table(found, max_width=table_width(wide)).encode())
    return 0


def query_command(
    name: str | None,
    param: list[str] | None,
    sparql: str | None,
    file: str | None,
    format: str,
    store: str | None,
    endpoint: str | None,
    timeout: float | None,
    allow_service: list[str] | None,
    memory: int,
    wide: bool = False,
) -> int:
    from .. import api

    width = table_width(wide)

    values = api.parse_param_options(param or [])
    services = tuple(allow_service or ())
    if name is None and (sparql is None) != (file is None):
        _refuse_update(*api.query_text_from(sparql, _path(file)))
    if endpoint is not None:
        from .. import remote

        _out(
            remote.run_remote_query(
                endpoint,
                name=name,
                sparql=sparql,
                file=_path(file),
                params=values,
                fmt=format,
                timeout=30.0 if timeout is None else timeout,
                allow_service=services,
            ),
            format,
        )
        return 0
    from ..isolate import run_isolated

    def work() -> bytes:
        try:
            return api.run_query(
                _store(store),
                name=name,
                sparql=sparql,
                file=_path(file),
                params=values,
                fmt=format,
                allow_service=services,
                max_width=width,
            )
        except PermissionError:  # the kernel's network block stopped a SERVICE or LOAD
            if services:
                raise
            raise QueryRefused(
                "the query tried to open a network connection; local queries run without "
                "network access unless a host is allowed (--allow-service HOST)"
            ) from None

    # no network for the query unless a SERVICE host is allowed
    limit = 60.0 if timeout is None else timeout
    cap = memory * 2**20 if memory else None
    _out(
        run_isolated(
            work, timeout=limit, block_network=not services, warn_unblocked=True, memory=cap
        ),
        format,
    )
    return 0


def _refuse_update(text: str, source: str) -> None:
    """An update given to ``query`` gets a pointer to where updates run, not a parse error."""
    from ..guard import query_form

    if query_form(text) == "UPDATE":
        raise InputError(
            "this is a SPARQL update; query runs only queries. Updates go through the "
            "endpoint: claimgraph serve --allow-update --token-env VAR, then POST to /update",
            path=None if source == "query" else source,
        )


def claims_command(
    doc: str | None,
    search: str | None,
    kind: str | None,
    voice: str | None,
    format: str,
    store: str | None,
    wide: bool = False,
) -> int:
    from ..claims import list_claims
    from ..isolate import run_isolated
    from ..render import render_result

    width = table_width(wide)

    def work() -> bytes:
        found = list_claims(_store(store), doc=doc, search=search, kind=kind, voice=voice)
        return render_result(found, format, max_width=width)

    _out(run_isolated(work, timeout=60.0), format)
    return 0


def graphs_command(format: str, store: str | None, wide: bool = False) -> int:
    from ..graphs import graph_counts
    from ..table import render_table
    from ..terms import compact

    counts = graph_counts(_store(store))
    if format == "json":
        import json

        rows = [{"graph": g, "triples": n} for g, n in counts]
        _out((json.dumps(rows, indent=2) + "\n").encode())
        return 0
    cells = [(compact(g), str(n)) for g, n in counts]
    # graph names wrap rather than lose their ends: a cut IRI names nothing
    lines = render_table(
        ("graph", "triples"),
        cells,
        max_width=table_width(wide),
        wrap=True,
        shrink=(0,),
        open_last=True,
    )
    lines.append(f"({len(counts)} graph{'s' if len(counts) != 1 else ''})")
    _out(("\n".join(lines) + "\n").encode())
    return 0


def ingest_command(
    essay: str, doc: str | None, output: str | None, report: bool, format: str
) -> int:
    from ..ingest.pipeline import ingest

    done = ingest(essay, doc=doc, out=output)
    r = done.report
    if report:  # the report names both files itself
        body = r.to_json() if format == "json" else r.to_table()
        _out(body.encode("utf-8"))
        return 0
    _say(
        f"wrote {done.draft_path} ({r.candidates} draft claims, {r.citations_found} citations, "
        f"{r.references_parsed} references) and its text {done.text_path}"
    )
    for line in r.missing:
        _say(f"claimgraph: note: missing: {line}")
    return 0


def validate_command(
    format: str,
    data: str | None,
    store: str | None,
    text: list[str] | None = None,
    engine: str = "compiler",
    endpoint: str | None = None,
    timeout: float | None = None,
    doc: str | None = None,
) -> int:
    from .. import api
    from ..isolate import run_isolated

    def rendered(report) -> tuple[bytes, bool, list[str]]:  # type: ignore[no-untyped-def]
        notes = list(getattr(report, "notes", ()))  # auto: the shapes pyshacl validated
        if format == "json":
            return report.to_json().encode(), report.conforms, notes
        if format == "turtle":
            return report.report_turtle, report.conforms, notes
        return report.to_text().encode(), report.conforms, notes

    def work() -> tuple[bytes, bool, list[str]]:
        return rendered(
            api.validate(_store(store), _path(data), text or (), engine=engine, doc=doc)
        )

    if endpoint is not None:
        if data is not None or text or engine != "compiler":
            raise InputError(
                "--endpoint validates the server's graphs with the compiler engine: "
                "--data, --text and --engine auto/pyshacl need a local store"
            )
        from ..remote import RemoteExecutor
        from ..shacl import validate_executor

        remote = RemoteExecutor(endpoint, timeout=30.0 if timeout is None else timeout)
        document = api.document_term(remote, doc) if doc is not None else None
        body, conforms, notes = rendered(validate_executor(remote, doc=document))
    else:
        body, conforms, notes = run_isolated(work)
    for note in notes:
        print(f"claimgraph: {note}", file=sys.stderr)
    _out(body)
    return 0 if conforms else 1


def show_command(claim: str, text: str | None, format: str, store: str | None) -> int:
    from .. import api
    from ..isolate import run_isolated

    def work() -> tuple[bytes, str | None]:
        import pyoxigraph as ox

        from ..binding import resolve_iri
        from ..card import claim_card, read_text
        from ..catalog import Parameter
        from ..sparql import LocalExecutor
        from ..terms import CG
        from ..texts import find_text

        graph = _store(store)
        note = None
        path = _path(text)
        if path is not None and not path.is_file():
            note = f"{path}: no such file; the card is shown without the quoted span"
            path = None
        elif path is None:
            param = Parameter("claim", "iri", "the claim", CG + "Claim")
            iri = resolve_iri(claim, param, LocalExecutor(graph))
            found = find_text(graph, ox.NamedNode(iri))
            path, note = found.path, found.hint
        if format == "json":
            import dataclasses
            import json

            card = claim_card(graph, claim, read_text(path) if path is not None else None)
            body = json.dumps(dataclasses.asdict(card), indent=2, ensure_ascii=False) + "\n"
            return body.encode("utf-8"), note
        return api.show_claim(graph, claim, path).encode("utf-8"), note

    body, note = run_isolated(work)
    _out(body)
    if note:
        _say(f"claimgraph: note: {note}")
    return 0


def export_command(
    graph: str | None, format: str | None, output: str | None, store: str | None
) -> int:
    from .. import api
    from ..isolate import run_isolated

    if output is not None:
        # the child writes a temporary file that is renamed here only once it is complete, and
        # removed if the child fails or is stopped: Ctrl-C never leaves half a file
        from ..export import atomic_target

        with atomic_target(Path(output)) as tmp:
            run_isolated(
                lambda: api.export(_store(store), graph=graph, fmt=format, output=tmp, atomic=False)
            )
            size = os.path.getsize(tmp)
        _say(f"wrote {size} bytes to {output}")
        return 0
    fd = _stdout_fd()
    if fd is None:  # stdout is not a file (captured): the bytes come back through the pipe
        _out(run_isolated(lambda: api.export(_store(store), graph=graph, fmt=format)))
        return 0

    def stream() -> int:  # in the child: straight to stdout, piece by piece
        with os.fdopen(fd, "wb", closefd=False) as out:
            return api.export_into(_store(store), out, graph=graph, fmt=format)

    run_isolated(stream)
    return 0


def _stdout_fd() -> int | None:
    try:
        return sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return None


#: What the ``serve`` extra brings (and what it pulls in): a command that needs one of them
#: and finds it missing says which extra to install instead of a traceback.
_SERVER_EXTRA = frozenset({"starlette", "uvicorn", "httptools", "anyio", "jinja2", "httpx"})


def _server_extra_missing(command: str, e: ModuleNotFoundError) -> None:
    """Raise the one-line hint if ``e`` is a missing part of the server extra."""
    if e.name and e.name.split(".")[0] in _SERVER_EXTRA:
        raise ClaimgraphError(
            f"{command} needs the server extra: pip install 'claimgraph[serve]'"
        ) from None


def serve_command(**options: Any) -> int:
    try:
        # the app mounts the web UI: a missing jinja2 shows here, before anything listens
        from .. import endpoint, web  # noqa: F401
    except ModuleNotFoundError as e:
        _server_extra_missing("serve", e)
        raise
    memory = options["worker_memory"]
    endpoint.run(
        endpoint.ServerConfig(
            store=_path(options["store"]),
            host=options["host"],
            port=options["port"],
            timeout=options["timeout"],
            read_timeout=options["read_timeout"],
            max_rows=options["max_rows"],
            max_body=options["max_body"],
            allow_service=tuple(options["allow_service"] or ()),
            allow_update=options["allow_update"],
            token=options["token"],
            token_env=options["token_env"],
            cors=options["cors"],
            host_names=tuple(options["host_name"] or ()),
            workers=options["workers"],
            worker_memory=memory * 1024**2 if memory > 0 else None,
        )
    )
    return 0


def site_command(output: str, text: str | None, workers: int, store: str | None) -> int:
    try:
        from ..endpoint import ServerConfig
        from ..web.data import ESSAY_ENV
        from ..web.site import build_site
    except ModuleNotFoundError as e:
        _server_extra_missing("site", e)
        raise
    if text is not None:
        import os

        from ..texts import read_named_file

        read_named_file(Path(text), what="--text takes a text file")  # bad input: exit 2 now
        os.environ[ESSAY_ENV] = text  # the pages read the text in this process
    config = ServerConfig(store=_path(store), workers=workers)
    count = build_site(config, Path(output), report=_say)
    _say(f"wrote {count} pages to {output} (open {Path(output) / 'index.html'})")
    return 0


def _prompt(text: str) -> str:
    """Ask for a secret on the terminal, or read one line when stdin is not a terminal."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{text}: ", stream=sys.stderr)
    sys.stderr.write(f"{text}: ")
    sys.stderr.flush()
    line = sys.stdin.readline()
    sys.stderr.write("\n")
    return line.rstrip("\r\n")


def push_command(
    endpoint: str,
    graph: list[str] | None,
    user: str | None,
    password_env: str | None,
    token_env: str | None,
    query_endpoint: str | None,
    timeout: float,
    store: str | None,
) -> int:
    from ..remote import push

    push.push(
        _store(store),
        endpoint,
        graphs=graph,
        user=user,
        password_env=password_env,
        token_env=token_env,
        query_endpoint=query_endpoint,
        timeout=timeout,
        prompt=_prompt,
        report=_say,
    )
    return 0
