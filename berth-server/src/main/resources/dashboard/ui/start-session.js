// The start button on the proxy's "stopped" page (shown to the admin). It calls the REST API with
// the dashboard's login: the proxy cookie opens the app, it carries no right to start anything.
'use strict';
(() => {
  const button = document.getElementById('start');
  const message = document.getElementById('start-message');
  if (!button) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
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
      message.textContent = res.status === 401
        ? 'Log in to the Berth dashboard in this browser first, then try again.'
        : `Could not start it (HTTP ${res.status}).`;
    } catch (e) {
      message.textContent = `Could not start it: ${e.message}`;
    }
    button.disabled = false;
  });
})();
