/* hireport's loader for the ATS integration configuration plugin (LinkedIn's `in.js`, wire-compatible).
 *
 * <script src="https://hireport.example.com/uas/in.js">
 *   api_key: {customer app API key}
 *   extensions: ATSIntegrationWidget@https://platform.linkedin.com/rsc/extensions/onboarding-widget
 * </script>
 * <script type="IN/ATSIntegrationWidget" data-supported-bundled-integration-types="APPLY_WITH_LINKEDIN"
 *         data-onintegrate="handleIntegrations" data-width="400"></script>
 *
 * Each widget tag becomes a frame served by hireport. Messages are taken only from hireport's origin and
 * from the widget's own frame. IN.parse() renders widget tags added later (a single-page app).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var hireport = new URL(script.src).origin;
  var config = {};
  (script.textContent || "").split(/\r?\n/).forEach(function (line) {
    var at = line.indexOf(":");
    if (at > 0) { config[line.slice(0, at).trim()] = line.slice(at + 1).trim(); }
  });
  var apiKey = config.api_key || "";
  var ORIGIN_ERROR = "error.origin.not.in.api.domains";
  var REFUSED = "Domain validation failed for the api key. Please contact your ATS for further assistance.";
  var READY_AFTER_LOAD_MS = 2000;  // a frame the browser refused loads an error page, which never says ready
  var widgets = {};
  var counter = 0;

  function refuse(widget, code, message) {
    if (widget.refused) { return; }
    widget.refused = true;
    console.error(code);
    var note = document.createElement("div");
    note.setAttribute("role", "alert");
    note.className = "IN-widget-error";
    note.textContent = message;
    widget.frame.replaceWith(note);
    widget.node = note;
  }

  function render(tag) {
    var id = "in-ats-" + (++counter);
    var frame = document.createElement("iframe");
    var params = new URLSearchParams({
      api_key: apiKey,
      types: tag.getAttribute("data-supported-bundled-integration-types") || "",
      origin: window.location.origin,
      widget: id
    });
    frame.src = hireport + "/uas/widgets/ats?" + params.toString();
    frame.title = "Integrations";
    frame.width = String(parseInt(tag.getAttribute("data-width"), 10) || 400);
    frame.height = "360";
    frame.style.border = "0";
    frame.setAttribute("data-in-widget", id);
    tag.setAttribute("data-in-rendered", id);
    tag.parentNode.insertBefore(frame, tag.nextSibling);
    var widget = {id: id, tag: tag, frame: frame, node: frame, ready: false, refused: false};
    widgets[id] = widget;
    frame.addEventListener("load", function () {
      window.clearTimeout(widget.timer);
      widget.timer = window.setTimeout(function () {
        if (!widget.ready) { refuse(widget, ORIGIN_ERROR, REFUSED); }  // the browser refused the frame
      }, READY_AFTER_LOAD_MS);
    });
  }

  function parse(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var tags = scope.querySelectorAll('script[type="IN/ATSIntegrationWidget"]');
    Array.prototype.forEach.call(tags, function (tag) {
      var shown = tag.getAttribute("data-in-rendered");
      if (shown && widgets[shown] && document.contains(widgets[shown].node)) { return; }
      render(tag);
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== hireport || !event.data || typeof event.data !== "object") { return; }
    var widget = widgets[event.data.widget];
    if (!widget || event.source !== widget.frame.contentWindow) { return; }
    if (event.data.type === "ready") {
      widget.ready = true;
      window.clearTimeout(widget.timer);
    } else if (event.data.type === "refused") {
      widget.ready = true;
      window.clearTimeout(widget.timer);
      console.error(String(event.data.code));
    } else if (event.data.type === "height") {
      widget.frame.height = String(Math.min(Math.max(parseInt(event.data.height, 10) || 0, 120), 2000));
    } else if (event.data.type === "integrate") {
      var name = widget.tag.getAttribute("data-onintegrate");
      var callback = name ? window[name] : null;
      if (typeof callback === "function") {
        callback(event.data.integrations.map(function (item) {
          return {integrationContext: String(item.integrationContext), integrationType: String(item.integrationType),
                  tenantType: String(item.tenantType)};
        }));
      }
    }
  });

  var IN = window.IN = window.IN || {};
  IN.parse = parse;
  IN.ENV = {api_key: apiKey, origin: hireport};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { parse(document); });
  } else {
    parse(document);
  }
})();
