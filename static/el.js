// The one small way modules build an element: a tag, a class and a text, always set as text
// (never parsed as markup), so that a name someone typed can go in as it is.

/** An element `tag` with the class `className` and the text `text` (each only if given). */
export function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}
