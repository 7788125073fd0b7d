"""The OpenAPI 3.1 description of the endpoint, generated from the stored-query catalog.

One path per stored query (``/api/queries/NAME``) with its parameters typed as the catalog
declares them, plus the SPARQL endpoint, the catalog listing and the health check.
"""

from __future__ import annotations

from typing import Any

from .. import __version__, formats
from ..catalog import Catalog, Parameter, StoredQuery
from ..terms import compact

__all__ = ["build_openapi", "ERROR_SCHEMA"]

#: Media types sent for SELECT/ASK and for CONSTRUCT/DESCRIBE, from the format registry.
RESULT_TYPES = tuple(f.media_types[0] for f in formats.FORMATS if f.family == "results")
GRAPH_TYPES = tuple(f.media_types[0] for f in formats.FORMATS if f.family == "graph")

#: The one error shape every error response has.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {
                    "type": "string",
                    "description": "A stable machine-readable code, e.g. query-syntax, "
                    "bad-parameter, unknown-query, not-acceptable, query-timeout.",
                },
                "message": {"type": "string", "description": "One line for people."},
            },
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}

_SPARQL_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format",
    "properties": {
        "head": {"type": "object"},
        "results": {"type": "object"},
        "boolean": {"type": "boolean"},
    },
    "required": ["head"],
}

_TEXT: dict[str, Any] = {"type": "string"}

_ERROR_TEXT = {
    400: "Bad request: malformed query, or a bad, unknown or ill-typed parameter",
    401: "An update without the right bearer token",
    403: "Updates are off on this server",
    404: "No stored query of that name",
    406: "No acceptable media type for this result",
    413: "Request body too large",
    415: "Unsupported Content-Type",
    503: "The query overran the time limit, its worker failed, or all workers are busy",
}


def _param_schema(p: Parameter) -> dict[str, Any]:
    schema: dict[str, Any]
    if p.type == "iri":
        schema = {"type": "string", "description": "a full IRI, a prefixed name or a bare slug"}
    elif p.type == "integer":
        schema = {"type": "integer"}
    elif p.type == "decimal":
        schema = {"type": "number"}
    elif p.type == "boolean":
        schema = {"type": "boolean"}
    elif p.type == "date":
        schema = {"type": "string", "format": "date"}
    elif p.type == "year":
        schema = {"type": "string", "pattern": r"^-?\d{4}$"}
    else:
        schema = {"type": "string"}
    if p.default is not None:
        default: object = p.default
        try:
            if p.type == "integer":
                default = int(p.default)
            elif p.type == "decimal":
                default = float(p.default)
            elif p.type == "boolean":
                default = p.default.strip().lower() in ("true", "1")
        except ValueError:
            default = None
        if default is not None:
            schema["default"] = default
    return schema


def _parameter(p: Parameter) -> dict[str, Any]:
    description = p.description
    if p.class_iri:
        description = f"{description} (an instance of {compact(p.class_iri)})"
    return {
        "name": p.name,
        "in": "query",
        "required": p.required,
        "description": description,
        "schema": _param_schema(p),
    }


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}


def _result_content(form: str) -> dict[str, Any]:
    if form in ("SELECT", "ASK"):
        content = {t: {"schema": _TEXT} for t in RESULT_TYPES}
        content["application/sparql-results+json"] = {
            "schema": {"$ref": "#/components/schemas/SparqlResults"}
        }
        return content
    return {t: {"schema": _TEXT} for t in GRAPH_TYPES}


def _query_path(q: StoredQuery) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": "query_" + q.name.replace("-", "_"),
        "summary": q.summary,
        "description": q.description or q.summary,
        "tags": ["stored queries"],
        "parameters": [_parameter(p) for p in q.params],
        "responses": {
            "200": {
                "description": f"The {q.form} result, negotiated by the Accept header. "
                "X-Claimgraph-Truncated: true when the row limit cut it.",
                "headers": {"X-Claimgraph-Truncated": {"$ref": "#/components/headers/Truncated"}},
                "content": _result_content(q.form),
            },
            **_errors(400, 404, 406, 503),
        },
    }
    return {"get": op}


def build_openapi(catalog: Catalog, *, allow_update: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the server, one path per stored query."""
    sparql_params = [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "description": "A SPARQL 1.1 query. Without it, GET returns the service description.",
            "schema": {"type": "string"},
        },
        {
            "name": "default-graph-uri",
            "in": "query",
            "required": False,
            "description": "Default graph(s) of the dataset; without it (and without "
            "named-graph-uri) the default graph is the union of all graphs.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "explode": True,
        },
        {
            "name": "named-graph-uri",
            "in": "query",
            "required": False,
            "description": "Named graph(s) of the dataset.",
            "schema": {"type": "array", "items": {"type": "string"}},
            "explode": True,
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "Overrides the Accept header: "
            f"{', '.join(formats.names('results'))} (SELECT/ASK); "
            f"{', '.join(formats.names('graph'))} (CONSTRUCT/DESCRIBE).",
            "schema": {"type": "string"},
        },
    ]
    any_result = {t: {"schema": _TEXT} for t in RESULT_TYPES + GRAPH_TYPES}
    sparql_ok = {
        "description": "The query result (SELECT/ASK: SPARQL results; CONSTRUCT/DESCRIBE: RDF), "
        "or the service description (Turtle by default) when there is no query.",
        "headers": {"X-Claimgraph-Truncated": {"$ref": "#/components/headers/Truncated"}},
        "content": any_result,
    }
    post_body = {
        "required": True,
        "content": {
            "application/sparql-query": {"schema": {"type": "string"}},
            "application/sparql-update": {"schema": {"type": "string"}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
        },
    }
    paths: dict[str, Any] = {
        "/sparql": {
            "get": {
                "operationId": "sparql_get",
                "summary": "SPARQL 1.1 query (or the service description without a query)",
                "tags": ["SPARQL"],
                "parameters": sparql_params,
                "responses": {"200": sparql_ok, **_errors(400, 406, 503)},
            },
            "post": {
                "operationId": "sparql_post",
                "summary": "SPARQL 1.1 query or update, by POST",
                "description": "Updates need the server started with --allow-update and "
                "an Authorization: Bearer token."
                if allow_update
                else "Updates are off on this server (403).",
                "tags": ["SPARQL"],
                "requestBody": post_body,
                "responses": {
                    "200": sparql_ok,
                    "204": {"description": "The update was applied."},
                    **_errors(400, 401, 403, 406, 413, 415, 503),
                },
            },
        },
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The stored-query catalog",
                "tags": ["stored queries"],
                "responses": {
                    "200": {
                        "description": "Every stored query with its parameters.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/StoredQuery"},
                                }
                            }
                        },
                    }
                },
            }
        },
        "/health": {
            "get": {
                "operationId": "health",
                "summary": "Liveness check",
                "tags": ["server"],
                "responses": {
                    "200": {
                        "description": "The server answers.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"status": {"const": "ok"}},
                                }
                            }
                        },
                    }
                },
            }
        },
    }
    for q in catalog.values():
        paths[f"/api/queries/{q.name}"] = _query_path(q)
    error_responses = {
        f"Error{s}": {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for s, text in _ERROR_TEXT.items()
    }
    param_schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "type": {"type": "string"},
            "class": {"type": ["string", "null"]},
            "default": {"type": ["string", "null"]},
            "required": {"type": "boolean"},
            "description": {"type": "string"},
        },
    }
    stored_query_schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "form": {"type": "string", "enum": ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "params": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "claimgraph SPARQL endpoint",
            "version": __version__,
            "description": "A read-only SPARQL 1.1 endpoint over an essay's claim graph, and its "
            "stored queries as a web API. Every error response is "
            '{"error": {"status", "code", "message"}}.',
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "SPARQL", "description": "SPARQL 1.1 Protocol"},
            {"name": "stored queries", "description": "The catalog's queries, by name"},
            {"name": "server"},
        ],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": ERROR_SCHEMA,
                "SparqlResults": _SPARQL_JSON_SCHEMA,
                "Parameter": param_schema,
                "StoredQuery": stored_query_schema,
            },
            "responses": error_responses,
            "headers": {
                "Truncated": {
                    "description": "true when the result was cut at the server's row limit",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            },
        },
    }
