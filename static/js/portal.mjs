// Starts GOV.UK Frontend's components (Exit this page, error summary focus,
// conditional reveals) and the draft time limit warning. Everything works
// without this file; it only adds the Shift shortcut, focus and the warning.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// The words come from the page (data attributes), so they can be translated
// and so each page says what will happen: answers deleted, or signed out.
function formatMinutes(root, seconds) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? root.dataset.oneMinute : root.dataset.minutes.replace("{count}", minutes);
}

function startTimeout(root) {
  const dialog = root.querySelector("dialog");
  const countdown = root.querySelector("[data-timeout-countdown]");
  const announce = root.querySelector("[data-timeout-announce]");
  const warning = Number(root.dataset.warningSeconds);
  let deadline = Date.now() + Number(root.dataset.secondsLeft) * 1000;
  let timer = null;
  let lastAnnounced = "";

  function tick() {
    const left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) {
      window.location.href = root.dataset.endedUrl;
      return;
    }
    if (left <= warning) {
      if (!dialog.open) {
        root.hidden = false;
        dialog.showModal();
      }
      const text = formatMinutes(root, left);
      countdown.textContent = text;
      if (text !== lastAnnounced) {
        announce.textContent = root.dataset.announce.replace("{time}", text);
        lastAnnounced = text;
      }
    }
    timer = window.setTimeout(tick, 1000);
  }

  async function extend() {
    const body = new URLSearchParams({ csrf_token: root.dataset.csrfToken });
    const response = await fetch(root.dataset.extendUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrfToken, Accept: "application/json" },
    });
    if (!response.ok) {
      window.location.href = root.dataset.endedUrl;
      return;
    }
    const result = await response.json();
    deadline = Date.now() + result.seconds_left * 1000;
    lastAnnounced = "";
    dialog.close();
    root.hidden = true;
  }

  root.querySelector("[data-timeout-extend]").addEventListener("click", extend);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    extend();
  });
  window.clearTimeout(timer);
  tick();
}

const timeoutRoot = document.querySelector('[data-module="portal-timeout"]');
if (timeoutRoot && typeof HTMLDialogElement === "function") {
  startTimeout(timeoutRoot);
}
