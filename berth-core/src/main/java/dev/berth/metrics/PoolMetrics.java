package dev.berth.metrics;

import dev.berth.service.pools.PoolStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The warm pools' metrics, by their Prometheus names, one series per template with a pool:
 *
 * <ul>
 *   <li>{@code berth_pool_size{template,backend}}: members the pool keeps
 *   <li>{@code berth_pool_members{template,backend,state}}: members now, {@code ready} or {@code
 *       starting}
 *   <li>{@code berth_pool_claims_total{template,backend,result}}: creates that took a member
 *       ({@code hit}) or found none ready ({@code miss}), since the manager started
 * </ul>
 *
 * Read from the pools when {@link #refresh()} is called (before each scrape); a template that gets
 * a pool gets its series at the next scrape.
 */
public final class PoolMetrics {
  private final MeterRegistry meters;
  private final Supplier<List<PoolStatus>> pools;
  private final Map<String, PoolStatus> last = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public PoolMetrics(MeterRegistry meters, Supplier<List<PoolStatus>> pools) {
    this.meters = meters;
    this.pools = pools;
  }

  /** Reads every pool's status; registers the series of pools seen for the first time. */
  public void refresh() {
    for (PoolStatus p : pools.get()) {
      last.put(p.template(), p);
      if (registered.add(p.template())) {
        register(p.template(), p.backend());
      }
    }
  }

  private void register(String template, String backend) {
    Gauge.builder("berth.pool.size", () -> value(template, PoolStatus::size))
        .description("Members the template's warm pool keeps ready")
        .tags("template", template, "backend", backend)
        .register(meters);
    Gauge.builder("berth.pool.members", () -> value(template, PoolStatus::ready))
        .description("Warm-pool members now")
        .tags("template", template, "backend", backend, "state", "ready")
        .register(meters);
    Gauge.builder("berth.pool.members", () -> value(template, PoolStatus::starting))
        .description("Warm-pool members now")
        .tags("template", template, "backend", backend, "state", "starting")
        .register(meters);
    FunctionCounter.builder("berth.pool.claims", this, m -> m.value(template, PoolStatus::hits))
        .description("Creates that took a warm-pool member (hit) or found none ready (miss)")
        .tags("template", template, "backend", backend, "result", "hit")
        .register(meters);
    FunctionCounter.builder("berth.pool.claims", this, m -> m.value(template, PoolStatus::misses))
        .description("Creates that took a warm-pool member (hit) or found none ready (miss)")
        .tags("template", template, "backend", backend, "result", "miss")
        .register(meters);
  }

  private double value(String template, java.util.function.ToDoubleFunction<PoolStatus> f) {
    PoolStatus p = last.get(template);
    return p == null ? 0 : f.applyAsDouble(p);
  }
}
