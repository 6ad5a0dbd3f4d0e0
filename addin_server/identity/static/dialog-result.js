// Hands the sign-in result to the taskpane: through Office when this page is an Office
// dialog, otherwise (demo in a plain browser) to the window that opened it, same origin only.
(function () {
  "use strict";
  var text = document.getElementById("dialog-result").textContent;

  function toOpener() {
    if (window.opener) {
      window.opener.postMessage(JSON.parse(text), window.location.origin);
      window.close();
    }
  }

  if (window.Office && window.Office.onReady) {
    window.Office.onReady(function () {
      if (window.Office.context && window.Office.context.ui) {
        window.Office.context.ui.messageParent(text);
      } else {
        toOpener();
      }
    });
  } else {
    toOpener();
  }
})();
