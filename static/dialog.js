// A confirmation dialog (<dialog id="confirm">) for what cannot be undone; the safe choice has the
// focus. Without <dialog>, the browser's own confirm().

/** Resolves to true when the host confirms. */
export function confirmAction(title, text, okLabel) {
  const $ = (id) => document.getElementById(id);
  const dialog = $("confirm");
  if (typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(`${title}\n\n${text}`));
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okLabel;
  dialog.returnValue = "";
  dialog.showModal();
  $("confirm-cancel").focus(); // the safe choice is the default
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
