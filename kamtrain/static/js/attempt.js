/* kamtrain — an attempt at a quiz or exam.
 *
 * Autosave: a question's answer is posted as soon as it changes (typed text after a short pause),
 * one request at a time, as the same form fields the page would post, with the page's token and a
 * counter so that a late, older save can never overwrite a newer one. A failed save is kept and
 * retried; an answer the server refuses (time up, already submitted) is reported, not retried.
 * Without JavaScript the form is posted whenever the trainee moves to another question, so nothing
 * depends on this file.
 *
 * Timer: shows the time the server says is left; asks the server again every minute and whenever the
 * page becomes visible (a phone waking up). At zero it sends what is pending and opens the result:
 * the server closes the attempt at its deadline whether or not this page is still open.
 *
 * Submitting: a form marked data-submit-once disables its button after the first click (the server
 * is idempotent anyway).
 */
(function () {
  'use strict';

  var root = document.getElementById('attempt');
  var form = document.getElementById('attempt-form');
  var statusEl = form ? form.querySelector('.save-status') : null;
  var seq = 0;
  var dirty = {};
  var inFlight = false;
  var retryMs = 1000;
  var debounce = null;
  var stopped = false;

  function say(kind, text) {
    if (!statusEl) { return; }
    statusEl.className = 'save-status small ' + kind;
    statusEl.textContent = text || statusEl.getAttribute('data-' + kind) || '';
    if (root) { root.setAttribute('data-save-state', kind); }
  }

  function slotElement(position) {
    return form.querySelector('.slot[data-position="' + position + '"]');
  }

  function hasAnswer(slot) {
    var fields = slot.querySelectorAll('input, select, textarea');
    for (var i = 0; i < fields.length; i += 1) {
      var el = fields[i];
      if (!el.name || el.type === 'hidden') { continue; }
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) { return true; }
      } else if (el.value.trim() !== '') {
        return true;
      }
    }
    return false;
  }

  function body(positions) {
    var data = new FormData();
    data.append('csrf_token', form.querySelector('input[name="csrf_token"]').value);
    data.append('page_token', form.querySelector('input[name="page_token"]').value);
    seq += 1;
    data.append('seq', String(seq));
    positions.forEach(function (position) {
      var slot = slotElement(position);
      if (!slot) { return; }
      data.append('positions', position);
      slot.querySelectorAll('input, select, textarea').forEach(function (el) {
        if (!el.name || el.disabled || el.name === 'positions') { return; }
        if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) { return; }
        data.append(el.name, el.value);
      });
    });
    return data;
  }

  function markNavigator(positions) {
    positions.forEach(function (position) {
      var slot = slotElement(position);
      var button = document.querySelector('.navigator [data-position="' + position + '"]');
      if (slot && button) { button.classList.toggle('answered', hasAnswer(slot)); }
    });
  }

  function finished(message) {
    stopped = true;
    say('refused', message);
    window.setTimeout(function () { window.location.href = root.getAttribute('data-result-url'); }, 2500);
  }

  function flush() {
    if (inFlight || stopped) { return; }
    var positions = Object.keys(dirty);
    if (!positions.length) { return; }
    dirty = {};
    inFlight = true;
    say('saving');
    fetch(form.getAttribute('action'), {
      method: 'POST', body: body(positions), credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight = false;
      if (result.status === 200) {
        retryMs = 1000;
        markNavigator(positions);
        var at = new Date(result.data.saved_at);
        say('saved', statusEl.getAttribute('data-saved') + ' ' + at.toLocaleTimeString());
        flush();
      } else if (result.data.error === 'deadline' || result.data.error === 'submitted') {
        finished(result.data.message);
      } else {
        say('refused', result.data.message || statusEl.getAttribute('data-refused'));
      }
    }).catch(function () {
      inFlight = false;
      positions.forEach(function (p) { dirty[p] = true; });
      say('failed');
      window.setTimeout(flush, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  function changed(event, wait) {
    var slot = event.target.closest ? event.target.closest('.slot') : null;
    if (!slot || stopped) { return; }
    dirty[slot.getAttribute('data-position')] = true;
    window.clearTimeout(debounce);
    debounce = window.setTimeout(flush, wait);
  }

  if (form && form.hasAttribute('data-autosave')) {
    form.addEventListener('change', function (event) { changed(event, 0); });
    form.addEventListener('input', function (event) {
      var t = event.target;
      if (t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && t.type === 'text')) { changed(event, 1200); }
    });
    form.addEventListener('submit', function () {
      /* the plain post saves every answer on the page; make it newer than any save still under way */
      seq += 1;
      form.querySelector('input[name="seq"]').value = String(seq);
      dirty = {};
      stopped = true;
    });
    window.addEventListener('pagehide', function () {
      var positions = Object.keys(dirty);
      if (positions.length && navigator.sendBeacon && !stopped) {
        navigator.sendBeacon(form.getAttribute('action'), body(positions));
        dirty = {};
      }
    });
  }

  /* the navigator scrolls sideways on a phone: bring the current question into view */
  var currentButton = document.querySelector('.navigator .navq.current');
  if (currentButton && currentButton.parentElement.scrollWidth > currentButton.parentElement.clientWidth) {
    currentButton.scrollIntoView({ block: 'nearest', inline: 'center' });
  }

  /* --- timer ----------------------------------------------------------------------------- */
  var timerEl = document.querySelector('.timer[data-seconds-left]');
  if (timerEl && root) {
    var valueEl = timerEl.querySelector('.timer-value');
    var endsAt = Date.now() + parseInt(timerEl.getAttribute('data-seconds-left'), 10) * 1000;
    var over = false;

    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var show = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      valueEl.textContent = Math.floor(left / 3600) + ':' + pad(Math.floor(left % 3600 / 60)) + ':' + pad(left % 60);
      timerEl.classList.toggle('low', left < 300);
      if (left <= 3 && form) { flush(); }
      if (left === 0 && !over) {
        over = true;
        timerEl.classList.add('over');
        finished(timerEl.getAttribute('data-time-up'));
      }
    };
    var resync = function () {
      fetch(root.getAttribute('data-status-url'), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.state !== 'in_progress') { window.location.href = data.result_url; return; }
          if (data.seconds_left !== null) { endsAt = Date.now() + data.seconds_left * 1000; show(); }
        })
        .catch(function () { /* offline: keep counting on this device's clock */ });
    };
    show();
    window.setInterval(show, 1000);
    window.setInterval(resync, 60 * 1000);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') { resync(); }
    });
  }

  /* --- one click only ---------------------------------------------------------------------- */
  document.querySelectorAll('form[data-submit-once]').forEach(function (f) {
    f.addEventListener('submit', function () {
      var buttons = f.querySelectorAll('button[type="submit"]');
      window.setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });
}());
