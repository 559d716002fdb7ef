/*
 * Redoc on Sahel Learn (templates/api/redoc.html), loaded after the Redoc bundle and before
 * Redoc.init(). Redoc has no option for either of these:
 * - its side menu always ends with "API docs by Redocly" and Redocly's logo from their CDN, which
 *   this site's policy (img-src 'self' data:) refuses, and every refusal is a console error. The
 *   logo's address is never given to the <img> (React sets it both with setAttribute and through
 *   the src property), so the browser does not request it; the link and its text stay (static/api/redoc.css hides the empty image);
 * - its headings skip levels (an operation's <h2> is followed by <h5> "Authorizations:", "Query
 *   parameters"), so a heading deeper than one level below the one before it is given the level
 *   that fits (aria-level), and the headings after it at the same depth the same level, every time
 *   Redoc renders.
 */
(() => {
  "use strict";

  const REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  const isRedoclyLogo = (element, value) => element instanceof HTMLImageElement && value === REDOCLY_LOGO;
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function setAttributeWithoutRedoclyLogo(name, value) {
    if (name === "src" && isRedoclyLogo(this, value)) {
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      if (!isRedoclyLogo(this, value)) {
        src.set.call(this, value);
      }
    },
  });

  const HEADINGS = "h1, h2, h3, h4, h5, h6";
  const levelHeadings = (root) => {
    let previousTagLevel = 0;
    let previousLevel = 0;
    for (const heading of root.querySelectorAll(HEADINGS)) {
      const tagLevel = Number(heading.tagName.slice(1));
      const level = tagLevel === previousTagLevel ? previousLevel : Math.min(tagLevel, previousLevel + 1);
      if (level === tagLevel) {
        heading.removeAttribute("aria-level");
      } else if (heading.getAttribute("aria-level") !== String(level)) {
        heading.setAttribute("aria-level", String(level));
      }
      previousTagLevel = tagLevel;
      previousLevel = level;
    }
  };

  const container = document.getElementById("redoc-container");
  new MutationObserver(() => levelHeadings(container)).observe(container, { childList: true, subtree: true });
})();
