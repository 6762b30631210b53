from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from fieldwork.auth.forms import at_most, password_length
from fieldwork.clock import today
from fieldwork.database import spanish_order
from fieldwork.extensions import db
from fieldwork.models import Mipyme, User
from fieldwork.registry import neighborhoods
from fieldwork.text.labels import NEIGHBORHOOD_KIND_LABELS, ROLE_LABELS, SECTOR_LABELS, STATUS_LABELS

BAD_DATE = _l("Fecha no válida: use el formato AAAA-MM-DD.")


def officer_choices() -> dict[str, str]:
    """Active officers as WTForms choices ({value: label}: WTForms 3.3 deprecates tuples)."""
    officers = db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True)).order_by(spanish_order(User.name), User.id)
    )
    return {"": str(_l("— Sin asignar —")), **{str(o.id): o.name for o in officers}}


class MipymeForm(FlaskForm):
    name = StringField(_l("Nombre"), validators=[InputRequired(_l("Escriba el nombre de la Mipyme.")),
                                                 at_most(160, _l("El nombre"))])
    nit = StringField(_l("NIT (con dígito de verificación)"), validators=[Optional(), at_most(20, _l("El NIT"))],
                      render_kw={"inputmode": "numeric", "placeholder": "900123456-8"})
    sector = SelectField(_l("Sector"), validators=[InputRequired(_l("Elija un sector."))])
    officer_id = SelectField(_l("Funcionario asignado"), validators=[Optional()])
    owner_name = StringField(_l("Nombre del propietario"),
                             validators=[Optional(), at_most(120, _l("El nombre del propietario"))])
    phone = StringField(_l("Teléfono"), validators=[Optional(), at_most(32, _l("El teléfono"))],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    address = StringField(_l("Dirección"), validators=[Optional(), at_most(200, _l("La dirección"))])
    # The programme's list; whether a name is on it is the registry service's rule (validate_choice off).
    neighborhood = SelectField(_l("Barrio / comuna"), validators=[Optional(), at_most(120, _l("El barrio"))],
                               validate_choice=False)
    ciiu = StringField(_l("Actividad principal (clase CIIU)"),
                       validators=[Optional(), at_most(200, _l("La clase CIIU"))],
                       render_kw={"list": "ciiu-classes", "autocomplete": "off", "data-ciiu-picker": "",
                                  "placeholder": "1081"})
    # Left blank: the day it is registered (or, when editing, the day it has). The rules (not in the
    # future, not after a visit) live in the registry service; the form checks only the format.
    enrolled_on = DateField(_l("Fecha de ingreso al programa"), default=today, validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.enrolled_on.raw_data and self.enrolled_on.data is None and self.enrolled_on.raw_data[0]:
            # WTForms' own "Not a valid date value." is English: say it in Spanish.
            self.enrolled_on.process_errors = [str(BAD_DATE)]
        self.sector.choices = {"": str(_l("— Elija —")), **{k: str(v) for k, v in SECTOR_LABELS.items()}}
        self.officer_id.choices = officer_choices()
        listed = neighborhoods.names()
        kept = self.neighborhood.data  # a name typed before the list existed stays offered until changed
        self.neighborhood.choices = {"": str(_l("— Sin barrio —")), **{n: n for n in listed},
                                     **({kept: kept} if kept and kept not in listed else {})}

    def service_data(self) -> dict[str, object]:
        data = {name: getattr(self, name).data for name in
                ("name", "nit", "sector", "owner_name", "phone", "address", "neighborhood", "enrolled_on", "ciiu")}
        data["officer_id"] = int(self.officer_id.data) if self.officer_id.data else None
        return data


class StatusForm(FlaskForm):
    """A change of a Mipyme's status, with the day it took effect and why (the rules: registry.status)."""

    status = SelectField(_l("Estado nuevo"), validators=[InputRequired(_l("Elija un estado."))])
    status_on = DateField(_l("Desde el día"), default=today, validators=[Optional()])
    status_reason = TextAreaField(_l("Motivo"), validators=[Optional(), at_most(500, _l("El motivo"))])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.status_on.raw_data and self.status_on.data is None and self.status_on.raw_data[0]:
            self.status_on.process_errors = [str(BAD_DATE)]
        self.status.choices = {k: str(v) for k, v in STATUS_LABELS.items()}

    def service_data(self) -> dict[str, object]:
        return {"status": self.status.data, "status_on": self.status_on.data, "status_reason": self.status_reason.data}


class NeighborhoodForm(FlaskForm):
    """A place added to the programme's list."""

    name = StringField(_l("Nombre"), validators=[InputRequired(_l("Escriba el nombre del barrio.")),
                                                 at_most(120, _l("El nombre"))])
    kind = SelectField(_l("Tipo"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = {k: str(v) for k, v in NEIGHBORHOOD_KIND_LABELS.items()}


class UserForm(FlaskForm):
    username = StringField(_l("Usuario"), validators=[InputRequired(_l("Escriba un nombre de usuario.")),
                                                      at_most(64, _l("El usuario"))],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    name = StringField(_l("Nombre completo"), validators=[Optional(), at_most(120, _l("El nombre"))])
    role = SelectField(_l("Rol"))
    mipyme_id = SelectField(_l("Mipyme (solo propietarios)"), validators=[Optional()])
    password = PasswordField(_l("Contraseña inicial"),
                             validators=[InputRequired(_l("Escriba una contraseña.")), password_length()],
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = {k: str(v) for k, v in ROLE_LABELS.items()}
        mipymes = db.session.execute(
            select(Mipyme.id, Mipyme.name).order_by(spanish_order(Mipyme.name), Mipyme.id)).all()
        self.mipyme_id.choices = {"": "—", **{str(i): n for i, n in mipymes}}


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Contraseña nueva"),
                             validators=[InputRequired(_l("Escriba una contraseña.")), password_length()],
                             render_kw={"autocomplete": "new-password"})


class ActiveForm(FlaskForm):
    """A bare form for the CSRF token on activate/deactivate buttons."""

    active = BooleanField()


class OwnerAccountForm(FlaskForm):
    """An account for the owner of one Mipyme (the Mipyme comes from the page, not the form)."""

    username = StringField(_l("Usuario"), validators=[InputRequired(_l("Escriba un nombre de usuario.")),
                                                      at_most(64, _l("El usuario"))],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    name = StringField(_l("Nombre completo"), validators=[Optional(), at_most(120, _l("El nombre"))])
    password = PasswordField(_l("Contraseña inicial"),
                             validators=[InputRequired(_l("Escriba una contraseña.")), password_length()],
                             render_kw={"autocomplete": "new-password"})
