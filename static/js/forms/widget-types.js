// The question types forms/widgets.js draws, known without loading the widgets: render.js and
// question-blocks.js ask it of every question, and the widgets (geopoint, rank, range…) are fetched only
// for a form that has one of these (question-blocks.js loadWidgets), so a form without them costs the
// officer none of their bytes.
export const WIDGET_TYPES = new Set(['time', 'dateTime', 'geopoint', 'geotrace', 'geoshape', 'image', 'acknowledge', 'range', 'rank']);
/** Types of several controls: drawn as a fieldset whose legend is the question's label. */
export const GROUPED = new Set(['geopoint', 'geotrace', 'geoshape', 'image', 'rank']);
