// Filters a list page in place: a text box (and, when the items carry them, a province and a
// status choice) hides the cards that do not match. Progressive enhancement: without
// JavaScript the list is complete and every filter is also a real page (provinces,
// occupations, collections). Labels come from the list's data-filter-* attributes, so they are
// in the page's language. No inline script or style: hiding uses the `hidden` attribute.
(function () {
  'use strict';

  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  function option(select, value, text) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }

  function field(form, id, label, control) {
    var p = document.createElement('p');
    p.className = 'filter-field';
    var l = document.createElement('label');
    l.htmlFor = id;
    l.textContent = label;
    control.id = id;
    p.appendChild(l);
    p.appendChild(control);
    form.appendChild(p);
  }

  function setup(list, n) {
    var items = Array.prototype.slice.call(list.querySelectorAll('[data-filter-item]'));
    if (items.length < 2) return;
    var d = list.dataset;
    var texts = items.map(function (it) { return fold(it.textContent); });

    var form = document.createElement('form');
    form.className = 'filter';
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    var box = document.createElement('fieldset');
    var legend = document.createElement('legend');
    legend.textContent = d.filterLegend || '';
    box.appendChild(legend);
    form.appendChild(box);

    var input = document.createElement('input');
    input.type = 'search';
    input.autocomplete = 'off';
    field(box, 'filter-text-' + n, d.filterLabel, input);

    var province = null;
    var names = {};
    list.querySelectorAll('[data-code]').forEach(function (a) { names[a.dataset.code] = a.textContent; });
    var codes = Object.keys(names);
    if (codes.length > 1 && d.filterProvince) {
      province = document.createElement('select');
      option(province, '', d.filterAny);
      codes.sort(function (a, b) { return a === 'CA' ? -1 : b === 'CA' ? 1 : names[a].localeCompare(names[b]); });
      codes.forEach(function (c) { option(province, c, names[c]); });
      field(box, 'filter-province-' + n, d.filterProvince, province);
    }

    var status = null;
    var statuses = {};
    items.forEach(function (it) {
      var s = it.dataset.status;
      var badge = s && it.querySelector('.status-' + s);
      if (badge) statuses[s] = badge.textContent;
    });
    if (Object.keys(statuses).length > 1 && d.filterStatus) {
      status = document.createElement('select');
      option(status, '', d.filterAny);
      Object.keys(statuses).forEach(function (s) { option(status, s, statuses[s]); });
      field(box, 'filter-status-' + n, d.filterStatus, status);
    }

    var count = document.createElement('p');
    count.className = 'filter-count';
    count.setAttribute('role', 'status');
    form.appendChild(count);
    list.parentNode.insertBefore(form, list);

    // An item for all of Canada applies in every province, as in the site search.
    function inProvince(codes, p) {
      return codes.indexOf(p) >= 0 || (p !== 'CA' && codes.indexOf('CA') >= 0);
    }

    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var p = province ? province.value : '';
      var s = status ? status.value : '';
      var shown = 0;
      items.forEach(function (it, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) >= 0; }) &&
          (!p || inProvince((it.dataset.provinces || '').split(' '), p)) &&
          (!s || it.dataset.status === s);
        it.hidden = !ok;
        if (ok) shown++;
      });
      // A section heading stays only while one of its cards does.
      list.querySelectorAll('[data-filter-heading]').forEach(function (h) {
        var any = false;
        for (var el = h.nextElementSibling; el && !el.hasAttribute('data-filter-heading'); el = el.nextElementSibling) {
          if (el.hasAttribute('data-filter-item') && !el.hidden) { any = true; break; }
        }
        h.hidden = !any;
      });
      list.querySelectorAll('[data-filter-group]').forEach(function (g) {
        g.hidden = !g.querySelector('[data-filter-item]:not([hidden])');
      });
      count.textContent = (d.filterCount || '{shown} / {total}')
        .replace('{shown}', shown)
        .replace('{total}', items.length);
    }

    input.addEventListener('input', apply);
    if (province) province.addEventListener('change', apply);
    if (status) status.addEventListener('change', apply);
  }

  var lists = document.querySelectorAll('[data-filter]');
  for (var i = 0; i < lists.length; i++) setup(lists[i], i + 1);
})();
