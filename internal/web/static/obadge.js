// Adds a Copy button beside each read-only link field. Optional: the page works
// without it (the field can be selected and copied by hand).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("input[data-copy]").forEach(function (field) {
    var row = document.createElement("div");
    row.className = "copy-row";
    field.parentNode.insertBefore(row, field);
    row.appendChild(field);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Copy link";
    button.setAttribute("aria-label", "Copy the link to this page");
    row.appendChild(button);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy link"; }, 2000);
      }, function () { field.select(); });
    });
  });
});

// The manage link carries the recipient's manage key in the URL fragment, which
// browsers never send to the server. Copy it into the manage form and drop it from
// the address bar (and so from history). Without script the recipient pastes it.
document.addEventListener("DOMContentLoaded", function () {
  var field = document.getElementById("manage-key");
  var key = window.location.hash.slice(1);
  if (!field || !/^[A-Za-z0-9_-]{22}$/.test(key)) { return; }
  field.value = key;
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
});
