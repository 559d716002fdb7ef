// Taking a quiz with the keyboard, and its countdown. The pages work without this file: the forms
// post and the server shows the time left; this only adds shortcuts and a clock that ticks.
//
// - Number keys 1-9 choose the n-th option of the question (or, when the focus is in the certainty
//   group, the n-th certainty), unless the focus is in a text box or a drop-down list.
// - Enter in the answer form saves the answer (a text box already does so; this adds options and
//   drop-down lists).
// - After htmx swaps the question panel, the focus goes to the new question's heading.
// - The countdown counts the seconds the server gave down, and says when a minute and when no time is left.
(() => {
  const typing = (element) =>
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement ||
    (element instanceof HTMLInputElement && !["radio", "checkbox"].includes(element.type)) ||
    (element instanceof HTMLElement && element.isContentEditable);

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    const form = document.querySelector("[data-answer-form]");
    if (!form) {
      return;
    }
    const target = event.target;
    if (/^[1-9]$/.test(event.key) && !typing(target)) {
      const group = (target instanceof Element && target.closest("[data-number-keys]")) || form.querySelector("[data-number-keys]");
      if (!group || !form.contains(group)) {
        return;
      }
      const inputs = [...group.querySelectorAll("input[type=radio], input[type=checkbox]")].filter((input) => !input.disabled);
      const input = inputs[Number(event.key) - 1];
      if (!input) {
        return;
      }
      event.preventDefault();
      if (input.type === "checkbox") {
        input.checked = !input.checked;
      } else {
        input.checked = true;
      }
      input.focus();
      return;
    }
    if (event.key === "Enter" && form.contains(target) && !(target instanceof HTMLButtonElement) && !(target instanceof HTMLTextAreaElement) && !(target instanceof HTMLAnchorElement)) {
      if (target instanceof HTMLSelectElement || target instanceof HTMLInputElement) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "question-panel") {
      const heading = event.detail.target.querySelector("#question-title") || event.detail.target.querySelector("[role=alert]");
      if (heading) {
        if (!heading.hasAttribute("tabindex")) {
          heading.setAttribute("tabindex", "-1");
        }
        heading.focus();
      }
    }
  });

  const countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    const clock = countdown.querySelector("[data-countdown-clock]");
    const alert = countdown.querySelector("[data-countdown-alert]");
    const started = performance.now();
    const total = Number(countdown.dataset.countdown);
    const format = (seconds) => {
      const hours = Math.floor(seconds / 3600);
      const minutes = Math.floor((seconds % 3600) / 60);
      const rest = String(seconds % 60).padStart(2, "0");
      return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
    };
    let warned = total <= 60;
    const tick = () => {
      const left = Math.max(0, total - Math.floor((performance.now() - started) / 1000));
      if (left === 0) {
        clock.textContent = countdown.dataset.expiredText;
        alert.textContent = countdown.dataset.expiredText;
        countdown.classList.add("countdown-low");
        return;
      }
      clock.textContent = format(left);
      if (left <= 60 && !warned) {
        warned = true;
        countdown.classList.add("countdown-low");
        alert.textContent = countdown.dataset.lowText || "";
      }
      window.setTimeout(tick, 1000 - ((performance.now() - started) % 1000));
    };
    if (total > 0) {
      tick();
    }
  }
})();
