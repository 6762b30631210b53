# ruff: noqa: E501  -- one business per line reads better than wrapped tuples
"""The fixed ingredients of the demo programme: places, people, businesses and the words officers write.

Kept apart from fieldwork/demo/seed.py so that the generator reads as logic and this file as data.
Barrio-to-comuna pairs and coordinates are approximate: good enough for a demonstration.
"""
from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    label: str  # what goes in Mipyme.neighborhood: a name of the programme's list (NEIGHBORHOODS)
    kind: str  # "barrio" or "corregimiento" (models.NEIGHBORHOOD_KINDS)
    lat: float
    lon: float
    officer: int  # index into OFFICERS: each officer covers one part of town


# Urban barrios (their comuna in the comment), and three corregimientos in the Sierra Nevada foothills.
PLACES = {
    "centro": Place("Centro", "barrio", 10.4772, -73.2466, 0),  # Comuna 1
    "canaguate": Place("Cañaguate", "barrio", 10.4801, -73.2478, 0),  # Comuna 1
    "loperena": Place("Loperena", "barrio", 10.4760, -73.2436, 0),  # Comuna 1
    "altagracia": Place("Altagracia", "barrio", 10.4745, -73.2490, 0),  # Comuna 1
    "novalito": Place("Novalito", "barrio", 10.4822, -73.2505, 2),  # Comuna 1
    "primero_mayo": Place("Primero de Mayo", "barrio", 10.4590, -73.2460, 1),  # Comuna 2
    "villa_castro": Place("Villa Castro", "barrio", 10.4548, -73.2512, 1),  # Comuna 2
    "mareigua": Place("Mareigua", "barrio", 10.4530, -73.2650, 1),  # Comuna 3
    "san_joaquin": Place("San Joaquín", "barrio", 10.4705, -73.2630, 2),  # Comuna 4
    "la_nevada": Place("La Nevada", "barrio", 10.4886, -73.2640, 2),  # Comuna 5
    "los_mayales": Place("Los Mayales", "barrio", 10.4930, -73.2560, 2),  # Comuna 5
    "los_cortijos": Place("Los Cortijos", "barrio", 10.4960, -73.2700, 2),  # Comuna 6
    "atanquez": Place("Atánquez", "corregimiento", 10.6979, -73.3520, 0),
    "chemesquemena": Place("Chemesquemena", "corregimiento", 10.6850, -73.4040, 0),
    "badillo": Place("Badillo", "corregimiento", 10.5380, -73.1840, 1),
}
#: The programme's list of places (the `neighborhoods` table): the barrios and corregimientos above, the six
#: urban comunas, and other barrios and corregimientos of Valledupar where no demo business is yet.
NEIGHBORHOODS = (
    *((place.label, place.kind) for place in PLACES.values()),
    *((f"Comuna {n}", "comuna") for n in range(1, 7)),
    *((name, "barrio") for name in ("Los Músicos", "Panamá", "Doce de Octubre", "Villa Miriam", "La Granja",
                                    "Garupal", "Sicarare", "Las Flores", "Los Fundadores", "La Esperanza")),
    *((name, "corregimiento") for name in ("Valencia de Jesús", "Patillal", "Guacoche", "Mariangola",
                                           "Aguas Blancas", "La Mina", "Río Seco", "Guatapurí")),
)

# (username, password, full name): the three field officers.
OFFICERS = (
    ("oficial1", "demo-oficial-1", "María Fernanda Araújo Castro"),
    ("oficial2", "demo-oficial-2", "José Luis Mendoza Daza"),
    ("oficial3", "demo-oficial-3", "Yuleinis Quintero Ríos"),
)
SUPERVISOR = ("supervisora", "demo-supervisora", "Carmen Elena Daza Maestre")
ADMIN = ("admin", "demo-admin-1", "Andrés Felipe Oñate Pumarejo")


class Business(NamedTuple):
    name: str
    sector: str
    ciiu: str  # its main activity: a class of CIIU Rev. 4 A.C. (fieldwork/ciiu/data/ciiu_classes.csv)
    owner: str
    place: str  # key of PLACES
    nit: str  # "sas" (a company NIT), "cc" (a person's cédula as NIT) or "" (informal, no NIT)
    units: int | None  # production units a month at the first visit (None: not counted in this trade)
    sales_m: float  # monthly sales at the first visit, millions of pesos
    employees: int
    growth: float  # monthly drift of units and sales (-0.03 is a business in trouble)


BUSINESSES = (
    Business("Taller de Mochilas Arhuacas Kunsamü", "artesanias", "1392", "Ati Seygundiba Izquierdo", "novalito", "cc", 40, 6.5, 5, 0.04),
    Business("Mochilas Wayuu Kanas", "artesanias", "1392", "Yaneth Epieyú Uriana", "villa_castro", "cc", 60, 7.8, 6, 0.03),
    Business("Artesanías El Cañaguate", "artesanias", "3290", "Rosa Elvira Maestre", "canaguate", "cc", 120, 4.2, 3, 0.02),
    Business("Tallas en Madera Guatapurí", "artesanias", "1690", "Hernán José Villazón", "los_cortijos", "", 35, 3.5, 2, 0.01),
    Business("Cerámica Tierra de Upar", "artesanias", "2393", "Luz Marina Pumarejo", "la_nevada", "cc", 200, 5.1, 4, 0.03),
    Business("Bisutería Caracolí", "artesanias", "3212", "Daniela Castro Oñate", "primero_mayo", "", 300, 2.8, 2, 0.05),
    Business("Tejidos Kankuamos de Atánquez", "artesanias", "1392", "Ana Dilia Arias", "atanquez", "cc", 50, 4.0, 7, 0.02),
    Business("Confecciones Leyenda Vallenata", "confecciones", "1410", "Martha Cecilia Ovalle", "primero_mayo", "sas", 400, 14.0, 8, 0.03),
    Business("Guayaberas Don Toño", "confecciones", "1410", "Antonio María Mejía", "centro", "cc", 150, 9.5, 4, 0.01),
    Business("Uniformes Escolares El Valle", "confecciones", "1410", "Yolanda Cuello Baute", "los_mayales", "sas", 600, 18.0, 10, 0.02),
    Business("Modistería Mareigua", "confecciones", "1410", "Nelly Esther Gutiérrez", "mareigua", "", 90, 3.2, 2, -0.02),
    Business("Textiles Sierra Nevada S.A.S.", "confecciones", "1312", "Carlos Arturo Quintero", "villa_castro", "sas", 2300, 92.0, 14, 0.07),
    Business("Bordados La Provincia", "confecciones", "1399", "Edilsa Romero Daza", "san_joaquin", "cc", 120, 4.5, 3, 0.03),
    Business("Panadería y Bizcochería La Nevada", "alimentos", "1081", "Wilson Enrique Fuentes", "la_nevada", "sas", 9000, 22.0, 7, 0.02),
    Business("Arepas y Bollos Doña Chela", "alimentos", "1089", "Graciela Pertuz", "primero_mayo", "", 4000, 6.8, 3, 0.02),
    Business("Dulces Típicos del Cesar", "alimentos", "1082", "Marlene Rocío Araújo", "loperena", "cc", 2500, 5.5, 3, 0.04),
    Business("Comidas Típicas El Guatapurí", "alimentos", "5611", "Luis Eduardo Zuleta", "centro", "sas", 2200, 28.0, 9, 0.01),
    Business("Jugos y Frutas Los Cortijos", "alimentos", "5613", "Karen Paola Mendoza", "los_cortijos", "cc", 3000, 7.2, 3, 0.03),
    Business("Bizcochos de Maíz La Abuela", "alimentos", "1081", "Ismenia Fragozo", "novalito", "", 2000, 3.8, 2, -0.01),
    Business("Tienda Mixta San Joaquín", "comercio", "4711", "Jaime Alberto Pacheco", "san_joaquin", "cc", None, 15.0, 2, 0.01),
    Business("Ferretería El Progreso", "comercio", "4752", "Orlando Rafael Castilla", "mareigua", "sas", None, 45.0, 6, 0.02),
    Business("Miscelánea y Papelería Altagracia", "comercio", "4761", "Diana Marcela Ustariz", "altagracia", "cc", None, 8.0, 2, -0.03),
    Business("Calzado Valle de Upar", "comercio", "4772", "Ricardo Molina Daza", "centro", "sas", None, 26.0, 5, 0.02),
    Business("Variedades La Sirena", "comercio", "4719", "Yarelis Montero", "los_mayales", "", None, 6.5, 2, 0.01),
    Business("Posada Turística Casa Cañaguate", "turismo", "5519", "Lourdes Cotes Castro", "canaguate", "cc", 90, 12.0, 4, 0.03),
    Business("Rutas Vallenatas Tours", "turismo", "7912", "Jorge Luis Oñate", "centro", "sas", 40, 9.0, 3, 0.04),
    Business("Guías del Río Guatapurí", "turismo", "7990", "Deiner Alfonso Rodríguez", "novalito", "", 60, 4.8, 4, 0.02),
    Business("Hostal Tierra de Cantores", "turismo", "5511", "Maryuris Gámez", "loperena", "cc", 120, 15.0, 5, 0.02),
    Business("Ecoturismo Chemesquemena", "turismo", "5514", "Alberto Villafaña", "chemesquemena", "cc", 25, 5.5, 3, 0.05),
    Business("Taller de Acordeones Los Juglares", "servicios", "9529", "Rafael Antonio Bolaño", "primero_mayo", "cc", 30, 6.0, 2, 0.02),
    Business("Peluquería y Barbería Estilo Upar", "servicios", "9602", "Yeinis Paola Carrillo", "villa_castro", "", 500, 5.2, 4, 0.01),
    Business("Reparación de Celulares Tecnicell", "servicios", "9512", "Kevin Andrés Ariza", "los_mayales", "cc", 250, 4.6, 2, 0.03),
    Business("Lavandería Express Los Cortijos", "servicios", "9601", "Sandra Milena Díaz", "los_cortijos", "cc", 1200, 7.0, 3, 0.02),
    Business("Sonido y Tarimas Parranda Vallenata", "servicios", "9007", "Élmer de Jesús Romero", "san_joaquin", "sas", 18, 11.0, 5, 0.01),
    Business("Quesería El Cesar", "agroindustria", "1040", "Álvaro Enrique Baquero", "badillo", "sas", 1800, 30.0, 6, 0.02),
    Business("Café Sierra Nevada Kankuamo", "agroindustria", "1063", "Nubia Esther Arias", "atanquez", "sas", 450, 13.0, 5, 0.03),
    Business("Miel y Derivados Chemesquemena", "agroindustria", "1089", "Gustavo Adolfo Ramírez", "chemesquemena", "cc", 300, 6.0, 2, 0.02),
    Business("Lácteos San Fernando", "agroindustria", "1040", "Edith Patricia Maya", "badillo", "sas", 6000, 21.0, 5, 0.01),
    Business("Bocadillos y Panela Badillo", "agroindustria", "1072", "José Vicente Pinto", "badillo", "cc", 1500, 8.0, 4, -0.02),
    Business("Reciclaje Verde Upar", "otro", "3830", "Milton Fabián Gutiérrez", "mareigua", "sas", 8000, 6.5, 5, 0.03),
    Business("Vivero Los Mangos", "otro", "0130", "Carmen Sofía Zuleta", "novalito", "", 900, 4.0, 2, 0.02),
)

# Businesses (by name) whose owners have an account: (username, password).
OWNER_ACCOUNTS = {
    "Mochilas Wayuu Kanas": ("propietaria1", "demo-propietaria-1"),
    "Panadería y Bizcochería La Nevada": ("propietario2", "demo-propietario-2"),
    "Posada Turística Casa Cañaguate": ("propietaria3", "demo-propietaria-3"),
    "Taller de Acordeones Los Juglares": ("propietario4", "demo-propietario-4"),
}
# Businesses that left the programme: (status, how many days before the demo's day, the reason on record).
EXITS = {
    "Textiles Sierra Nevada S.A.S.": ("graduated", 25, "Cumplió su plan de fortalecimiento: ventas y empleo formal por "
                                                      "encima de la meta. Sigue por su cuenta."),
    "Miscelánea y Papelería Altagracia": ("closed", 40, "Cerró el local: las ventas ya no alcanzaban para el arriendo."),
    "Modistería Mareigua": ("withdrawn", 55, "La propietaria se retiró del programa: no tiene tiempo para las visitas."),
}
# An owner without an account who disputes a visit through the link, with the code the office gave them.
LINK_DISPUTE = "Las ventas que anotaron no son de este mes: el mes pasado se cerró la vía y vendimos menos."
# The owner who disputes a visit (an open dispute), and one whose earlier dispute was resolved.
DISPUTING_OWNER = "Posada Turística Casa Cañaguate"
RESOLVED_DISPUTE_OWNER = "Panadería y Bizcochería La Nevada"

NEEDS = {
    "artesanias": ("Capital de trabajo para comprar hilo y materia prima",
                   "Vender en línea y en la feria del Festival Vallenato", "Registro de marca colectiva"),
    "confecciones": ("Una máquina fileteadora industrial", "Contratos con colegios para uniformes",
                     "Formalizar a las operarias"),
    "alimentos": ("Registro sanitario INVIMA", "Un horno más grande", "Curso de manipulación de alimentos"),
    "comercio": ("Control de inventario", "Aceptar pagos con Nequi y Daviplata", "Crédito con proveedores"),
    "turismo": ("Inscripción en el Registro Nacional de Turismo", "Promoción en redes sociales",
                "Guías con inglés básico"),
    "servicios": ("Local propio", "Facturación electrónica", "Herramientas y repuestos"),
    "agroindustria": ("Cadena de frío para el transporte", "Empaque y etiqueta para supermercados",
                      "Certificación de buenas prácticas"),
    "otro": ("Vehículo para la recolección", "Convenio con la alcaldía", "Capital de trabajo"),
}
NOTES = (
    "Se revisaron las ventas del mes con el cuaderno de cuentas.",
    "El negocio está ordenado; se dejó la guía de costos impresa.",
    "Nos mostraron los productos nuevos para la temporada.",
    "Se explicó la convocatoria del fondo de la alcaldía.",
    "Se acordó llevar los documentos para la Cámara de Comercio.",
    "Visita corta: estaban atendiendo clientes.",
    "Se tomaron fotos del negocio para el catálogo.",
    "Buen avance con el curso del SENA.",
)
FOLLOW_UP_REASONS = (
    "Revisar la solicitud de microcrédito",
    "Acompañar la inscripción en la Cámara de Comercio",
    "Verificar el avance del curso de costos",
    "Llevar información de la rueda de negocios",
    "Revisar el inventario después de la temporada",
    "Entregar el material de la capacitación",
)
# (what the supervisor asked, how the returned visit looks): the visit shows the problem the comment names.
RETURN_REASONS = (
    ("Falta el valor de ventas del mes; por favor complételo.", "no_sales"),
    ("Las unidades producidas son diez veces las de la visita anterior: confirme el dato.", "units_typo"),
    ("Amplíe las notas: ¿qué se acordó con el propietario?", "short_notes"),
)
OWNER_DISPUTE = "Ese día no vinieron a la posada; me llamaron por teléfono y las cifras no son las nuestras."
RESOLVED_DISPUTE = ("Las ventas anotadas eran de otro mes.",
                    "Se habló con el propietario y con la funcionaria; la cifra se corrigió en la visita siguiente.")
REVIEW_COMMENTS = ("", "", "", "Bien documentada.", "Gracias por las fotos.")
