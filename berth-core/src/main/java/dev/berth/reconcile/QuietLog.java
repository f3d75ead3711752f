package dev.berth.reconcile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a failure that repeats (an engine that stays down fails every pass) once, with its stack
 * trace, and then only at debug level until it changes or goes away; says so when it goes away.
 */
final class QuietLog {
  private final Logger log;
  private final Map<String, String> failing = new ConcurrentHashMap<>();

  QuietLog(Logger log) {
    this.log = log;
  }

  void failure(String key, String what, Throwable t) {
    String text = String.valueOf(t);
    String before = failing.put(key, text);
    if (text.equals(before)) {
      log.debug("{} (again): {}", what, text);
    } else {
      log.warn("{} (logged once while it repeats)", what, t);
    }
  }

  void recovered(String key) {
    if (failing.remove(key) != null) {
      log.info("{}: working again", key);
    }
  }
}
