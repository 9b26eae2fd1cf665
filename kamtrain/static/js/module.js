/* kamtrain — the module page: reading time and the instant self-check.
 *
 * Reading time: counted only while the page is visible and someone has touched, scrolled or typed
 * in the last five minutes; sent every 30 seconds (and when the page is hidden or left) as
 * POST {"seconds": n} with the CSRF token from <meta name="csrf-token">. The server caps each beat.
 *
 * Self-check: answered in place (POST with Accept: application/json); without JavaScript the form
 * posts and the page comes back with the same feedback.
 */
(function () {
  'use strict';

  var BEAT_MS = 30 * 1000;
  var IDLE_MS = 5 * 60 * 1000;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute('content') : '';

  function post(url, body, extraHeaders, keepalive) {
    var headers = { 'X-CSRFToken': csrfToken, 'Accept': 'application/json' };
    Object.keys(extraHeaders || {}).forEach(function (k) { headers[k] = extraHeaders[k]; });
    return fetch(url, { method: 'POST', headers: headers, body: body, credentials: 'same-origin',
                        keepalive: !!keepalive });
  }

  /* --- reading time ------------------------------------------------------------------------ */
  var reading = document.querySelector('[data-time-url]');
  if (reading) {
    var timeUrl = reading.getAttribute('data-time-url');
    var visibleSince = document.visibilityState === 'visible' ? Date.now() : null;
    var lastInput = Date.now();
    var pendingMs = 0;

    var collect = function () {
      if (visibleSince === null) { return; }
      var now = Date.now();
      var until = Math.min(now, lastInput + IDLE_MS);
      if (until > visibleSince) { pendingMs += until - visibleSince; }
      visibleSince = now;
    };

    var send = function (keepalive) {
      collect();
      var seconds = Math.floor(pendingMs / 1000);
      if (seconds < 1) { return; }
      pendingMs -= seconds * 1000;
      post(timeUrl, JSON.stringify({ seconds: seconds }), { 'Content-Type': 'application/json' }, keepalive)
        .then(function (r) { if (r.ok) { reading.setAttribute('data-reported', String(seconds)); } })
        .catch(function () { /* offline: this beat is lost, the next ones still count */ });
    };

    window.setInterval(function () {
      if (document.visibilityState === 'visible') { send(false); }
    }, BEAT_MS);

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        send(true);
        visibleSince = null;
      } else {
        visibleSince = Date.now();
        lastInput = Date.now();
      }
    });
    window.addEventListener('pagehide', function () { send(true); });

    ['scroll', 'keydown', 'pointerdown', 'touchstart'].forEach(function (name) {
      window.addEventListener(name, function () {
        var now = Date.now();
        if (now - lastInput > IDLE_MS) { collect(); visibleSince = now; }
        lastInput = now;
      }, { passive: true });
    });
  }

  /* --- instant self-check ------------------------------------------------------------------ */
  var form = document.querySelector('form[data-instant]');
  if (form) {
    var result = document.getElementById('self-check-result');

    var show = function (data) {
      var fieldsets = form.querySelectorAll('fieldset.question');
      data.questions.forEach(function (q, i) {
        var fieldset = fieldsets[i];
        if (!fieldset) { return; }
        fieldset.querySelectorAll('label.option').forEach(function (label, j) {
          label.classList.remove('right', 'wrong');
          if (j === q.answer) { label.classList.add('right'); } else if (j === q.chosen) { label.classList.add('wrong'); }
        });
        var feedback = fieldset.querySelector('.feedback');
        if (!feedback) {
          feedback = document.createElement('p');
          fieldset.appendChild(feedback);
        }
        feedback.className = 'feedback ' + (q.correct ? 'ok' : 'bad');
        feedback.textContent = '';
        var verdict = document.createElement('strong');
        verdict.textContent = q.verdict;
        feedback.appendChild(verdict);
        feedback.appendChild(document.createTextNode(' ' + q.explanation));
      });
      result.textContent = data.summary;
      result.className = 'flash ' + (data.right === data.total ? 'success' : 'info');
      result.hidden = false;
      form.setAttribute('data-right', String(data.right));
    };

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; }
      post(form.getAttribute('action').split('#')[0], new FormData(form))
        .then(function (r) {
          if (!r.ok) { throw new Error('HTTP ' + r.status); }
          return r.json();
        })
        .then(show)
        .catch(function () { form.submit(); })  /* fall back to the plain form post */
        .then(function () { if (button) { button.disabled = false; } });
    });
  }
}());
