/* The lesson page's half of the H5P bridge. Each activity plays in a sandboxed iframe that
   cannot use the learner's session; it posts its xAPI statements here, and this script sends
   them to the platform with the session cookie and CSRF token. Messages are only accepted
   from the activity's own frame. */
(function () {
  'use strict';
  if (window.ilmH5PBridge) { return; }
  window.ilmH5PBridge = true;

  var frames = function () {
    return Array.prototype.slice.call(document.querySelectorAll('iframe[data-h5p-activity]'));
  };

  var statusOf = function (frame) {
    var section = frame.closest('.h5p-activity');
    return section ? section.querySelector('[data-h5p-status]') : null;
  };

  // Each statement gets an id here and keeps it when resent, so the server records it once.
  var newId = function () {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
  };

  var send = function (frame, statement, retries) {
    var url = frame.dataset.statementsUrl;
    if (!url) { return; }
    if (!statement.id) { statement.id = newId(); }
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': frame.dataset.csrfToken },
      body: JSON.stringify(statement)
    }).then(function (response) {
      return response.json().then(function (body) {
        frame.dispatchEvent(new CustomEvent('ilm-h5p:recorded', {
          bubbles: true, detail: { ok: response.ok, body: body }
        }));
        var status = statusOf(frame);
        if (status && response.ok && body.finished) {
          status.textContent = status.dataset.finishedText || 'Result saved.';
          status.dataset.h5pFinished = 'true';
        }
      });
    }).catch(function () {
      // A dropped connection: try again a little later with the same id (H5P shows its own
      // notice when it is offline for longer).
      if ((retries || 0) < 3) {
        setTimeout(function () { send(frame, statement, (retries || 0) + 1); }, 2000 * ((retries || 0) + 1));
      }
    });
  };

  window.addEventListener('message', function (event) {
    var frame = frames().find(function (candidate) { return candidate.contentWindow === event.source; });
    if (!frame || !event.data || typeof event.data !== 'object') { return; }
    if (event.data.type === 'ilm-h5p:xapi' && event.data.statement) {
      send(frame, event.data.statement);
    } else if (event.data.type === 'ilm-h5p:resize' && typeof event.data.height === 'number') {
      frame.style.height = Math.max(100, Math.min(event.data.height, 5000)) + 'px';
    } else if (event.data.type === 'ilm-h5p:ready') {
      frame.dataset.h5pReady = 'true';
      // H5P sends nothing until the learner acts; an activity that only has to be seen
      // reports the view itself, once per page.
      if (frame.hasAttribute('data-report-view') && !frame.dataset.viewReported) {
        frame.dataset.viewReported = 'true';
        send(frame, {
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
          object: { objectType: 'Activity', id: frame.dataset.activityIri }
        });
      }
    }
  });
})();
