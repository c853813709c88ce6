// InnovationsFr tag-cloud widget. Embed one line per cloud, on any site:
//   <script src="https://recherche.innovationsfr.com/widget/tag-cloud.js" data-number="20"
//           data-smallest="8" data-largest="22" data-rubric="Mobilité" data-days="365" async></script>
// data-* map to /api/tags/cloud (number, smallest, largest, unit, orderby, order, rubric, days).
// The cloud renders right after the script tag inside a shadow root (its styles neither leak out
// nor take the page's); labels go in as text. If the API cannot be reached, nothing is shown.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, location.href).origin;
  var host = document.createElement('div');
  host.className = 'ifr-tag-cloud';
  script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;

  var params = new URLSearchParams();
  ['number', 'smallest', 'largest', 'unit', 'orderby', 'order', 'rubric', 'days'].forEach(function (name) {
    var value = script.getAttribute('data-' + name);
    if (value) params.set(name, value);
  });

  fetch(origin + '/api/tags/cloud?' + params.toString(), { mode: 'cors', credentials: 'omit' })
    .then(function (response) { if (!response.ok) throw new Error('HTTP ' + response.status); return response.json(); })
    .then(function (cloud) {
      if (!cloud || !cloud.tags || cloud.tags.length === 0) { host.remove(); return; }
      var style = document.createElement('style');
      style.textContent =
        ':host{display:block}' +
        'nav{font-family:system-ui,sans-serif;line-height:1.6}' +
        'ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2em .6em;align-items:baseline}' +
        'a{color:#0b57d0;text-decoration:none}a:hover,a:focus-visible{text-decoration:underline}';
      var nav = document.createElement('nav');
      nav.setAttribute('aria-label', script.getAttribute('data-title') || 'Étiquettes');
      nav.setAttribute('lang', 'fr');
      var list = document.createElement('ul');
      cloud.tags.forEach(function (tag) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = origin + '/tags/' + encodeURIComponent(tag.slug);
        link.textContent = tag.label;
        link.style.fontSize = tag.fontSize;
        link.title = tag.count + (tag.count > 1 ? ' articles' : ' article');
        item.appendChild(link);
        list.appendChild(item);
      });
      nav.appendChild(list);
      root.appendChild(style);
      root.appendChild(nav);
    })
    .catch(function () { host.remove(); });
})();
