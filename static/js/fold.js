// Text as searches compare it, ignoring case and accents: the server's rule (fieldwork/text/search.py
// fold), held alike by tests/cases/fold.json. Upper- then lower-case (JavaScript has no casefold; this
// gives "ß" → "ss"), decompose (NFKD), drop every mark.

/** "Cerámica ATÁNQUEZ" → "ceramica atanquez". */
export const fold = (text) => String(text ?? '').toUpperCase().toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
