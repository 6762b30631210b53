"""`/api/v1/ciiu`: search the CIIU Rev. 4 A.C. classes (the registry form's picker asks it as one types)."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from fieldwork import ciiu
from fieldwork.api import bp
from fieldwork.api.common import load_args
from fieldwork.api.schemas import CiiuArgsSchema, CiiuListSchema
from fieldwork.web.security import roles_required


@bp.get("/ciiu")
@roles_required("officer", "supervisor", "admin")
def search_ciiu() -> Any:
    """Classes whose code or title holds every word of `q` (ignoring case and accents); without `q`, none.
    ---
    get:
      parameters: [{in: query, schema: CiiuArgsSchema}]
      responses:
        200: {description: Las clases encontradas., content: {application/json: {schema: CiiuListSchema}}}
    """
    args = load_args(CiiuArgsSchema())
    found = ciiu.search(args["q"], limit=None)  # 502 classes in memory: filtering them all costs nothing
    start = (args["page"] - 1) * args["per_page"]
    items = [{**vars(c), "macro_sector": ciiu.SECTION_MACRO_SECTOR[c.section]}
             for c in found[start:start + args["per_page"]]]
    return jsonify(CiiuListSchema().dump({"items": items, "total": len(found)}))
