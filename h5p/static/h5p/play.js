/* Starts h5p-standalone inside the sandboxed player page and hands the player's xAPI
   statements to the lesson page (the parent), which sends them with the learner's session.
   This page has an opaque origin: it cannot read cookies and only talks to its parent. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('h5p-player-config').textContent);
  var container = document.querySelector('[data-h5p-player]');
  var absolute = function (path) { return new URL(path, window.location.href).href; };

  // The activity runs in this document ("div" embedding): a nested iframe would get its own
  // opaque origin under our sandbox, and H5P could not write into it. This page is the frame.
  // Core scripts load in this order, so the storage shim stays ahead of H5P.
  window.H5PIntegration = {
    core: {
      scripts: [absolute(config.storageShim), absolute(config.frameJs)],
      styles: [absolute(config.frameCss)]
    }
  };

  var post = function (message) { window.parent.postMessage(message, config.parentOrigin); };

  var reportHeight = function () {
    post({ type: 'ilm-h5p:resize', height: Math.ceil(container.getBoundingClientRect().height) });
  };

  // On the H5P origin (ADR 0061) a service worker keeps this activity for offline use: once
  // the activity has loaded, it is asked to fetch and keep every file this page used, and
  // the lesson page is told when that is done.
  var worker = null;
  if (config.keepWorker && navigator.serviceWorker) {
    worker = navigator.serviceWorker.register(config.keepWorker, { scope: '/h5p/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }
  var keep = function () {
    if (!worker) { return; }
    worker.then(function (registration) {
      if (!registration || !registration.active) { return; }
      var urls = [window.location.href].concat(
        performance.getEntriesByType('resource').map(function (entry) { return entry.name; })
      ).filter(function (url) { return url.indexOf(window.location.origin + '/') === 0; });
      navigator.serviceWorker.addEventListener('message', function (event) {
        if (event.data && event.data.type === 'kept') {
          post({ type: 'ilm-h5p:kept', kept: event.data.kept, wanted: event.data.wanted });
        }
      });
      registration.active.postMessage({ type: 'keep', urls: urls });
    });
  };

  new H5PStandalone.H5P(container, {
    id: config.id,
    title: config.title,
    h5pJsonPath: config.h5pJsonPath,
    contentJsonPath: config.contentJsonPath,
    librariesPath: config.librariesPath,
    embedType: 'div',
    preventH5PInit: true,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    xAPIObjectIRI: config.xAPIObjectIRI,
    user: config.user,
    saveFreq: config.saveFreq,
    contentUserData: config.contentUserData,
    ajax: config.ajax,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
    fullScreen: false
  }).then(function () {
    H5P.externalDispatcher.on('xAPI', function (event) {
      post({ type: 'ilm-h5p:xapi', statement: event.data.statement });
    });
    post({ type: 'ilm-h5p:ready' });
    keep();
    reportHeight();
    // Observe the activity, not the document (which is as tall as the frame, so it never
    // shrinks); H5P's own `resize` events cover layout done before the observer fires.
    if (window.ResizeObserver) {
      new ResizeObserver(reportHeight).observe(container);
    }
    H5P.externalDispatcher.on('resize', reportHeight);
    // Content laid out while the lazy frame was still narrow keeps that width until H5P is
    // told the frame changed: tell it once the first real layout is done.
    window.requestAnimationFrame(function () {
      window.dispatchEvent(new Event('resize'));
      reportHeight();
    });
  }).catch(function (error) {
    container.textContent = 'This activity could not be loaded.';
    post({ type: 'ilm-h5p:error', message: String(error) });
  });
})();
