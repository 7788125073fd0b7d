"""The commands, their options, help and examples: the one table the CLI is built from.

Query format choices come from :mod:`claimgraph.formats`, the one registry (plus the CLI's
``default``, which picks table or Turtle by query form). Export keeps its own list: it writes
only the byte-stable serialisations (no RDF/XML).

It is over 400 lines because it is data, one entry per command with its options, metavars and
example: the one listing that the parser, the help and the README test all read.
"""

from __future__ import annotations

from .. import formats
from .spec import Argument, Command, Opt

__all__ = ["COMMANDS", "DESCRIPTION"]

DESCRIPTION = (
    "Turn an argumentative essay into a knowledge graph of claims whose provenance anyone can "
    "check. Without --store, commands work on the bundled essay graph in memory."
)

STORE = Opt(
    ("--store",),
    "On-disk store folder (only load creates one, with the bundled graphs). "
    "Default: the bundled graphs in memory.",
    metavar="DIR",
    envvar="CLAIMGRAPH_STORE",
)

RESULT_FORMATS = ("default", *formats.names("text", "results", "graph"))
EXPORT_FORMATS = ("turtle", "trig", "nquads", "ntriples", "jsonld")
LOAD_FORMATS = tuple(formats.names("graph", "dataset"))
#: --format for load also takes the registry's aliases (nt, ttl, ...), as query's format= does.
LOAD_CHOICES = LOAD_FORMATS + tuple(
    a for f in formats.FORMATS if f.name in LOAD_FORMATS for a in f.aliases
)

WIDE = Opt(
    ("--wide",),
    "Print tables whole; on a terminal they are fitted to its width (long labels cut).",
    metavar=None,
    default=False,
)


def _choice(names: tuple[str, ...]) -> str:
    return "[" + "|".join(names) + "]"


COMMANDS: tuple[Command, ...] = (
    Command(
        "claims",
        "List the claims, or search them: by document, text, kind or voice.",
        "claimgraph claims --search enlargement --kind interpretive --voice reported",
        "claims_command",
        (
            Opt(("--doc",), "Only the claims of this document (IRI, prefixed name or slug).",
                metavar="DOC"),
            Opt(("--search",), "Only claims whose label contains this text (any case).",
                metavar="TEXT"),
            Opt(("--kind",), "Only claims of this kind (one of their kinds): factual, "
                "interpretive, normative, predictive or ctype:NAME.", metavar="KIND"),
            Opt(("--voice",), "Only the author's own claims (author), reported speech "
                "(reported), or the claims this actor asserts (IRI, prefixed name or slug).",
                metavar="VOICE"),
            Opt(
                ("--format", "-f"),
                "table, json, xml, csv or tsv.",
                metavar="[table|json|xml|csv|tsv]",
                default="table",
                choices=("table", "json", "xml", "csv", "tsv"),
            ),
            WIDE,
            STORE,
        ),
    ),
    Command(
        "export",
        "Export all graphs, or one, byte-stably (sorted, fixed prefixes).",
        "claimgraph export --graph cgg:ontology -f turtle -o ontology.ttl",
        "export_command",
        (
            Opt(("--graph",), "Export only this named graph.", metavar="IRI"),
            Opt(
                ("--format", "-f"),
                "turtle (default with --graph), trig (default), nquads, ntriples, jsonld.",
                metavar=_choice(EXPORT_FORMATS),
                choices=EXPORT_FORMATS,
            ),
            Opt(("--output", "-o"), "Write to this file.", metavar="FILE"),
            STORE,
        ),
    ),
    Command(
        "graphs",
        "List the store's named graphs with their triple counts.",
        "claimgraph graphs --store ./store",
        "graphs_command",
        (
            Opt(
                ("--format", "-f"),
                "table or json.",
                metavar="[table|json]",
                default="table",
                choices=("table", "json"),
            ),
            WIDE,
            STORE,
        ),
    ),
    Command(
        "ingest",
        "Draft a claim graph from a new essay (text or saved HTML page), for an analyst to "
        "curate: writes DRAFT.ttl and, beside it, DRAFT.txt, the text its anchors point into.",
        "claimgraph ingest essay.txt --doc my-essay -o my-essay.ttl --report",
        "ingest_command",
        (
            Opt(("--doc",), "The document's slug, in its IRI (…/id/doc/SLUG). Default: from "
                "the file name.", metavar="SLUG"),
            Opt(("--output", "-o"), "Write the draft here (.ttl, or .trig); the text goes "
                "beside it (.txt). Default: SLUG.draft.ttl.", metavar="DRAFT"),
            Opt(("--report",), "Print what was found and what is left to curate.",
                metavar=None, default=False),
            Opt(
                ("--format", "-f"),
                "The report as table or json.",
                metavar="[table|json]",
                default="table",
                choices=("table", "json"),
            ),
        ),
        (Argument("ESSAY", "The essay: plain text (UTF-8) or a saved web page (.html)."),),
    ),
    Command(
        "load",
        "Add RDF files to the on-disk store: all of them or none, even if the load is killed.",
        "claimgraph load notes.ttl --graph http://example.org/notes --store ./store",
        "load_command",
        (
            Opt(("--graph",), "Named graph IRI for the files' triples.", metavar="IRI"),
            Opt(
                ("--format", "-f"),
                "RDF format of every file, instead of its extension; required for stdin (-).",
                metavar=_choice(LOAD_FORMATS),
                choices=LOAD_CHOICES,
            ),
            Opt(("--base",), "Absolute IRI that relative IRIs resolve against.", metavar="IRI"),
            STORE,
        ),
        (
            Argument(
                "FILES", "RDF files: .ttl .nt .nq .trig .jsonld .rdf, or - for stdin", many=True
            ),
        ),
    ),
    Command(
        "push",
        "Upload the store's named graphs to a SPARQL server, one PUT per graph (replacing it).",
        "claimgraph push --endpoint http://localhost:7878/store --graph cgg:ontology",
        "push_command",
        (
            Opt(
                ("--endpoint",),
                "Graph Store Protocol URL "
                "(Oxigraph: http://HOST:7878/store, Fuseki: http://HOST:3030/DATASET/data).",
                metavar="URL",
                required=True,
            ),
            Opt(
                ("--graph",),
                "Push only this named graph (repeatable). Default: all.",
                metavar="IRI",
                repeat=True,
            ),
            Opt(("--user",), "User name for HTTP Basic auth.", metavar="NAME"),
            Opt(
                ("--password-env",),
                "Environment variable holding the password (default with --user: ask for it).",
                metavar="VAR",
            ),
            Opt(("--token-env",), "Environment variable holding a bearer token.", metavar="VAR"),
            Opt(
                ("--query-endpoint",),
                "SPARQL query URL to count each graph on afterwards; a difference exits with 1.",
                metavar="URL",
            ),
            Opt(
                ("--timeout",),
                "Seconds to wait for the server.",
                metavar="SECONDS",
                default=30.0,
                type=float,
                minimum=0,
            ),
            STORE,
        ),
    ),
    Command(
        "queries",
        "List the stored queries: name, summary and parameters.",
        "claimgraph queries -f json",
        "queries_command",
        (
            Opt(
                ("--format", "-f"),
                "table or json.",
                metavar="[table|json]",
                default="table",
                choices=("table", "json"),
            ),
            WIDE,
        ),
    ),
    Command(
        "query",
        "Run a stored query by NAME, or ad-hoc SPARQL with --sparql or --file.",
        "claimgraph query sources-supporting-claim -p claim=no-binding-agreement",
        "query_command",
        (
            Opt(
                ("--param", "-p"),
                "NAME=VALUE; an IRI, a prefixed name or a bare slug (repeatable).",
                metavar="NAME=VALUE",
                repeat=True,
            ),
            Opt(("--sparql",), "Run this SPARQL text instead.", metavar="TEXT"),
            Opt(("--file",), "Run the SPARQL in this file instead.", metavar="FILE"),
            Opt(
                ("--format", "-f"),
                "table (default for SELECT/ASK), json, xml, csv, tsv; "
                "turtle (default for CONSTRUCT/DESCRIBE), ntriples, jsonld, rdfxml.",
                metavar="FORMAT",
                default="default",
                choices=RESULT_FORMATS,
                show_default=False,
            ),
            STORE,
            Opt(
                ("--endpoint",),
                "Run on this remote SPARQL query URL instead of locally.",
                metavar="URL",
            ),
            Opt(
                ("--timeout",),
                "Seconds the query may run: default 60 locally (0: no limit), 30 with --endpoint.",
                metavar="SECONDS",
                type=float,
                minimum=0,
            ),
            Opt(
                ("--allow-service",),
                "Host a SERVICE clause may reach (repeatable).",
                metavar="HOST",
                repeat=True,
            ),
            Opt(
                ("--memory",),
                "Memory cap of a local query in MiB (0: none).",
                metavar="MIB",
                default=4096,
                type=int,
                minimum=0,
            ),
            WIDE,
        ),
        (Argument("NAME", "Name of a stored query (see: claimgraph queries).", required=False),),
    ),
    Command(
        "serve",
        "Serve a SPARQL 1.1 endpoint and the stored queries as a web API (read-only by default).",
        "claimgraph serve --store ./store --port 7878",
        "serve_command",
        (
            STORE,
            Opt(("--host",), "Address to listen on.", metavar="ADDRESS", default="127.0.0.1"),
            Opt(("--port",), "Port (0: any free port).", metavar="PORT", default=7878, type=int),
            Opt(
                ("--timeout",),
                "Seconds a query may run.",
                metavar="SECONDS",
                default=10.0,
                type=float,
            ),
            Opt(
                ("--read-timeout",),
                "Seconds a client has to send a request.",
                metavar="SECONDS",
                default=10.0,
                type=float,
            ),
            Opt(
                ("--max-rows",),
                "Rows (or triples) per result at most.",
                metavar="N",
                default=10000,
                type=int,
            ),
            Opt(
                ("--max-body",),
                "Request body bytes at most.",
                metavar="BYTES",
                default=1_048_576,
                type=int,
            ),
            Opt(
                ("--allow-service",),
                "Host SERVICE or LOAD may reach (repeatable).",
                metavar="HOST",
                repeat=True,
            ),
            Opt(
                ("--allow-update",),
                "Accept SPARQL updates (with a bearer token).",
                metavar=None,
                default=False,
            ),
            Opt(("--token-env",), "Environment variable holding the token.", metavar="VAR"),
            Opt(("--token",), "The update token (prefer --token-env).", metavar="TOKEN"),
            Opt(("--cors",), "Origin allowed to call from a browser.", metavar="ORIGIN"),
            Opt(
                ("--host-name",),
                "Extra name clients may use in Host (repeatable).",
                metavar="NAME",
                repeat=True,
            ),
            Opt(("--workers",), "Query worker processes.", metavar="N", default=2, type=int),
            Opt(
                ("--worker-memory",),
                "Memory cap per worker in MiB (0: none).",
                metavar="MIB",
                default=2048,
                type=int,
            ),
        ),
    ),
    Command(
        "show",
        "Print a provenance card for one claim.",
        "claimgraph show no-binding-agreement --text essay.txt",
        "show_command",
        (
            Opt(
                ("--text",),
                "The essay file, to quote the claim's span (checked by SHA-256). Default: the "
                "document's file (its name is in the graph) in a CLAIMGRAPH_TEXTS folder.",
                metavar="FILE",
                envvar="CLAIMGRAPH_ESSAY",
            ),
            Opt(
                ("--format", "-f"),
                "text or json.",
                metavar="[text|json]",
                default="text",
                choices=("text", "json"),
            ),
            STORE,
        ),
        (Argument("CLAIM", "The claim: IRI, prefixed name or slug."),),
    ),
    Command(
        "site",
        "Write the web UI's pages as a static folder whose links work from file://.",
        "claimgraph site -o report/",
        "site_command",
        (
            Opt(("--output", "-o"), "Folder to write (created if missing).", metavar="DIR",
                required=True),
            Opt(
                ("--text",),
                "The essay file, to highlight claims' spans (checked by SHA-256). Default: "
                "the document's file in a CLAIMGRAPH_TEXTS folder.",
                metavar="FILE",
                envvar="CLAIMGRAPH_ESSAY",
            ),
            Opt(("--workers",), "Query worker processes.", metavar="N", default=2, type=int),
            STORE,
        ),
    ),
    Command(
        "validate",
        "Check the graph against the SHACL shapes and every anchor against its document's "
        "text; exit 1 if it does not conform.",
        "claimgraph validate --text broken-promises-narrative.txt -f json",
        "validate_command",
        (
            Opt(
                ("--format", "-f"),
                "text, turtle or json.",
                metavar="[text|turtle|json]",
                default="text",
                choices=("text", "turtle", "json"),
            ),
            Opt(
                ("--data",),
                "Validate this RDF file instead of the store.",
                metavar="FILE",
            ),
            Opt(
                ("--doc",),
                "Only this document (IRI, prefixed name or slug): its graph, with the shared "
                "graph and the ontology, and its anchors. Default: every document.",
                metavar="DOC",
            ),
            Opt(
                ("--text",),
                "A document's text, to check its anchors' spans against (repeatable: one per "
                "document, matched by SHA-256, then file name). Default: each document's file "
                "(its name is in the graph) in a CLAIMGRAPH_TEXTS folder, or CLAIMGRAPH_ESSAY. "
                "A document whose text is not at hand is reported unchecked.",
                metavar="FILE",
                repeat=True,
            ),
            Opt(
                ("--engine",),
                "compiler: the shapes compiled to SPARQL and run on the store; pyshacl: the "
                "reference validator; auto: the compiler, and pyshacl for any shape it does "
                "not support (named on stderr).",
                metavar="[compiler|auto|pyshacl]",
                default="compiler",
                choices=("compiler", "auto", "pyshacl"),
            ),
            Opt(
                ("--endpoint",),
                "Validate what this remote SPARQL query URL holds (its shapes graph against its "
                "other graphs) without downloading it; compiler engine, no --data or --text.",
                metavar="URL",
            ),
            Opt(
                ("--timeout",),
                "Seconds each query may run on --endpoint (default 30).",
                metavar="SECONDS",
                type=float,
                minimum=0,
            ),
            STORE,
        ),
    ),
)
