/*
 * Swagger UI on Sahel Learn (templates/api/swagger_ui.html), loaded after the Swagger UI bundle and
 * before drf-spectacular's SwaggerUIBundle({...}) call:
 * - the page follows the visitor's colour scheme through Swagger UI's own dark theme (html.dark-mode);
 * - a plugin, added to the "apis" preset that drf-spectacular's call uses, fixes two things axe-core
 *   reports: the tag headings (<h3>) follow the title (<h1>) with no <h2> between them, so the
 *   operations get an <h2> of their own; and each operation's summary is a <button> with the path's
 *   deep link (<a href>) inside it, a control nested in a control, so that path is rendered as plain
 *   text (deep linking itself still works: expanding an operation still updates the URL's fragment).
 */
(() => {
  "use strict";

  const root = document.getElementById("swagger-ui");
  const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
  const followColourScheme = () => document.documentElement.classList.toggle("dark-mode", darkScheme.matches);
  followColourScheme();
  darkScheme.addEventListener("change", followColourScheme);

  const sahelDocsPlugin = () => ({
    wrapComponents: {
      InfoContainer:
        (Original, { React }) =>
        (props) =>
          React.createElement("header", { role: "banner" }, React.createElement(Original, props)),
      operations:
        (Original, { React }) =>
        (props) =>
          React.createElement(
            React.Fragment,
            null,
            React.createElement("h2", { className: "sahel-visually-hidden" }, root.dataset.operationsHeading),
            React.createElement(Original, props),
          ),
      OperationSummaryPath:
        (Original, { React }) =>
        (props) =>
          React.createElement(Original, {
            ...props,
            operationProps: props.operationProps.set("isDeepLinkingEnabled", false),
          }),
    },
  });

  const apisPreset = window.SwaggerUIBundle.presets.apis;
  window.SwaggerUIBundle.presets.apis = () => [apisPreset, sahelDocsPlugin];
})();
