// Search for the IEHP hub: queries the prebuilt, sharded index under /search/data/ (made by
// src/search/ at build time) and renders results on the search page. Plain modern JavaScript,
// no dependencies. The engine (normalisation, Index) is exported so node's test runner and the
// benchmark run the very code browsers get; the page part runs only where there is a page.

const SPECIAL = { 'ß': 'ss', 'œ': 'oe', 'æ': 'ae', 'ø': 'o', 'ł': 'l', 'đ': 'd' };
const WORD = /[\p{Alphabetic}\p{N}]+/gu;

// Mirrors src/normalize.rs step for step (tests/fixtures/normalize.json checks both).
export function fold(text) {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[ßœæøłđ]/g, (c) => SPECIAL[c]);
}

// Light stemming for English and French: the rules of stem() in src/normalize.rs, in the
// same order (tests/fixtures/stems.json checks both).
export function stem(word) {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  const ends = (s) => w.length >= s.length + 3 && w.endsWith(s);
  const swap = (cut, add) => { w = w.slice(0, w.length - cut) + add; };
  if (ends('ies')) swap(3, 'i');
  else if (ends('eaux')) swap(1, '');
  else if (ends('aux')) swap(3, 'al');
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) swap(1, '');
  if (ends('ied')) swap(3, 'i');
  else if (ends('ing')) swap(3, '');
  else if (ends('ed') && !w.endsWith('eed')) swap(2, '');
  if (ends('iere')) swap(4, 'ier');
  else if (ends('ienne')) swap(5, 'ien');
  else if (ends('trice')) swap(5, 'teur');
  else if (ends('euse')) swap(4, 'eur');
  else if (ends('ee')) swap(1, '');
  if (ends('e')) swap(1, '');
  else if (ends('y') && !'aeiou'.includes(w[w.length - 2])) swap(1, 'i');
  return w;
}

export function terms(text, stop, max = 40) {
  return (fold(text).match(WORD) || []).filter((w) => [...w].length <= max && !stop.has(w)).map(stem);
}

// True when a and b differ by at most one insertion, deletion, substitution or swap of two
// neighbours.
function near(a, b) {
  const la = a.length, lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    return i === la || a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function lowerBound(list, x) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

const HIGH = '\uffff';
const WEIGHT = { exact: 1, prefix: 0.8, fuzzy: 0.55 };
const MAX_EXPANSIONS = 64;
// Tiers: an occupation's own code; a query that is a whole title; every word in the title.
const CODE_BONUS = 1e9, TITLE_BONUS = 1e8, IN_TITLE_BONUS = 1e7;
export const FACETS = ['type', 'province', 'status', 'lang', 'profession'];

export class Index {
  // load(url) resolves to the parsed JSON at url (fetch in browsers, files in tests).
  constructor(manifestUrl, load) {
    this.url = manifestUrl;
    this.base = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
    this.load = load;
    this.cache = new Map();
  }

  get(name) {
    let p = this.cache.get(name);
    if (!p) {
      p = this.load(this.base + name);
      this.cache.set(name, p);
      p.catch(() => this.cache.delete(name));
    }
    return p;
  }

  manifest() {
    this.mp = this.mp || this.load(this.url).then((m) => {
      this.m = m;
      this.stop = new Set(m.stop);
      return m;
    }, (e) => {
      this.mp = null;
      throw e;
    });
    return this.mp;
  }

  // Files of the shards holding terms in [lo, hi], from the pages of the manifest.
  async shardsFor(lo, hi) {
    const last = (list, x) => Math.max(0, lowerBound(list, x + '\0') - 1);
    const a = last(this.m.pageFirst, lo), b = last(this.m.pageFirst, hi);
    const out = [];
    for (let p = a; p <= b && p < this.m.pages.length; p++) {
      const page = await this.get(this.m.pages[p]);
      const i = p === a ? last(page.first, lo) : 0;
      const j = p === b ? last(page.first, hi) : page.first.length - 1;
      out.push(...page.shards.slice(i, j + 1));
    }
    return out;
  }

  // Dictionary files (terms without postings) of the pages covering terms in [lo, hi].
  async dictsFor(lo, hi) {
    const last = (list, x) => Math.max(0, lowerBound(list, x + '\0') - 1);
    const a = last(this.m.pageFirst, lo), b = last(this.m.pageFirst, hi);
    const out = [];
    for (let p = a; p <= b && p < this.m.pages.length; p++) {
      const page = await this.get(this.m.pages[p]);
      const i = p === a ? last(page.dictFirst, lo) : 0;
      const j = p === b ? last(page.dictFirst, hi) : page.dictFirst.length - 1;
      out.push(...page.dicts.slice(i, j + 1));
    }
    return out;
  }

  // The words of the index near q's (see expand; loose as there), from the dictionaries of
  // its first two letters: a word with a typo then fetches only the shards that hold them.
  async nearWords(q, loose) {
    const p2 = q.t.slice(0, 2);
    const dicts = await Promise.all((await this.dictsFor(p2, p2 + HIGH)).map((n) => this.get(n)));
    const out = [];
    for (const { t } of dicts) {
      for (let j = lowerBound(t, p2); j < t.length && t[j].startsWith(p2); j++) {
        if (t[j] !== q.t && this.close(q, t[j], loose)) out.push(t[j]);
      }
    }
    return out;
  }

  // Whether index word w is q's with one typo; loose: q is being typed, and nothing starts
  // with it, so w may also go on past it.
  close(q, w, loose) {
    return near(q.t, w) || (loose && w.length > q.t.length &&
      [-1, 0, 1].some((e) => near(q.t, w.slice(0, q.t.length + e))));
  }

  async shard(name) {
    const s = await this.get(name);
    s.dec = s.dec || [];
    return s;
  }

  async facets() {
    if (!this.f) {
      const raw = await this.get(this.m.facets);
      const n = this.m.docs;
      const f = { kind: new Uint8Array(n), status: new Uint8Array(n), lang: new Uint8Array(n),
        prov: new Uint16Array(n), prof: [] };
      for (let d = 0; d < n; d++) {
        f.kind[d] = raw.kind.charCodeAt(d) - 48;
        f.status[d] = '-up'.indexOf(raw.status[d]);
        f.lang[d] = parseInt(raw.langs[d], 36);
      }
      raw.prov.split(',').forEach((s, d) => {
        for (let k = 0; k < s.length; k++) f.prov[d] |= 1 << (s.charCodeAt(k) - 97);
      });
      f.prof = raw.prof.split(',').map((s) => (s ? s.split('.').map((x) => parseInt(x, 36)) : []));
      this.f = f;
    }
    return this.f;
  }

  // The query's terms, each with where to look: { t: the stem, raw: the word as typed (folded),
  // prefix?, fuzzy?, last? }. The word being typed also matches every index term starting with
  // what is typed so far.
  plan(query) {
    const words = (fold(query).match(WORD) || []).filter((w) => [...w].length <= this.m.maxTerm && !this.stop.has(w));
    const typing = !/\s$/.test(query);
    const out = words.map((raw, i) => {
      const t = stem(raw);
      const last = typing && i === words.length - 1;
      const prefix = last && raw.length >= (/^\d+$/.test(raw) ? 2 : 3);
      const fuzzy = [...t].length >= 5 && !/\d/.test(t);
      return { t, raw, prefix, fuzzy, last };
    });
    // A word typed twice (in any form) counts once; the word being typed keeps its prefix.
    return out.filter((q, i) => !out.some((o, j) => j > i && o.t === q.t));
  }

  // Candidate words for one query term, from the loaded shards: [word, weight, exact?].
  expand(q, shards) {
    const out = new Map();
    const add = (w, kind, s, k) => {
      const prev = out.get(w);
      if (!prev || prev.weight < WEIGHT[kind]) out.set(w, { w, weight: WEIGHT[kind], exact: kind === 'exact', s, k });
    };
    const prefixes = [];
    for (const s of shards) {
      const list = s.t;
      let k = lowerBound(list, q.t);
      if (list[k] === q.t) add(q.t, 'exact', s, k);
      if (q.prefix) {
        for (let j = lowerBound(list, q.raw); j < list.length && list[j].startsWith(q.raw); j++) {
          if (list[j] !== q.t) prefixes.push([list[j], s, j]);
        }
      }
      if (q.fuzzy) {
        const p2 = q.t.slice(0, 2);
        // A typo inside the word being typed is looked for only when nothing starts with it.
        const loose = q.prefix && !(out.size || prefixes.length || shards.some((o) => {
          const j = lowerBound(o.t, q.raw);
          return j < o.t.length && o.t[j].startsWith(q.raw);
        }));
        for (let j = lowerBound(list, p2); j < list.length && list[j].startsWith(p2); j++) {
          if (list[j] !== q.t && this.close(q, list[j], loose)) add(list[j], 'fuzzy', s, j);
        }
      }
    }
    // The most common completions of a short prefix are the likeliest.
    prefixes.sort((a, b) => b[1].p[b[2]].length - a[1].p[a[2]].length);
    for (const [w, s, k] of prefixes.slice(0, MAX_EXPANSIONS)) add(w, 'prefix', s, k);
    return [...out.values()];
  }

  postings(s, k) {
    let d = s.dec[k];
    if (!d) {
      const raw = s.p[k];
      const docs = new Int32Array(raw.length / 2), vals = new Uint16Array(raw.length / 2);
      for (let i = 0, doc = 0; i < raw.length; i += 2) {
        doc += raw[i];
        docs[i / 2] = doc;
        vals[i / 2] = raw[i + 1];
      }
      d = s.dec[k] = { docs, vals };
    }
    return d;
  }

  // Runs a query. filters: { type: [...], province: [...], status, lang, profession }. The
  // facet table is fetched only for filters or when counts are asked for.
  // Returns { hits: [doc ids, best first], scores, counts (or null), partial, words, terms }.
  async search(query, filters = {}, { counts = false } = {}) {
    const m = await this.manifest();
    const qs = this.plan(query);
    const active = FACETS.filter((f) => filters[f] && filters[f].length);
    if (!qs.length && !active.length) return null;
    const load = async (lo, hi) => Promise.all((await this.shardsFor(lo, hi)).map((n) => this.shard(n)));
    const [f] = await Promise.all([
      active.length || counts ? this.facets() : null,
      ...qs.map(async (q) => {
        // The stem, and what starts with the word as typed (a stem is seldom far from it).
        const ranges = [[q.t, q.t]];
        if (q.prefix) ranges.push([q.raw, q.raw + HIGH]);
        q.loaded = [...new Set((await Promise.all(ranges.map(([lo, hi]) => load(lo, hi)))).flat())];
        // A word the index has as typed (or as a prefix) is looked for with a typo only in the
        // shards already in. One it lacks is looked up in the dictionaries of its first two
        // letters, and only the shards holding the words near it are fetched.
        const found = q.loaded.some((s) => {
          const j = lowerBound(s.t, q.t);
          const k = lowerBound(s.t, q.raw);
          return (j < s.t.length && s.t[j] === q.t) || (q.prefix && k < s.t.length && s.t[k].startsWith(q.raw));
        });
        if (q.fuzzy && !found) await this.widen(q, q.prefix, load);
      }),
    ]);
    const res = this.run(qs, filters, f, m);
    // No result has every word: one of them may be a typo that is also a word of the index
    // ("registred" is the stem of a French word). Its near words are looked for before
    // settling for results with some of the words.
    const again = res.partial ? qs.filter((q) => q.fuzzy && !q.widened) : [];
    if (!again.length) return res;
    await Promise.all(again.map((q) => this.widen(q, false, load)));
    return this.run(qs, filters, f, m);
  }

  // Fetches the shards of the words near q's (see nearWords) into q.loaded.
  async widen(q, loose, load) {
    q.widened = true;
    const words = await this.nearWords(q, loose);
    const more = await Promise.all(words.map((w) => load(w, w)));
    q.loaded = [...new Set([...q.loaded, ...more.flat()])];
  }

  // The synchronous part of a search, once its files are in. f: the facet table, or null.
  run(qs, filters, f, m) {
    const n = m.docs;
    const words = new Set();
    const per = qs.map((q) => {
      const score = new Float32Array(n), flags = new Uint8Array(n), tlen = new Uint8Array(n), docs = [];
      for (const c of this.expand(q, q.loaded)) {
        const { docs: ds, vals } = this.postings(c.s, c.k);
        if (ds.length) words.add(c.w);
        for (let i = 0; i < ds.length; i++) {
          // See encode() in src/search/postings.rs: title postings carry the title's length.
          const d = ds[i], val = vals[i], title = val & 1, v = (title ? val >> 6 : val >> 2) * c.weight;
          if (score[d] === 0) docs.push(d);
          if (v > score[d]) score[d] = v;
          if (c.exact) {
            flags[d] |= val & 3;
            if (title) tlen[d] = (val >> 2) & 15;
          }
        }
      }
      return { score, flags, tlen, docs };
    });
    let candidates, partial = false;
    if (!qs.length) {
      candidates = Array.from({ length: n }, (_, d) => d);
    } else {
      const rarest = per.reduce((a, b) => (b.docs.length < a.docs.length ? b : a));
      candidates = rarest.docs.filter((d) => per.every((p) => p.score[d] > 0));
      if (!candidates.length && per.length > 1) {
        partial = true;
        candidates = [...new Set(per.flatMap((p) => p.docs))];
      }
    }
    const scores = new Float64Array(n);
    for (const d of candidates) {
      let s = 0, code = false, title = per.length > 0, inTitle = per.length > 0;
      for (const p of per) {
        s += p.score[d];
        code = code || (p.flags[d] & 2) !== 0;
        inTitle = inTitle && (p.flags[d] & 1) !== 0;
        title = title && inTitle && p.tlen[d] <= per.length;
      }
      if (code) s += CODE_BONUS;
      if (title) s += TITLE_BONUS;
      else if (inTitle) s += IN_TITLE_BONUS;
      scores[d] = s;
    }
    // Values within a facet are alternatives; facets narrow each other. Each facet's counts
    // ignore its own choices, so they say what ticking one more box would give.
    const want = {
      type: new Set((filters.type || []).map((k) => m.kinds.indexOf(k))),
      province: (filters.province || []).reduce((b, p) => b | (1 << m.provinces.indexOf(String(p).toUpperCase())), 0),
      status: new Set((filters.status || []).map((s) => '-up'.indexOf(s[0]))),
      lang: (filters.lang || []).reduce((b, l) => b | (1 << m.languages.indexOf(l)), 0),
      profession: new Set((filters.profession || []).map((c) => m.professions.indexOf(c))),
    };
    // National documents (occupations, items for all of Canada) apply in every province.
    const national = 1 << m.provinces.indexOf('CA');
    const tests = [
      (d) => !want.type.size || want.type.has(f.kind[d]),
      (d) => !want.province || (f.prov[d] & (want.province | national)) !== 0,
      (d) => !want.status.size || want.status.has(f.status[d]),
      (d) => !want.lang || (f.lang[d] & want.lang) !== 0,
      (d) => !want.profession.size || f.prof[d].some((o) => want.profession.has(o)),
    ];
    if (!f) {
      const hits = candidates.slice().sort((a, b) => scores[b] - scores[a] || a - b);
      return { hits, scores, counts: null, partial, words, terms: qs.map((q) => q.t) };
    }
    // province: what ticking each province would give (its own documents and the national
    // ones); own: its own documents alone, so the page can fold away provinces with none.
    const counts = { type: {}, province: {}, own: {}, status: {}, lang: {}, profession: {} };
    const bump = (facet, key) => { counts[facet][key] = (counts[facet][key] || 0) + 1; };
    const hits = [];
    for (const d of candidates) {
      let miss = -1, misses = 0;
      for (let t = 0; t < 5; t++) if (!tests[t](d)) { miss = t; misses++; }
      if (misses > 1) continue;
      if (misses === 0) hits.push(d);
      if (miss < 0 || miss === 0) bump('type', m.kinds[f.kind[d]]);
      if (miss < 0 || miss === 1) {
        const pv = f.prov[d];
        for (let p = 0; p < m.provinces.length; p++) {
          if (pv & (1 << p)) bump('own', m.provinces[p]);
          if (pv & ((1 << p) | national)) bump('province', m.provinces[p]);
        }
      }
      if ((miss < 0 || miss === 2) && f.status[d] > 0) bump('status', f.status[d] === 1 ? 'upcoming' : 'past');
      if (miss < 0 || miss === 3) m.languages.forEach((l, i) => { if (f.lang[d] & (1 << i)) bump('lang', l); });
      if (miss < 0 || miss === 4) for (const o of f.prof[d]) bump('profession', m.professions[o]);
    }
    hits.sort((a, b) => scores[b] - scores[a] || a - b);
    return { hits, scores, counts, partial, words, terms: qs.map((q) => q.t) };
  }

  // What documents show in one interface language: [title, url, snippet, date, dateKind,
  // textLang, kind, provinces, professions] each.
  async docs(lang, ids) {
    const m = await this.manifest();
    const dir = m.stored[lang] || m.stored[m.languages[0]];
    const chunks = await Promise.all(ids.map((d) => this.get(`${dir}${Math.floor(d / m.chunk)}.json`)));
    const list = (s) => (s ? s.split(' ') : []);
    return ids.map((d, i) => {
      const [title, url, snippet, date, dateKind, textLang, kind, provinces, professions] = chunks[i][d % m.chunk];
      return { id: d, title, url, snippet, date, dateKind, textLang, kind: m.kinds[kind],
        provinces: list(provinces), professions: list(professions) };
    });
  }
}

// ---- the page ----

const PAGE = 10;

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
}

// The text with every word the search matched wrapped in <mark>, built as nodes (never HTML).
function marked(text, words) {
  const out = [];
  let at = 0;
  for (const hit of text.matchAll(WORD)) {
    if (!words.has(stem(fold(hit[0])))) continue;
    out.push(text.slice(at, hit.index), el('mark', { textContent: hit[0] }));
    at = hit.index + hit[0].length;
  }
  out.push(text.slice(at));
  return out;
}

function page(root) {
  const form = root.querySelector('form');
  const input = form.elements.q;
  const status = document.getElementById('search-status');
  const results = document.getElementById('results');
  const filters = document.getElementById('search-filters');
  const t = (key, n) => (root.dataset['t' + key.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || '').replace('{n}', n);
  const lang = root.dataset.lang;
  const index = new Index(root.dataset.manifest, async (url) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  });
  const labels = {};
  for (const box of form.querySelectorAll('input[type=checkbox]')) {
    labels[`${box.name}:${box.value}`] = box.parentElement.querySelector('.facet-label').textContent;
  }
  const select = form.elements.profession;
  for (const o of select.options) o.dataset.label = o.textContent;
  for (const o of select.options) labels[`profession:${o.value}`] = o.textContent;

  let seq = 0, timer = 0, shown = [], res = null;

  const chosen = () => {
    const out = {};
    for (const name of FACETS) out[name] = new FormData(form).getAll(name).filter(Boolean);
    return out;
  };

  function sync() {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set('q', input.value.trim());
    const c = chosen();
    for (const name of FACETS) for (const v of c[name]) params.append(name, v);
    const qs = params.toString();
    history.replaceState(null, '', qs ? `?${qs}` : location.pathname);
    // The same search in the other language is one click away.
    for (const a of document.querySelectorAll('.lang-switch a')) {
      a.setAttribute('href', a.pathname + (qs ? `?${qs}` : ''));
    }
  }

  function showCounts(counts) {
    for (const box of form.querySelectorAll('input[type=checkbox]')) {
      const n = counts ? counts[box.name][box.value] || 0 : null;
      box.parentElement.querySelector('.facet-count').textContent = n === null ? '' : `(${n})`;
      // A province with nothing of its own (only national items) is folded away, unless chosen.
      if (box.name === 'province') box.parentElement.hidden = !!counts && !box.checked && !counts.own[box.value];
    }
    for (const o of select.options) {
      const n = counts && o.value ? counts.profession[o.value] || 0 : null;
      o.textContent = n === null ? o.dataset.label : `${o.dataset.label} (${n})`;
    }
  }

  async function render(list, words) {
    const docs = await index.docs(lang, list);
    return docs.map((d) => {
      const meta = [t(`kind-${d.kind}`), d.provinces.map((p) => labels[`province:${p}`]).join(', ')];
      if (d.date) meta.push(d.dateKind === 1 ? d.date : `${t('reviewed')} ${d.date}`);
      const textLang = d.textLang ? { lang: d.textLang } : {};
      const profs = d.kind === 'occupations' ? [] : d.professions.slice(0, 3).map((c) => labels[`profession:${c}`]);
      return el('li', { className: 'result' },
        el('a', { href: d.url, ...textLang }, ...marked(d.title, words)),
        d.textLang ? ' ' : null,
        d.textLang ? el('span', { className: 'result-lang' }, t(`only-${d.textLang}`)) : null,
        el('p', { className: 'result-meta' }, meta.filter(Boolean).join(' · ')),
        d.snippet ? el('p', { className: 'result-snippet', ...textLang }, ...marked(d.snippet, words)) : null,
        profs.length ? el('p', { className: 'result-professions' }, `${t('professions')} `, ...marked(profs.join('; ') + (d.professions.length > 3 ? '; …' : ''), words)) : null);
    });
  }

  async function more() {
    const next = res.hits.slice(shown.length, shown.length + PAGE);
    const items = await render(next, res.words);
    shown = shown.concat(next);
    const ol = results.querySelector('ol');
    ol.append(...items);
    results.querySelector('.search-more')?.remove();
    if (shown.length < res.hits.length) results.append(el('button', { type: 'button', className: 'search-more', textContent: t('more'), onclick: more }));
    items[0]?.querySelector('a').focus();
  }

  async function run() {
    const mine = ++seq;
    sync();
    // Said only when the network is slow, so fast answers are announced once.
    const slow = setTimeout(() => { if (mine === seq) status.textContent = t('loading'); }, 500);
    try {
      // Counts are shown only with the filters, so the facet table is fetched only for them.
      const r = await index.search(input.value, chosen(), { counts: filters.open });
      if (mine !== seq) return;
      res = r;
      if (!r) {
        results.replaceChildren();
        showCounts(null);
        status.textContent = t('prompt');
        return;
      }
      showCounts(r.counts);
      shown = r.hits.slice(0, PAGE);
      const items = await render(shown, r.words);
      if (mine !== seq) return;
      results.replaceChildren(el('ol', {}, ...items));
      if (shown.length < r.hits.length) results.append(el('button', { type: 'button', className: 'search-more', textContent: t('more'), onclick: more }));
      const n = r.hits.length;
      status.textContent = n === 0 ? t('none') : `${n === 1 ? t('one') : t('other', n)}${r.partial ? '. ' + t('partial') : ''}`;
    } catch (e) {
      if (mine === seq) status.textContent = t('error');
      console.error(e);
    } finally {
      clearTimeout(slow);
    }
  }

  const soon = () => { clearTimeout(timer); timer = setTimeout(run, 150); };
  input.addEventListener('input', soon);
  form.addEventListener('change', (e) => { if (e.target !== input) run(); });
  filters.addEventListener('toggle', () => { if (filters.open && res && !res.counts) run(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); run(); });

  const params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  let any = false;
  for (const box of form.querySelectorAll('input[type=checkbox]')) {
    box.checked = params.getAll(box.name).some((v) => v.toLowerCase() === box.value.toLowerCase());
    any = any || box.checked;
  }
  if (params.get('profession')) { select.value = params.get('profession'); any = any || !!select.value; }
  if (any) filters.open = true;
  document.getElementById('search-nojs').hidden = true;
  root.hidden = false;
  if (input.value || any) {
    run();
  } else {
    status.textContent = t('prompt');
    // Small, and needed by the first keystroke: fetch it while the reader types.
    index.manifest().catch(() => {});
  }
}

if (typeof document !== 'undefined') {
  const root = document.getElementById('search');
  if (root) page(root);
}
