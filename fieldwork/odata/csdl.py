"""`$metadata`: the entity model as CSDL XML (OData 4.0), built with ElementTree so names are escaped.

The EDM elements are written unqualified under a Schema that declares EDM as the default namespace, as
every CSDL document does (ElementTree's own default_namespace option refuses unqualified attributes)."""
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
    schema = ET.SubElement(services, "Schema", {"xmlns": EDM, "Namespace": NAMESPACE})
    for entity_set in entity_sets:
        entity_type = ET.SubElement(schema, "EntityType", Name=entity_set.type_name)
        key = ET.SubElement(entity_type, "Key")
        ET.SubElement(key, "PropertyRef", Name=entity_set.key)
        for column in entity_set.columns:
            attributes = {"Name": column.name, "Type": column.edm}
            if not column.nullable:
                attributes["Nullable"] = "false"
            ET.SubElement(entity_type, "Property", attributes)
    container = ET.SubElement(schema, "EntityContainer", Name="Container")
    for entity_set in entity_sets:
        ET.SubElement(container, "EntitySet", Name=entity_set.name,
                      EntityType=f"{NAMESPACE}.{entity_set.type_name}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
