package dev.berth.api;

import static dev.berth.api.ApiAuth.principal;

import dev.berth.service.SessionService;
import dev.berth.service.pools.PoolStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/** The templates' warm pools: what each keeps, has ready, is making, and how claims went. */
final class PoolRoutes {
  private final SessionService sessions;

  PoolRoutes(SessionService sessions) {
    this.sessions = sessions;
  }

  void register(RoutesConfig r) {
    r.get("/api/v1/pools", this::list);
  }

  private void list(Context ctx) {
    principal(ctx).checkAdmin("listing warm pools");
    ctx.json(views(sessions.pools().status()));
  }

  /** One pool; {@code problem} is null while it fills. */
  record PoolView(
      String template,
      String backend,
      int size,
      int ready,
      int starting,
      long hits,
      long misses,
      String problem,
      List<PoolStatus.Member> members) {
    static PoolView of(PoolStatus p) {
      return new PoolView(
          p.template(),
          p.backend(),
          p.size(),
          p.ready(),
          p.starting(),
          p.hits(),
          p.misses(),
          p.problem().orElse(null),
          p.members());
    }
  }

  static List<PoolView> views(List<PoolStatus> pools) {
    return pools.stream().map(PoolView::of).toList();
  }
}
