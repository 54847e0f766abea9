// The dev server's live reload (`iehp serve` only; never part of a built site). Listens to the
// server's event stream: reloads this page when its file changes, swaps stylesheets in place
// when only they changed, and shows the build's problems over the page until they are fixed.
// Styled by classes from livereload.css: the site's content security policy allows no inline
// styles, in the dev server as on the web.
(function () {
  'use strict';
  var script = document.currentScript;
  var file = script ? script.getAttribute('data-file') : null;
  var overlay = null;

  function styleSheet() {
    if (document.querySelector('link[data-iehp-dev]')) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/__iehp/livereload.css';
    link.setAttribute('data-iehp-dev', '');
    document.head.appendChild(link);
  }

  function showProblems(problems) {
    styleSheet();
    hideProblems();
    overlay = document.createElement('section');
    overlay.className = 'iehp-problems';
    overlay.setAttribute('role', 'alert');
    overlay.setAttribute('aria-label', 'Build problems');
    var heading = document.createElement('h2');
    heading.textContent = problems.length === 1
      ? 'The last edit has a problem'
      : 'The last edit has ' + problems.length + ' problems';
    var note = document.createElement('p');
    note.textContent = 'This is the last good version of the site. Fix the file and this notice goes away.';
    var list = document.createElement('ul');
    problems.forEach(function (p) {
      var item = document.createElement('li');
      var where = document.createElement('code');
      where.textContent = p.file + (p.line ? ':' + p.line + (p.column ? ':' + p.column : '') : '');
      item.appendChild(where);
      item.appendChild(document.createTextNode(' ' + p.message));
      list.appendChild(item);
    });
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.addEventListener('click', hideProblems);
    overlay.appendChild(heading);
    overlay.appendChild(note);
    overlay.appendChild(list);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function hideProblems() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
  }

  function swapStyles(swaps) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    swaps.forEach(function (swap) {
      for (var i = 0; i < links.length; i++) {
        if (links[i].getAttribute('href') === swap[0]) links[i].setAttribute('href', swap[1]);
      }
    });
  }

  var source = new EventSource('/__iehp/events');
  // Within reach, so a test (or a curious editor) can see whether the stream is open.
  window.iehpEvents = source;
  source.addEventListener('reload', function (e) {
    var data = JSON.parse(e.data);
    if (data.all || (file !== null && data.files.indexOf(file) !== -1)) location.reload();
  });
  source.addEventListener('styles', function (e) {
    swapStyles(JSON.parse(e.data).swaps);
  });
  source.addEventListener('problems', function (e) {
    showProblems(JSON.parse(e.data).problems);
  });
  source.addEventListener('fixed', hideProblems);
})();
