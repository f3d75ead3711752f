package dev.berth.runtime.provider;

/**
 * A backend cannot run sessions here. Under {@code backend: auto} the next kind is tried; when the
 * kind was configured, start-up fails with {@code backend 'docker' is configured, but <problem>
 * (<remedy>)}.
 */
public final class BackendUnavailableException extends RuntimeException {
  private final String problem;
  private final String remedy;

  /**
   * @param problem what is wrong ({@code no Docker engine answers: connection refused})
   * @param remedy what to do about it ({@code start dockerd, set DOCKER_HOST or dockerHost})
   */
  public BackendUnavailableException(String problem, String remedy) {
    super(problem + " (" + remedy + ")");
    this.problem = problem;
    this.remedy = remedy;
  }

  public String problem() {
    return problem;
  }

  public String remedy() {
    return remedy;
  }
}
