/* The player runs in a sandboxed iframe without allow-same-origin, where touching
   window.localStorage throws. H5P core reads it (clipboard, offline queue), so give it an
   in-memory stand-in: nothing the activity stores outlives the page, by design. */
(function () {
  'use strict';
  var works = false;
  try { works = Boolean(window.localStorage); } catch (error) { works = false; }
  if (works) { return; }
  var items = {};
  var memoryStorage = {
    getItem: function (key) { return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null; },
    setItem: function (key, value) { items[key] = String(value); },
    removeItem: function (key) { delete items[key]; },
    clear: function () { items = {}; },
    key: function (index) { return Object.keys(items)[index] || null; },
    get length() { return Object.keys(items).length; }
  };
  try {
    Object.defineProperty(window, 'localStorage', { value: memoryStorage, configurable: true });
    Object.defineProperty(window, 'sessionStorage', { value: memoryStorage, configurable: true });
  } catch (error) { /* leave it: H5P then fails only where it needs storage */ }
})();
