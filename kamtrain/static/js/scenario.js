/* kamtrain — the scenario run page: post a choice or a reply in place.
 *
 * Without JavaScript every choice is a plain form post and the page comes back at #now. With it,
 * the form is posted with Accept: application/json; the server answers with the re-rendered
 * conversation ({"ok", "error", "finished", "html"}), which replaces the old one. The new lines are
 * scrolled into view and the keyboard focus moves to the first thing to do next. If the request
 * fails, the form is posted the plain way.
 */
(function () {
  'use strict';

  var root = document.querySelector('[data-play-root]');
  if (!root) { return; }

  function chatItems() {
    var chat = root.querySelector('.chat');
    return chat ? chat.children.length : 0;
  }

  function focusNext(firstNew) {
    var chat = root.querySelector('.chat');
    var target = firstNew !== null && chat && chat.children[firstNew] ? chat.children[firstNew] : null;
    if (target) { target.scrollIntoView({ block: 'start', behavior: 'smooth' }); }
    var next = root.querySelector('#now button.choice, #now textarea, #now a.button');
    if (next) { next.focus({ preventScroll: !!target }); }
  }

  function showError(message) {
    var now = root.querySelector('#now');
    if (!now || !message) { return; }
    var box = document.createElement('div');
    box.className = 'flash error';
    box.setAttribute('role', 'alert');
    box.textContent = message;
    now.insertBefore(box, now.firstChild);
  }

  function plainSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  }

  root.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-play') || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    var before = chatItems();
    var controls = form.querySelectorAll('button, textarea');
    Array.prototype.forEach.call(controls, function (el) { el.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin',
                         headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) {
        root.innerHTML = data.html;
        if (data.error) { showError(data.error); }
        focusNext(data.ok ? before : null);
      })
      .catch(function () {
        Array.prototype.forEach.call(controls, function (el) { el.disabled = false; });
        plainSubmit(form, submitter);
      });
  });

  // Resuming a run: bring the current decision into view.
  if (window.location.hash === '#now' || root.querySelector('.chat > .msg.me')) {
    var now = root.querySelector('#now');
    if (now) { now.scrollIntoView({ block: 'end' }); }
  }
}());
