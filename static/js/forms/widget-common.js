// What the phone's widgets share: building nodes, their words (the page's message table, with the Spanish
// source here for a page that lacks a key, as answer-types.js does), and telling the form an answer changed.
import { t } from '../i18n.js';

// Spanish source text; fieldwork/visits/form_messages.py puts the same keys, translated, in the page's table.
const MESSAGES = {
  widget_unanswered: 'Sin responder',
  widget_clear: 'Borrar respuesta',
  widget_zone: 'Hora del programa (UTC%(offset)s).',
  widget_geo_take: 'Tomar ubicación',
  widget_geo_retry: 'Intentar de nuevo',
  widget_geo_waiting: 'Buscando la ubicación…',
  widget_geo_taken: 'Ubicación tomada: %(point)s.',
  widget_point_added: 'Punto %(n)s agregado: %(point)s.',
  widget_geo_typed: 'Coordenadas escritas a mano.',
  widget_geo_denied: 'El teléfono no dio permiso para usar la ubicación. Escriba las coordenadas.',
  widget_geo_failed: 'No se obtuvo la ubicación. Intente de nuevo al aire libre o escriba las coordenadas.',
  widget_geo_unsupported: 'Este teléfono no puede dar la ubicación. Escriba las coordenadas.',
  widget_geo_manual: 'Escribir las coordenadas',
  widget_lat: 'Latitud',
  widget_lon: 'Longitud',
  widget_coord_hint: 'En grados decimales, con punto o coma: 4,7110 y -74,0721.',
  widget_coord_missing: 'Escriba la latitud y la longitud.',
  widget_coord_ambiguous: 'Use un solo separador decimal (punto o coma) y no separe miles: por ejemplo 4,7110.',
  widget_coord_not_number: 'Escriba grados decimales, por ejemplo -74,0721 (no grados y minutos).',
  widget_lat_range: 'La latitud va de -90 a 90.',
  widget_lon_range: 'La longitud va de -180 a 180.',
  widget_points: '%(count)s puntos',
  widget_points_one: '1 punto',
  widget_point_here: 'Agregar ubicación actual',
  widget_point_typed: 'Agregar punto escrito',
  widget_point_remove: 'Quitar punto %(n)s',
  widget_trace_min: 'Una línea necesita al menos 2 puntos.',
  widget_shape_min: 'Un área necesita al menos 3 esquinas; se cierra sola volviendo a la primera.',
  widget_points_max: 'Se llegó al máximo de 1.000 puntos.',
  widget_photo_take: 'Tomar foto',
  widget_photo_change: 'Cambiar foto',
  widget_photo_remove: 'Quitar',
  widget_photo_alt: 'Foto de la respuesta',
  widget_photo_kept: 'Foto guardada en el teléfono; se envía con la visita.',
  widget_photo_elsewhere: 'Foto ya enviada; este teléfono no la tiene para mostrarla.',
  widget_less: 'Menos',
  widget_more: 'Más',
  widget_rank_up: 'Subir «%(label)s»',
  widget_rank_down: 'Bajar «%(label)s»',
  widget_rank_moved: '«%(label)s» quedó en el puesto %(n)s de %(count)s.',
  widget_rank_confirm: 'Confirmar orden',
  widget_rank_pending: 'Ordene con las flechas (el primero arriba) y pulse «Confirmar orden».',
  widget_rank_confirmed: 'Orden confirmado.',
  photo_processing: 'Preparando la foto…',
  photo_failed: 'No se pudo leer esa imagen. Tome la foto de nuevo.',
};

/** The words `key` in the page's language, `%(name)s` filled from `vars`. */
export function say(key, vars = {}) {
  const text = t(key, vars);
  if (text !== key) return text;
  return (MESSAGES[key] ?? key).replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ''));
}

export const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

/** A button of the page's kind (48 px high, app.css); `kind` adds 'secondary', 'danger', 'small'. */
export const button = (text, kind = 'secondary', props = {}) => el('button', { type: 'button', className: `button ${kind}`, textContent: text, ...props });

/** A polite live line: what the widget did, said to screen readers without moving the focus. */
export const status = (className = 'widget-status') => {
  const node = el('p', { className });
  node.setAttribute('role', 'status');
  node.setAttribute('aria-live', 'polite');
  return node;
};

/** Tell the form (render.js listens on it, visit-form.js autosaves) that the answer changed. */
export const changed = (target) => target.dispatchEvent(new Event('change', { bubbles: true }));
