// Black or white text on a colour, computed exactly as the chat bar (widget.js) computes it for its
// bar: widget.js runs on other sites and cannot import this, so the two must stay the same formula
// and threshold (tests/browser/test_chat_bar.py checks that they agree over a range of accents).

/** "#111" on a light colour, "#fff" on a dark one: weighted RGB (ITU-R BT.601) against 160. */
export function textOn(color) {
  const probe = document.createElement("i");
  probe.style.color = color;
  document.documentElement.append(probe);
  const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
  probe.remove();
  return r * 0.299 + g * 0.587 + b * 0.114 > 160 ? "#111" : "#fff";
}
