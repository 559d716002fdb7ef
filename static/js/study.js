// Studying with the keyboard, as in Anki. The pages work without this file: every action is a form
// that posts; this only adds keys and moves the focus after htmx swaps the card.
//
// - On a question: Space shows the answer (Enter checks the answer given: quiz.js), unless the focus
//   is in a text box or on an option (where Space picks it).
// - On an answer: 1-4 rate (Again, Hard, Good, Easy); Space or Enter takes the suggested rating, which
//   has the focus; E opens the first cited paragraph in a new tab.
// - Anywhere in a session: U undoes the last rating, S suspends the card.
(() => {
  const typing = (element) =>
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement ||
    (element instanceof HTMLInputElement && element.type !== "hidden") ||
    (element instanceof HTMLElement && element.isContentEditable);

  const submit = (selector) => {
    const form = document.querySelector(selector);
    if (form) {
      form.requestSubmit();
      return true;
    }
    return false;
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented || typing(event.target)) {
      return;
    }
    const panel = document.getElementById("study-card");
    if (!panel) {
      return;
    }
    const key = event.key.toLowerCase();
    const rating = panel.querySelector("[data-study-rating]");
    if (rating && /^[1-4]$/.test(key)) {
      const button = rating.querySelector(`[data-rating-key="${key}"]`);
      if (button) {
        event.preventDefault();
        button.click(); // a click, so htmx sends the button's rating (requestSubmit's submitter it does not)
      }
      return;
    }
    if (rating && (key === " " || key === "enter") && !(event.target instanceof HTMLButtonElement) && !(event.target instanceof HTMLAnchorElement)) {
      const suggested = rating.querySelector("[data-study-suggested]");
      if (suggested) {
        event.preventDefault();
        suggested.click();
      }
      return;
    }
    const answer = panel.querySelector("[data-study-answer]");
    if (answer && key === " " && !(event.target instanceof HTMLButtonElement) && !(event.target instanceof HTMLAnchorElement)) {
      const show = answer.querySelector("[data-study-show]");
      if (show) {
        event.preventDefault();
        show.click();
      }
      return;
    }
    if (key === "e" && rating) {
      const link = panel.querySelector("[data-study-citation]");
      if (link) {
        event.preventDefault();
        window.open(link.href, "_blank", "noopener");
      }
      return;
    }
    if (key === "u" && submit("#study-card [data-study-undo]")) {
      event.preventDefault();
      return;
    }
    if (key === "s" && submit("#study-card [data-study-suspend]")) {
      event.preventDefault();
    }
  });

  // After a swap the focus goes where the next key is expected: the suggested rating, else the question.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!event.detail.target || event.detail.target.id !== "study-card") {
      return;
    }
    const panel = event.detail.target;
    const target =
      panel.querySelector("[role=alert]") ||
      panel.querySelector("[data-study-suggested]") ||
      panel.querySelector("#question-title") ||
      panel.querySelector("#study-empty-title");
    if (target) {
      if (!(target instanceof HTMLButtonElement) && !target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });
})();
