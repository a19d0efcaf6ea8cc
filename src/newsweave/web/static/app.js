// newsweave: progressive enhancement only; every page works without this file.
// Opening a link to an article (#article-...) unfolds that article's <details>.
"use strict";
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var target = id && document.getElementById(id);
  if (target && target.tagName === "DETAILS") {
    target.open = true;
  }
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", openTarget);
