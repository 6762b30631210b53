"""`$metadata`: the entity model as CSDL XML (OData 4.0), built with ElementTree so names are escaped."""
from __future__ import annotations

from xml.etree import ElementTree as ET  # noqa: S405 (we write XML, never parse what a caller sent)

from fieldwork.odata.entities import EntitySet

NAMESPACE = "Fieldwork"
EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
ET.register_namespace("edmx", EDMX)  # the prefix every CSDL document uses (a global, harmless registry)


def metadata_document(entity_sets: list[EntitySet]) -> bytes:
    """The CSDL XML document of these entity sets, in one schema and one container."""
    root = ET.Element(f"{{{EDMX}}}Edmx", Version="4.0")
    services = ET.SubElement(root, f"{{{EDMX}}}DataServices")
    schema = ET.SubElement(services, f"{{{EDM}}}Schema", Namespace=NAMESPACE)
    for entity_set in entity_sets:
        entity_type = ET.SubElement(schema, f"{{{EDM}}}EntityType", Name=entity_set.type_name)
        key = ET.SubElement(entity_type, f"{{{EDM}}}Key")
        ET.SubElement(key, f"{{{EDM}}}PropertyRef", Name=entity_set.key)
        for column in entity_set.columns:
            attributes = {"Name": column.name, "Type": column.edm}
            if not column.nullable:
                attributes["Nullable"] = "false"
            ET.SubElement(entity_type, f"{{{EDM}}}Property", attributes)
    container = ET.SubElement(schema, f"{{{EDM}}}EntityContainer", Name="Container")
    for entity_set in entity_sets:
        ET.SubElement(container, f"{{{EDM}}}EntitySet", Name=entity_set.name,
                      EntityType=f"{NAMESPACE}.{entity_set.type_name}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=EDM)
