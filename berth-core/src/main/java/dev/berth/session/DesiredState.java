package dev.berth.session;

/**
 * What the session's owner last asked for. The reconciler moves the session towards it: a session
 * wanted RUNNING that crashed is restarted (per its template's restart policy), an operation that a
 * manager crash interrupted is finished at the next start (a create, a stop, a delete).
 */
public enum DesiredState {
  RUNNING,
  STOPPED,
  DELETED
}
