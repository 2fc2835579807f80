/* The sign-in window of the integration plugin: hand the grant to the frame that opened it, if that frame is
 * hireport's own (postMessage to this origin only), then close. */
(function () {
  "use strict";
  var node = document.getElementById("connect");
  if (!node || !window.opener) { return; }
  window.opener.postMessage({type: "grant", grant: node.getAttribute("data-grant")}, window.location.origin);
  window.close();
})();
