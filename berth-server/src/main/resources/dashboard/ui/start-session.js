// The start button on the proxy's "stopped" page (shown to the admin). It calls the REST API with
// the dashboard's login: the proxy cookie opens the app, it carries no right to start anything.
'use strict';
(() => {
  const button = document.getElementById('start');
  const message = document.getElementById('start-message');
  if (!button) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    // The page was written while the session was stopped: its heading follows what happens now.
    const heading = document.querySelector('h1');
    const stoppedTitle = heading ? heading.textContent : '';
    const title = (text) => {
      if (heading) heading.textContent = text;
      document.title = `${text} · Berth`;
    };
    title(`Session ${button.dataset.session} is starting`);
    message.textContent = 'Starting… this page opens the app once it is ready.';
    const id = encodeURIComponent(button.dataset.session);
    try {
      const res = await fetch(`/api/v1/sessions/${id}/start`, {
        method: 'POST',
        headers: { 'X-Requested-By': 'berth-dashboard' },
        credentials: 'same-origin',
      });
      if (res.ok) {
        location.reload();
        return;
      }
      title(stoppedTitle);
      message.textContent = res.status === 401
        ? 'Log in to the Berth dashboard in this browser first, then try again.'
        : `Could not start it (HTTP ${res.status}).`;
    } catch (e) {
      title(stoppedTitle);
      message.textContent = `Could not start it: ${e.message}`;
    }
    button.disabled = false;
  });
})();
