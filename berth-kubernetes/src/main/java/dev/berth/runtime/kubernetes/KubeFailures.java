package dev.berth.runtime.kubernetes;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Kubernetes errors in Berth's words: a RUNTIME_FAILURE that carries the API server's reason. */
final class KubeFailures {
  private KubeFailures() {}

  static BerthException failure(String what, Exception e) {
    if (e instanceof BerthException b) {
      return b;
    }
    return new BerthException(
        ErrorCode.RUNTIME_FAILURE, "Kubernetes: cannot " + what + ": " + reason(e), e);
  }

  static String reason(Throwable e) {
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage() + " (HTTP " + k.getCode() + ")";
    }
    String m = e.getMessage();
    m = m == null ? e.toString() : m.strip();
    // fabric8 wraps transport errors in "An error has occurred."; the cause says what
    if (e.getCause() != null && e.getCause() != e && m.startsWith("An error has occurred")) {
      return m + " (" + reason(e.getCause()) + ")";
    }
    return m;
  }

  static boolean isNotFound(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 404;
  }

  static boolean isConflict(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 409;
  }
}
