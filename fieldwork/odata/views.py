"""The feed's routes: service document, `$metadata`, each entity set and its `$count`."""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request, stream_with_context, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from fieldwork.forms.services import current_version
from fieldwork.odata import bp, results
from fieldwork.odata.access import feed_reader, reader
from fieldwork.odata.csdl import metadata_document
from fieldwork.odata.entities import EntitySet, mipymes, visits
from fieldwork.odata.errors import JSON_TYPE, ODataError, error_body, with_odata_headers
from fieldwork.odata.options import read_options
from fieldwork.odata.pages import collection_body, count_rows, filtered, link, read_page
from fieldwork.odata.repeats import PREFIX, repeat_sets

#: Entity set name -> how to build it (Visits reads the current form version, so it is built per request).
SETS = {"Mipymes": mipymes, "Visits": visits, "MipymeResults": results.mipyme_results}


def _repeats() -> list[EntitySet]:
    """The current form's repeats, each its own set (`Visits_<repeat name>`, fieldwork/odata/repeats.py)."""
    version = current_version()
    return repeat_sets(version.definition if version else None)


def _all_sets() -> list[EntitySet]:
    return [build() for build in SETS.values()] + _repeats()


def _root() -> str:
    """The service root, absolute: FIELDWORK_BASE_URL when set (behind a proxy the request may say http)."""
    base = (current_app.config.get("FIELDWORK_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for("odata.service_document")


def _entity_set(name: str) -> EntitySet:
    if "(" in name:
        raise ODataError(501, "NotImplemented", _("El feed no sirve entidades sueltas por su clave: use $filter."))
    if name in SETS:
        return SETS[name]()
    found = next((s for s in _repeats() if s.name == name), None) if name.startswith(PREFIX) else None
    if found is None:
        raise ODataError(404, "NotFound", _("El feed no tiene el conjunto «%(name)s».", name=name[:128]))
    return found


@bp.errorhandler(ODataError)
def odata_error(error: ODataError) -> Any:
    return error_body(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """A refusal the framework raises (a NUL in the query, a method not allowed) in OData's error body."""
    status = error.code or 500
    message = (_("El feed solo se lee: use GET.") if status == 405
               else _("La solicitud no es válida para el feed (código %(status)d).", status=status))
    return error_body(ODataError(status, type(error).__name__, message))


@bp.after_request
def odata_version(response: Response) -> Response:
    return with_odata_headers(response)


@bp.get("/")
@feed_reader
def service_document() -> Any:
    """The entity sets of the feed (what Excel and Power BI list to choose from)."""
    root = _root()
    body = {"@odata.context": root + "$metadata",
            "value": [{"name": name, "kind": "EntitySet", "url": name}
                      for name in [*SETS, *(s.name for s in _repeats())]]}
    return Response(json.dumps(body), mimetype=JSON_TYPE)


@bp.get("/$metadata")
@feed_reader
def metadata() -> Any:
    """The entity model as CSDL XML (OData 4.0)."""
    return Response(metadata_document(_all_sets()), mimetype="application/xml")


@bp.get("/<name>")
@feed_reader
def entity_set(name: str) -> Any:
    """A page of an entity set, with `$filter`, `$select`, `$orderby`, `$top`, `$skip`, `$count`."""
    entities = _entity_set(name)
    args = request.args.to_dict()
    options = read_options(entities, args)
    if entities.source is None:
        page = results.read_page(entities, options, args)
    else:
        page = read_page(entities, reader(), options, args)
    root = _root()
    context = root + "$metadata#" + name + (f"({','.join(dict.fromkeys(options.select))})" if options.select else "")
    next_link = link(root, name, page.next_args) if page.next_args is not None else None
    return Response(stream_with_context(collection_body(context, page.rows, page.count, next_link)),
                    mimetype=JSON_TYPE)


@bp.get("/<name>/$count")
@feed_reader
def entity_count(name: str) -> Any:
    """How many rows of the set match `$filter`, as plain text."""
    entities = _entity_set(name)
    options = read_options(entities, request.args.to_dict())
    if entities.source is None:
        raise ODataError(501, "NotImplemented", _("%(name)s no se cuenta aparte.", name=name))
    return Response(str(count_rows(filtered(entities, reader(), options))), mimetype="text/plain")


@bp.get("/<name>/<path:rest>")
@feed_reader
def unknown_path(name: str, rest: str) -> Any:
    """Entity keys, navigation and other resource paths are not part of this feed."""
    raise ODataError(501, "NotImplemented", _("El feed solo sirve conjuntos completos, páginas y $count."))
