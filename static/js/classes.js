// The class pages: copy the join code or link, print the one-time password sheet. Without this file
// the code and link are in read-only boxes to select and copy, and the browser's Print command prints
// the sheet: the buttons stay hidden.
//
// - A button with data-copy="<id>" copies the value of the box with that id and says so in the
//   page's [data-copy-status] live region, in the words of its data-copied (translated by the page).
// - A button with data-print opens the print dialog.
(() => {
  const status = () => document.querySelector("[data-copy-status]");

  const say = (value) => {
    const region = status();
    if (region) {
      region.textContent = `${region.dataset.copied || ""} ${value}`.trim();
    }
  };

  const copy = async (button) => {
    const box = document.getElementById(button.dataset.copy);
    if (!box) {
      return;
    }
    try {
      await navigator.clipboard.writeText(box.value);
      say(box.value);
    } catch {
      // No clipboard access (a page not served over HTTPS): select the text to copy by hand.
      box.focus();
      box.select();
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("[data-copy]")) {
      if (navigator.clipboard) {
        button.hidden = false;
      }
      button.addEventListener("click", () => copy(button));
    }
    for (const button of document.querySelectorAll("[data-print]")) {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    }
  });
})();
