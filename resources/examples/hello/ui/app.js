'use strict';

// Each check writes its outcome into the page: data-state is "ok" or "failed", and #status sums
// them up once both are in (Steward's browser test reads exactly these).
function show(id, ok, text) {
  const element = document.getElementById(id);
  if (element.dataset.state !== 'pending')
    return;
  element.dataset.state = ok ? 'ok' : 'failed';
  element.textContent = text;
  const states = ['api', 'ws'].map((name) => document.getElementById(name).dataset.state);
  if (states.includes('pending'))
    return;
  const status = document.getElementById('status');
  const allOk = states.every((state) => state === 'ok');
  status.dataset.state = allOk ? 'ok' : 'failed';
  status.textContent = allOk ? 'The API and the WebSocket both answered.'
                             : 'Something did not answer; see above.';
}

fetch('/api/hello', { headers: { Accept: 'application/json' } })
  .then((response) => response.ok ? response.json()
                                   : Promise.reject(new Error('HTTP ' + response.status)))
  .then((answer) => show('api', true, answer.message))
  .catch((error) => show('api', false, 'failed: ' + error.message));

const message = 'ping ' + Math.random().toString(36).slice(2, 10);
const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
                             + '/ws');
const timeout = setTimeout(() => {
  show('ws', false, 'failed: no echo within 10 s');
  socket.close();
}, 10000);
socket.addEventListener('open', () => socket.send(message));
socket.addEventListener('message', (event) => {
  clearTimeout(timeout);
  show('ws', event.data === message,
       event.data === message ? 'echoed "' + event.data + '"'
                              : 'failed: the echo was "' + event.data + '"');
  socket.close();
});
socket.addEventListener('error', () => {
  clearTimeout(timeout);
  show('ws', false, 'failed: the WebSocket could not be opened');
});
