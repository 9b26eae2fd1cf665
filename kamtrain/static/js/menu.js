/* kamtrain — the header menu on a phone.
 *
 * Without JavaScript the main menu is always shown. With it, screens narrower than 760px show a
 * "Menu" button instead, which opens and closes the menu (aria-expanded says which), so the page's
 * own content starts at the top of the screen. Escape closes an open menu.
 */
(function () {
  'use strict';

  var button = document.querySelector('.menu-toggle');
  var nav = document.getElementById('main-nav');
  if (!button || !nav) { return; }
  document.documentElement.classList.add('has-menu');

  function setOpen(open) {
    nav.classList.toggle('open', open);
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  button.addEventListener('click', function () {
    setOpen(button.getAttribute('aria-expanded') !== 'true');
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && nav.classList.contains('open')) {
      setOpen(false);
      button.focus();
    }
  });
}());
