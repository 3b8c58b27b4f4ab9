// The agreement template editor, enhanced: each placeholder in the list
// gets a button that writes it into the text where the cursor is. Without
// JavaScript the list still shows each placeholder and what it means.
(function () {
  'use strict';
  document.querySelectorAll('dl.placeholders[data-target]').forEach(function (list) {
    var area = document.getElementById(list.getAttribute('data-target'));
    if (!area) return;
    var label = list.getAttribute('data-insert') || 'Insert';
    list.querySelectorAll('dd').forEach(function (dd) {
      var code = dd.querySelector('code');
      if (!code) return;
      var meaning = dd.previousElementSibling ? dd.previousElementSibling.textContent : code.textContent;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'button secondary insert';
      button.textContent = label;
      button.setAttribute('aria-label', label + ': ' + meaning);
      button.addEventListener('click', function () {
        var text = code.textContent;
        var start = area.selectionStart, end = area.selectionEnd;
        area.value = area.value.slice(0, start) + text + area.value.slice(end);
        area.focus();
        area.selectionStart = area.selectionEnd = start + text.length;
      });
      dd.appendChild(document.createTextNode(' '));
      dd.appendChild(button);
    });
  });
})();
