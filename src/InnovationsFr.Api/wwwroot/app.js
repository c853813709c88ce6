// InnovationsFr — the reader's search page, article view and tag pages. Plain JavaScript, no build.
// Every piece of data goes into the page as text (textContent / text nodes); the only markup taken
// from the API is <mark> in highlighted fragments, rebuilt element by element.
'use strict';
(() => {
  const main = document.getElementById('main');
  const form = document.getElementById('search-form');
  const input = document.getElementById('q');
  const list = document.getElementById('suggestions');
  const dateFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
  const count = new Intl.NumberFormat('fr-FR');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // Highlighted fragments arrive escaped, with <mark>: parsed in an inert document, rebuilt as text and <mark> only.
  function marked(html) {
    const doc = new DOMParser().parseFromString('<body>' + (html || '') + '</body>', 'text/html');
    const fragment = document.createDocumentFragment();
    for (const node of doc.body.childNodes) {
      fragment.append(node.nodeName === 'MARK' ? el('mark', {}, node.textContent) : document.createTextNode(node.textContent || ''));
    }
    return fragment;
  }

  const slugify = (text) => (text || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const frenchDate = (iso) => dateFormat.format(new Date(iso));
  const plural = (n, one, many) => `${count.format(n)} ${n > 1 ? many : one}`;

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      const error = new Error(`HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function navigate(url) {
    history.pushState(null, '', url);
    route();
  }

  function show(...children) {
    main.replaceChildren(...children);
  }

  function failure(message) {
    show(el('p', { class: 'status', role: 'alert' }, message));
  }

  function tagLinks(labels) {
    return el('ul', { class: 'tags', 'aria-label': 'Étiquettes' },
      labels.map((label) => el('li', {}, el('a', { href: '/tags/' + encodeURIComponent(slugify(label)) }, label))));
  }

  // ---------- search ----------
  let searchSeq = 0;

  async function showSearch(params) {
    const q = params.get('q') || '';
    input.value = q;
    document.title = q ? `${q} — Recherche InnovationsFr` : 'Recherche — InnovationsFr';
    const request = new URLSearchParams();
    if (q) request.set('q', q);
    for (const tag of params.getAll('tag')) request.append('tag', tag);
    for (const key of ['sort', 'from', 'to', 'page']) if (params.get(key)) request.set(key, params.get(key));
    request.set('size', '10');
    request.set('facetLimit', '40');
    const seq = ++searchSeq;
    let page;
    try {
      page = await api('/api/search?' + request);
    } catch (e) {
      if (seq === searchSeq) failure(e.status === 400 ? 'Ces filtres ne sont pas valides.' : 'La recherche est indisponible pour le moment. Réessayez dans un instant.');
      return;
    }
    if (seq !== searchSeq) return;
    let popular = [];
    if (page.total === 0) {
      try { popular = (await api('/api/tags/cloud?number=12')).tags; } catch { popular = []; }
      if (seq !== searchSeq) return;
    }
    renderSearch(params, page, popular);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      performance.mark('results-painted');
      document.body.dataset.painted = String(seq);
    }));
  }

  function withParams(params, change) {
    const next = new URLSearchParams(params);
    change(next);
    next.delete('page');
    return '/?' + next;
  }

  // Which result of which query was opened: the query, the article and where it stood, nothing
  // about the reader. A beacon survives the navigation it precedes.
  function reportClick(query, id, rank, pageNumber) {
    if (!query || !navigator.sendBeacon) return;
    const body = JSON.stringify({ query, id, rank, page: pageNumber });
    navigator.sendBeacon('/api/clicks', new Blob([body], { type: 'application/json' }));
  }

  function renderSearch(params, page, popular) {
    const q = params.get('q') || '';
    const selected = new Set(params.getAll('tag'));
    const results = el('section', { class: 'results', 'aria-labelledby': 'results-title' });
    results.append(el('h1', { id: 'results-title', class: 'summary' },
      q ? `${plural(page.total, 'résultat', 'résultats')} pour « ${q} »` : `${plural(page.total, 'article', 'articles')}`));

    if (page.suggestion) {
      results.append(el('p', { class: 'didyoumean' }, 'Vouliez-vous dire ',
        el('a', { href: withParams(params, (p) => p.set('q', page.suggestion)), 'data-nav': true }, page.suggestion), ' ?'));
    }

    if (page.total === 0) {
      results.append(el('div', { class: 'empty' },
        el('p', {}, q ? `Aucun article ne correspond à « ${q} ».` : 'Aucun article ne correspond à ces filtres.'),
        el('p', {}, 'Essayez des mots plus courts ou moins nombreux, ou retirez des filtres.'),
        popular.length ? el('p', {}, 'Étiquettes populaires :') : null,
        popular.length ? tagLinks(popular.map((t) => t.label)) : null));
    } else {
      results.append(el('ol', { class: 'hits', start: (page.page - 1) * page.size + 1 }, page.hits.map((hit, i) =>
        el('li', { class: 'hit' },
          el('h2', {}, el('a', {
            href: '/articles/' + encodeURIComponent(hit.slug),
            onclick: () => reportClick(q, hit.id, (page.page - 1) * page.size + i + 1, page.page),
          }, marked(hit.highlightedTitle))),
          el('p', { class: 'meta' }, el('time', { datetime: hit.publishedAt }, frenchDate(hit.publishedAt)), hit.rubric ? ` · ${hit.rubric}` : ''),
          el('p', { class: 'snippet' }, marked(hit.snippet)),
          hit.tags.length ? tagLinks(hit.tags) : null))));
      const pages = Math.ceil(Math.min(page.total, 10000) / page.size);
      const pageLink = (n, text) => {
        const next = new URLSearchParams(params);
        next.set('page', String(n));
        return el('a', { href: '/?' + next, 'data-nav': true }, text);
      };
      results.append(el('nav', { class: 'pager', 'aria-label': 'Pages' },
        page.page > 1 ? pageLink(page.page - 1, '← Page précédente') : null,
        el('span', {}, `Page ${page.page} sur ${Math.max(pages, 1)}`),
        page.page < pages ? pageLink(page.page + 1, 'Page suivante →') : null));
    }

    show(el('div', { class: 'layout' }, facets(params, page, selected), results));
  }

  function facets(params, page, selected) {
    const tagBoxes = el('div', { class: 'tag-options' }, page.tags.map((tag) =>
      el('label', {},
        el('input', {
          type: 'checkbox', name: 'tag', value: tag.slug, checked: tag.selected || selected.has(tag.slug),
          onchange: (e) => navigate(withParams(params, (p) => {
            const tags = p.getAll('tag').filter((t) => t !== tag.slug);
            p.delete('tag');
            for (const t of tags) p.append('tag', t);
            if (e.target.checked) p.append('tag', tag.slug);
          })),
        }),
        el('span', { class: 'label' }, tag.label), el('span', { class: 'count' }, `(${count.format(tag.count)})`))));
    const filter = el('input', {
      type: 'text', id: 'tag-filter', placeholder: 'ex. : énergie',
      oninput: (e) => {
        const wanted = slugify(e.target.value);
        for (const label of tagBoxes.children) label.hidden = wanted !== '' && !slugify(label.textContent).includes(wanted);
      },
    });
    const date = (name, text) => el('label', {}, text, el('input', {
      type: 'date', name, value: params.get(name) || '',
      onchange: (e) => navigate(withParams(params, (p) => (e.target.value ? p.set(name, e.target.value) : p.delete(name)))),
    }));
    return el('aside', { class: 'facets', 'aria-label': 'Filtres' },
      el('fieldset', {},
        el('legend', {}, 'Trier'),
        el('label', { for: 'sort' }, 'Ordre des résultats'),
        el('select', {
          id: 'sort', name: 'sort',
          onchange: (e) => navigate(withParams(params, (p) => (e.target.value === 'date' ? p.set('sort', 'date') : p.delete('sort')))),
        },
        el('option', { value: 'relevance', selected: params.get('sort') !== 'date' }, 'Pertinence'),
        el('option', { value: 'date', selected: params.get('sort') === 'date' }, 'Plus récents'))),
      el('fieldset', {},
        el('legend', {}, 'Date de publication'),
        date('from', 'Du'), date('to', 'Au')),
      el('fieldset', {},
        el('legend', {}, 'Étiquettes'),
        el('label', { for: 'tag-filter' }, 'Chercher une étiquette'), filter,
        page.tags.length ? tagBoxes : el('p', {}, 'Aucune étiquette.')));
  }

  // ---------- article ----------
  async function showArticle(slug) {
    let article;
    try {
      article = await api('/api/articles/by-slug/' + encodeURIComponent(slug));
    } catch (e) {
      failure(e.status === 404 ? 'Cet article est introuvable.' : 'L’article est indisponible pour le moment.');
      return;
    }
    document.title = `${article.title} — InnovationsFr`;
    const text = new DOMParser().parseFromString('<body>' + article.body.replace(/<\/(p|h\d|li|div)>/gi, '</$1>\n') + '</body>', 'text/html').body.textContent;
    const related = el('section', { class: 'related', 'aria-labelledby': 'related-title' }, el('h2', { id: 'related-title' }, 'À lire aussi'));
    show(el('article', { class: 'full' },
      el('p', { class: 'meta' }, article.rubric || ''),
      el('h1', {}, article.title),
      el('p', { class: 'meta' }, el('time', { datetime: article.publishedAt }, frenchDate(article.publishedAt)), article.author ? ` · ${article.author}` : ''),
      article.summary ? el('p', { class: 'lead' }, el('strong', {}, article.summary)) : null,
      text.split(/\n+/).map((p) => p.trim()).filter(Boolean).map((p) => el('p', {}, p)),
      article.tags.length ? tagLinks([...new Set(article.tags)]) : null),
    related);
    try {
      const items = await api(`/api/articles/${encodeURIComponent(article.id)}/related?limit=5`);
      related.append(items.length === 0 ? el('p', {}, 'Pas encore d’article proche.') : el('ul', {}, items.map((r) => el('li', {},
        el('a', { href: '/articles/' + encodeURIComponent(r.slug) }, r.title),
        ` — ${frenchDate(r.publishedAt)}`,
        el('span', { class: 'why' }, reason(r.why))))));
    } catch {
      related.remove();
    }
  }

  function reason(why) {
    const parts = [];
    if (why.sharedTags.length) parts.push(`Étiquettes communes : ${why.sharedTags.join(', ')}`);
    if (why.sharedTerms.length) parts.push(`Mots communs : ${why.sharedTerms.join(', ')}`);
    return parts.length ? parts.join(' · ') : 'Publié à la même période';
  }

  // ---------- tag page ----------
  async function showTag(slug) {
    let tag;
    try {
      tag = await api('/api/tags/' + encodeURIComponent(slug) + '?size=20');
    } catch (e) {
      failure(e.status === 404 ? 'Aucun article ne porte cette étiquette.' : 'Cette étiquette est indisponible pour le moment.');
      return;
    }
    document.title = `${tag.label} — InnovationsFr`;
    show(el('section', { class: 'tag-page' },
      el('h1', {}, tag.label),
      el('p', { class: 'meta' }, plural(tag.count, 'article', 'articles')),
      tag.related.length ? el('p', {}, 'Étiquettes liées :') : null,
      tag.related.length ? tagLinks(tag.related.map((r) => r.label)) : null,
      el('ol', { class: 'hits' }, tag.articles.map((hit) => el('li', { class: 'hit' },
        el('h2', {}, el('a', { href: '/articles/' + encodeURIComponent(hit.slug) }, hit.title)),
        el('p', { class: 'meta' }, el('time', { datetime: hit.publishedAt }, frenchDate(hit.publishedAt))))))));
  }

  // ---------- autocomplete ----------
  let suggestSeq = 0;
  let active = -1;
  let options = [];
  let timer;
  const kinds = { word: '', tag: 'étiquette', title: 'article' };

  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    options = [];
    active = -1;
  }

  function choose(option) {
    closeList();
    if (option.kind === 'title') { location.href = '/articles/' + encodeURIComponent(option.slug); return; }
    if (option.kind === 'tag') { location.href = '/tags/' + encodeURIComponent(option.slug); return; }
    input.value = option.text;
    form.requestSubmit();
  }

  async function suggest() {
    const typed = input.value;
    if (!typed.trim()) { closeList(); return; }
    const seq = ++suggestSeq;
    let data;
    try { data = await api('/api/suggest?limit=8&q=' + encodeURIComponent(typed.slice(0, 200))); } catch { closeList(); return; }
    if (seq !== suggestSeq || document.activeElement !== input) return;
    options = data.completions;
    active = -1;
    list.replaceChildren(...options.map((option, i) => el('li', {
      id: 'suggestion-' + i, role: 'option', 'aria-selected': 'false',
      onmousedown: (e) => { e.preventDefault(); choose(option); },
    }, option.text, kinds[option.kind] ? el('span', { class: 'kind' }, kinds[option.kind]) : null)));
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', String(options.length > 0));
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) input.setAttribute('aria-activedescendant', 'suggestion-' + index);
    else input.removeAttribute('aria-activedescendant');
  }

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener('blur', () => setTimeout(closeList, 100));
  input.addEventListener('keydown', (e) => {
    if (list.hidden || options.length === 0) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % options.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active <= 0 ? options.length - 1 : active - 1); }
    else if (e.key === 'Escape') { closeList(); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(options[active]); }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    suggestSeq++;
    closeList();
    performance.clearMarks();
    performance.mark('search-submitted');
    const params = new URLSearchParams();
    if (input.value.trim()) params.set('q', input.value.trim());
    navigate('/?' + params);
  });

  // In-page links that only change the search keep the page (and the back button restores the previous search).
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('a[data-nav]');
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(link.getAttribute('href'));
  });

  function route() {
    const path = location.pathname;
    let match;
    if ((match = path.match(/^\/articles\/([^/]+)\/?$/))) return showArticle(decodeURIComponent(match[1]));
    if ((match = path.match(/^\/tags\/([^/]+)\/?$/))) return showTag(decodeURIComponent(match[1]));
    return showSearch(new URLSearchParams(location.search));
  }

  window.addEventListener('popstate', route);
  route();
})();
