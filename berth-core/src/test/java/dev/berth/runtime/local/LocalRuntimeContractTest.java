package dev.berth.runtime.local;

import dev.berth.runtime.RuntimeContract;
import dev.berth.runtime.SessionRuntime;
import org.junit.jupiter.api.BeforeEach;

class LocalRuntimeContractTest extends RuntimeContract {
  private LocalRuntime runtime;

  @BeforeEach
  void setUp() {
    runtime = new LocalRuntime(tmp.resolve("sessions"), "test-instance");
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected SessionRuntime freshRuntime() {
    return new LocalRuntime(tmp.resolve("sessions"), "test-instance");
  }
}
