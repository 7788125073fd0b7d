"""The ``claimgraph`` command line.

Each command parses its options and makes one library call (``api.py``); errors of the
:class:`~claimgraph.errors.ClaimgraphError` family and usage errors are turned into one line
``claimgraph: error: …`` on stderr and an exit code in exactly one place, ``_Group.main``.
Results go to stdout alone; messages go to stderr. Heavy modules (pyshacl, rdflib, the web
server) are imported inside the commands that need them, so start-up stays lean.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import ClaimgraphError, Interrupted, QueryRefused

try:  # typer vendors click from 0.20 on
    from typer._click import exceptions as _click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as _click_exc  # type: ignore[no-redef]

__all__ = ["app", "main"]


def _error(message: str, code: int) -> None:
    typer.echo(f"claimgraph: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


class _Group(TyperGroup):
    """Maps every failure to one stderr line and an exit code (2 usage/input, 3 remote)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click turns it into Abort and prints a blank line
            raise Interrupted("interrupted") from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except Interrupted as e:  # Ctrl-C: not an error, but the shell's code for SIGINT (130)
            typer.echo("claimgraph: interrupted", err=True)
            sys.exit(e.exit_code)
        except ClaimgraphError as e:
            _error(str(e), e.exit_code)
        except _click_exc.NoArgsIsHelpError as e:  # bare `claimgraph`: show the help
            typer.echo(e.ctx.get_help() if e.ctx else str(e), err=True)
            sys.exit(2)
        except _click_exc.UsageError as e:
            hint = f" (see 'claimgraph {e.ctx.info_name} --help')" if e.ctx and e.ctx.parent else ""
            _error(f"{e.format_message()}{hint}", e.exit_code)
        except _click_exc.ClickException as e:
            _error(e.format_message(), e.exit_code)
        except typer.Abort:
            _error("aborted", 1)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as e:  # a bug: still one line, with a way to see the traceback
            if os.environ.get("CLAIMGRAPH_DEBUG"):
                raise
            _error(f"unexpected {type(e).__name__}: {e} (set CLAIMGRAPH_DEBUG=1 for details)", 1)
        if standalone:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Turn an argumentative essay into a knowledge graph of claims whose provenance "
    "anyone can check. Without --store, commands work on the bundled essay graph in memory.",
)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="CLAIMGRAPH_STORE",
        help="On-disk store folder (only load creates one, with the bundled graphs). "
        "Default: the bundled graphs in memory.",
        show_default=False,
    ),
]


class ResultFormat(StrEnum):
    default = "default"
    table = "table"
    json = "json"
    xml = "xml"
    csv = "csv"
    tsv = "tsv"
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    rdfxml = "rdfxml"


class ReportFormat(StrEnum):
    text = "text"
    turtle = "turtle"
    json = "json"


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    ntriples = "ntriples"
    jsonld = "jsonld"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _store(path: Path | None):  # type: ignore[no-untyped-def]
    from .store import open_store

    return open_store(path)


def _out(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"claimgraph {__version__}")
        raise typer.Exit()


@app.command("queries")
def queries_command(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")] = ListFormat.table,
) -> None:
    """List the stored queries: name, summary and parameters."""
    from . import api

    found = api.list_queries()
    if fmt == ListFormat.json:
        import json

        _out((json.dumps([q.as_dict() for q in found], indent=2) + "\n").encode())
    else:
        _out(api.catalog_table(found).encode())


@app.command("query")
def query_command(
    name: Annotated[
        str | None, typer.Argument(help="Name of a stored query (see: claimgraph queries).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE; an IRI, a prefixed name or a bare slug."),
    ] = None,
    sparql: Annotated[
        str | None, typer.Option("--sparql", help="Run this SPARQL text instead.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Run the SPARQL in this file instead.")
    ] = None,
    fmt: Annotated[
        ResultFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (default for SELECT/ASK), json, xml, csv, tsv; "
            "turtle (default for CONSTRUCT/DESCRIBE), ntriples, jsonld, rdfxml.",
        ),
    ] = ResultFormat.default,
    store: StoreOption = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Run on this remote SPARQL query URL instead of locally."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0,
            help="Seconds the query may run: default 60 locally (0: no limit), "
            "30 with --endpoint.",
            show_default=False,
        ),
    ] = None,
    allow_service: Annotated[
        list[str] | None,
        typer.Option("--allow-service", help="Host a SERVICE clause may reach (repeatable)."),
    ] = None,
    memory: Annotated[
        int, typer.Option("--memory", min=0, help="Memory cap of a local query in MiB (0: none).")
    ] = 4096,
) -> None:
    """Run a stored query by NAME, or ad-hoc SPARQL with --sparql or --file."""
    from . import api

    values = api.parse_param_options(param or [])
    services = tuple(allow_service or ())
    if endpoint is not None:
        from . import remote

        _out(
            remote.run_remote_query(
                endpoint,
                name=name,
                sparql=sparql,
                file=file,
                params=values,
                fmt=fmt.value,
                timeout=30.0 if timeout is None else timeout,
                allow_service=services,
            )
        )
        return
    from .isolate import run_isolated

    def work() -> bytes:
        try:
            return api.run_query(
                _store(store),
                name=name,
                sparql=sparql,
                file=file,
                params=values,
                fmt=fmt.value,
                allow_service=services,
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
        )
    )


@app.command("load")
def load_command(
    files: Annotated[list[Path], typer.Argument(help="RDF files: .ttl .nt .nq .trig .jsonld .rdf")],
    graph: Annotated[
        str | None, typer.Option("--graph", help="Named graph IRI for the files' triples.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Add RDF files to the on-disk store: all of them or none, even if the load is killed."""
    from . import api

    if store is None:
        raise ClaimgraphError("load needs an on-disk store: --store DIR or CLAIMGRAPH_STORE")
    report = api.load_into(store, files, graph=graph)
    for name, count in report.files:
        typer.echo(f"loaded {count} quads from {name}", err=True)


@app.command("validate")
def validate_command(
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text, turtle or json.")
    ] = ReportFormat.text,
    data: Annotated[
        Path | None, typer.Option("--data", help="Validate this RDF file instead of the store.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Check the graph against the SHACL shapes; exit 1 if it does not conform."""
    from . import api
    from .isolate import run_isolated

    def work() -> tuple[bytes, bool]:
        report = api.validate(_store(store), data)
        if fmt == ReportFormat.json:
            return report.to_json().encode(), report.conforms
        if fmt == ReportFormat.turtle:
            return report.report_turtle, report.conforms
        return report.to_text().encode(), report.conforms

    body, conforms = run_isolated(work)
    _out(body)
    if not conforms:
        raise typer.Exit(1)


@app.command("show")
def show_command(
    claim: Annotated[str, typer.Argument(help="The claim: IRI, prefixed name or slug.")],
    text: Annotated[
        Path | None,
        typer.Option(
            "--text",
            envvar="CLAIMGRAPH_ESSAY",
            help="The essay file, to quote the claim's span (checked by SHA-256).",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Print a provenance card for one claim."""
    from . import api
    from .isolate import run_isolated

    _out(run_isolated(lambda: api.show_claim(_store(store), claim, text).encode("utf-8")))


@app.command("export")
def export_command(
    graph: Annotated[
        str | None, typer.Option("--graph", help="Export only this named graph.")
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="turtle (default with --graph), trig (default), nquads, ntriples, jsonld.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export all graphs, or one, byte-stably (sorted, fixed prefixes)."""
    from . import api
    from .isolate import run_isolated

    # the child only serialises; the file is written here, so Ctrl-C never leaves half of one
    data = run_isolated(
        lambda: api.export(_store(store), graph=graph, fmt=fmt.value if fmt else None)
    )
    if output is None:
        _out(data)
    else:
        from .export import write_atomic

        write_atomic(output, data)
        typer.echo(f"wrote {len(data)} bytes to {output}", err=True)


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port).")] = 7878,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = 10.0,
    read_timeout: Annotated[
        float, typer.Option("--read-timeout", help="Seconds a client has to send a request.")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Rows (or triples) per result at most.")
    ] = 10000,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Request body bytes at most.")
    ] = 1_048_576,
    allow_service: Annotated[
        list[str] | None,
        typer.Option("--allow-service", help="Host SERVICE or LOAD may reach (repeatable)."),
    ] = None,
    allow_update: Annotated[
        bool, typer.Option("--allow-update", help="Accept SPARQL updates (with a bearer token).")
    ] = False,
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Environment variable holding the token.")
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", help="The update token (prefer --token-env).")
    ] = None,
    cors: Annotated[
        str | None, typer.Option("--cors", help="Origin allowed to call from a browser.")
    ] = None,
    host_name: Annotated[
        list[str] | None,
        typer.Option("--host-name", help="Extra name clients may use in Host (repeatable)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Query worker processes.")] = 2,
    worker_memory: Annotated[
        int, typer.Option("--worker-memory", help="Memory cap per worker in MiB (0: none).")
    ] = 2048,
) -> None:
    """Serve a SPARQL 1.1 endpoint and the stored queries as a web API (read-only by default)."""
    from . import server

    server.run(
        server.ServerConfig(
            store=store,
            host=host,
            port=port,
            timeout=timeout,
            read_timeout=read_timeout,
            max_rows=max_rows,
            max_body=max_body,
            allow_service=tuple(allow_service or ()),
            allow_update=allow_update,
            token=token,
            token_env=token_env,
            cors=cors,
            host_names=tuple(host_name or ()),
            workers=workers,
            worker_memory=worker_memory * 1024**2 if worker_memory > 0 else None,
        )
    )


@app.command("push")
def push_command(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            show_default=False,
            help="Graph Store Protocol URL "
            "(Oxigraph: http://HOST:7878/store, Fuseki: http://HOST:3030/DATASET/data).",
        ),
    ],
    graph: Annotated[
        list[str] | None,
        typer.Option("--graph", help="Push only this named graph (repeatable). Default: all."),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="User name for HTTP Basic auth.")
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            help="Environment variable holding the password (default with --user: ask for it).",
        ),
    ] = None,
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Environment variable holding a bearer token.")
    ] = None,
    query_endpoint: Annotated[
        str | None,
        typer.Option(
            "--query-endpoint",
            help="SPARQL query URL to count each graph on afterwards; a difference exits with 1.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for the server.")
    ] = 30.0,
    store: StoreOption = None,
) -> None:
    """Upload the store's named graphs to a SPARQL server, one PUT per graph (replacing it)."""
    from .remote import push

    push.push(
        _store(store),
        endpoint,
        graphs=graph,
        user=user,
        password_env=password_env,
        token_env=token_env,
        query_endpoint=query_endpoint,
        timeout=timeout,
        prompt=lambda text: typer.prompt(text, hide_input=True, err=True),
        report=lambda line: typer.echo(line, err=True),
    )


def main() -> None:
    """Console-script entry point."""
    app()
