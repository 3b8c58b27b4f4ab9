// Progress of a rotation plan being made: polls the job and shows how far
// it has come; reloads the page when the plan is ready. The page works
// without this (a link refreshes it).
(function () {
  'use strict';
  var section = document.getElementById('running');
  if (!section) return;
  var url = section.getAttribute('data-status');
  var bar = document.getElementById('progress');
  var text = document.getElementById('progress-text');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        bar.max = Math.max(1, s.total);
        bar.value = s.done;
        var t = s.done + ' / ' + s.total;
        text.textContent = text.textContent.replace(/^\d+ \/ \d+/, t);
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
