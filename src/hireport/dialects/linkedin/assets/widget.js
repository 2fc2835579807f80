/* The integration plugin's frame. It talks to the page that embeds it only through postMessage aimed at that
 * page's origin (which the browser has held to the app's domains with frame-ancestors), and takes its grant
 * only from the sign-in window it opened, on hireport's own origin. */
(function () {
  "use strict";
  var refused = document.getElementById("refused");
  var root = document.getElementById("widget");
  var parentOrigin = root ? root.getAttribute("data-origin") : "*";

  function tell(message) {
    message.widget = (root || refused).getAttribute("data-widget");
    if (window.parent !== window) { window.parent.postMessage(message, parentOrigin); }
  }

  if (refused) {  // nothing here is secret: any page may hear why the widget is not shown
    console.error(refused.getAttribute("data-code"));
    tell({type: "refused", code: refused.getAttribute("data-code")});
    return;
  }
  if (!root) { return; }
  var ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length && ancestors[0] !== parentOrigin) { return; }  // the page misnamed its origin

  var apiKey = root.getAttribute("data-api-key");
  var types = root.getAttribute("data-types");
  var grant = null;
  var popup = null;
  var signinBox = document.getElementById("signin");
  var who = document.getElementById("who");
  var problem = document.getElementById("problem");

  function show(text) {
    problem.textContent = text;
    problem.hidden = !text;
    resize();
  }

  function resize() {
    tell({type: "height", height: Math.ceil((root || refused).getBoundingClientRect().bottom) + 2});
  }

  function call(method, path, body) {
    var init = {method: method, headers: {"Authorization": "Bearer " + grant}, credentials: "omit"};
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) { signedOut(); throw new Error(""); }
        if (!response.ok) { throw new Error(data.message || "Something went wrong. Please try again."); }
        return data;
      });
    });
  }

  function signedOut() {
    grant = null;
    signinBox.hidden = false;
    who.hidden = true;
    paint([]);
  }

  function paint(bundles) {
    var byType = {};
    bundles.forEach(function (b) { byType[b.type] = b; });
    Array.prototype.forEach.call(document.querySelectorAll(".bundles li[data-type]"), function (item) {
      var state = byType[item.getAttribute("data-type")];
      var status = state ? state.status : null;
      item.querySelector("[data-status]").textContent = status || "";
      item.querySelector("[data-request]").hidden = !state || status !== null;
      item.querySelector("[data-confirm]").hidden = !state || status !== "PARTNER_READY";
    });
    resize();
  }

  function refresh() {
    return call("GET", "/uas/widgets/ats/state?" + new URLSearchParams({api_key: apiKey, types: types}))
      .then(function (state) {
        signinBox.hidden = true;
        who.hidden = false;
        who.textContent = "Signed in as " + state.person + " for " + state.customer;
        show("");
        paint(state.bundles);
      }, function (error) { if (error.message) { signinBox.hidden = true; show(error.message); paint([]); } });
  }

  document.getElementById("signin-button").addEventListener("click", function () {
    popup = window.open("/uas/widgets/ats/connect?" + new URLSearchParams({api_key: apiKey}), "hireport_signin",
                        "popup,width=480,height=640");
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || !popup || event.source !== popup) { return; }
    if (!event.data || event.data.type !== "grant" || typeof event.data.grant !== "string") { return; }
    grant = event.data.grant;
    refresh();
  });

  document.querySelector(".bundles").addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !grant) { return; }
    var type = button.closest("li").getAttribute("data-type");
    var asking = button.hasAttribute("data-request");
    button.disabled = true;
    call("POST", asking ? "/uas/widgets/ats/requests" : "/uas/widgets/ats/confirmations",
         {api_key: apiKey, type: type})
      .then(function (answer) {
        if (asking) { tell({type: "integrate", integrations: answer}); }
        return refresh();
      }, function (error) { if (error.message) { show(error.message); } })
      .then(function () { button.disabled = false; });
  });

  tell({type: "ready"});
  resize();
})();
