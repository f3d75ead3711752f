package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.Tokens;
import dev.berth.base.SessionId;
import dev.berth.reconcile.OrphanCollector;
import dev.berth.registry.Registry;
import dev.berth.registry.SessionFilter;
import dev.berth.runtime.Backends;
import dev.berth.runtime.OwnedResource;
import dev.berth.service.SessionService;
import dev.berth.service.WorkspaceLimits;
import dev.berth.service.pools.PoolStatus;
import dev.berth.session.CreateSessionRequest;
import dev.berth.session.CreatedSession;
import dev.berth.session.ExecCommand;
import dev.berth.session.Session;
import dev.berth.session.SessionCleanupReceipt;
import dev.berth.session.SessionStatus;
import dev.berth.template.HealthProbe;
import dev.berth.template.PoolSettings;
import dev.berth.template.ResourceLimits;
import dev.berth.template.Template;
import dev.berth.template.TemplateCatalog;
import dev.berth.template.TemplateSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm pools on the real engine: members are made ready (app answering) before any session, a
 * create takes one and is RUNNING at once, the pool refills, a create that finds none ready is made
 * the cold way, concurrent creates never share a member, a changed template's members are replaced,
 * and a pooled session's delete removes everything its member made.
 */
class DockerWarmPoolTest extends DockerTestBase {
  private static final Duration FILL = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path home;
  private Registry registry;
  private SessionService service;
  private volatile TemplateCatalog catalog;

  /** busybox httpd on 8000, probed over HTTP, with a pool of {@code size}. */
  private static Template web(int size, String marker) {
    return Templates.of(
            "pooled",
            Optional.empty(),
            List.of("sh", "-c", "exec busybox httpd -f -p 0.0.0.0:8000 -h ."),
            List.of(8000),
            ResourceLimits.NONE,
            List.of())
        .toBuilder()
        .env(Map.of("BERTH_TEST", marker))
        .probe(new HealthProbe.Http(8000, "/", Duration.ofSeconds(30)))
        .pool(new PoolSettings(size))
        .build();
  }

  private void use(Template t) {
    catalog = new TemplateCatalog(Map.of(t.name(), t));
  }

  @BeforeEach
  void setUp() {
    registry = Registry.openSqlite(home.resolve("berth.db"));
    TemplateSource source = () -> catalog;
    use(web(2, "one"));
    service =
        new SessionService(
            registry,
            Backends.of(runtime),
            source,
            new Tokens(registry.tokens(), Clock.systemUTC()),
            Clock.systemUTC(),
            Duration.ofSeconds(2),
            WorkspaceLimits.DEFAULTS);
  }

  @AfterEach
  void tearDown() throws Exception {
    service.pools().closeAndDrain();
    for (Session s : registry.sessions().list(SessionFilter.ALL_LIVE)) {
      try {
        service.delete(s.id());
      } catch (RuntimeException ignored) {
        // removeEverything catches what is left
      }
    }
    registry.close();
  }

  private PoolStatus pool() {
    return service.pools().status().stream()
        .filter(p -> p.template().equals("pooled"))
        .findFirst()
        .orElseThrow();
  }

  private CreatedSession create() {
    return service.create(
        new CreateSessionRequest(
            Optional.empty(), Optional.of("pooled"), Optional.empty(), Map.of(), true));
  }

  private static int answers(Session s) throws Exception {
    String url = s.endpoints().get(8000);
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static Set<String> handles(List<OwnedResource> owned) {
    Set<String> out = new HashSet<>();
    owned.forEach(r -> out.add(r.handle()));
    return out;
  }

  private static Set<String> memberHandles(PoolStatus p) {
    Set<String> out = new HashSet<>();
    p.members().forEach(m -> out.add(m.handle()));
    return out;
  }

  @Test
  void aCreateTakesAReadyMemberRunningAtOnceAndThePoolRefills() throws Exception {
    service.pools().refillAndWait(FILL);
    PoolStatus full = pool();
    assertThat(full.ready()).as(full.toString()).isEqualTo(2);
    assertThat(full.problem()).isEmpty();
    assertThat(service.list(SessionFilter.ALL_LIVE)).as("members are not sessions").isEmpty();

    CreatedSession created = create();
    Session s = created.session();
    assertThat(created.pooled()).isTrue();
    assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(s.handle()).startsWith("p-").isIn(memberHandles(full)).isNotEqualTo(s.id().value());
    assertThat(created.token()).as("a pooled session gets its own token").isNotBlank();
    assertThat(answers(s)).as("the app answers where users reach it").isBetween(200, 499);
    assertThat(service.list(SessionFilter.ALL_LIVE))
        .extracting(Session::id)
        .containsExactly(s.id());
    assertThat(service.events(s.id(), 0, 10).get(0).message()).contains("warm pool", s.handle());

    service.pools().refillAndWait(FILL);
    PoolStatus refilled = pool();
    assertThat(refilled.ready()).isEqualTo(2);
    assertThat(refilled.hits()).isEqualTo(1);
    assertThat(memberHandles(refilled)).doesNotContain(s.handle());
  }

  @Test
  void aMemberWhoseContainerWentIsNeverGivenOutAndIsReplaced() throws Exception {
    service.pools().refillAndWait(FILL);
    List<PoolStatus.Member> members = pool().members();
    String gone = members.get(0).handle(); // of two: the claim must take the other
    for (OwnedResource r : runtime.listOwned(gone)) {
      if (r.kind().equals("container")) {
        engine.client.removeContainerCmd(r.name()).withForce(true).exec(); // behind Berth's back
      }
    }

    CreatedSession created = create();
    assertThat(created.pooled()).isTrue();
    assertThat(created.session().handle()).isEqualTo(members.get(1).handle()).isNotEqualTo(gone);
    assertThat(answers(created.session())).isBetween(200, 499);

    service.pools().refillAndWait(FILL);
    org.awaitility.Awaitility.await("the gone member is removed with what was left of it")
        .atMost(Duration.ofSeconds(60))
        .until(() -> runtime.listOwned(gone).isEmpty() && !memberHandles(pool()).contains(gone));
    service.pools().refillAndWait(FILL);
    assertThat(pool().ready()).isEqualTo(2);
  }

  @Test
  void aCreateThatFindsNoReadyMemberIsMadeTheColdWay() throws Exception {
    CreatedSession cold = create(); // nothing was filled yet
    assertThat(cold.pooled()).isFalse();
    assertThat(cold.session().status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(cold.session().handle()).isEqualTo(cold.session().id().value());
    assertThat(answers(cold.session())).isBetween(200, 499);
    assertThat(pool().misses()).isEqualTo(1);
    assertThat(pool().hits()).isZero();
  }

  @Test
  void fiftyConcurrentCreatesOnAPoolOfTenShareNoMember() throws Exception {
    use(web(10, "ten"));
    service.pools().refillAndWait(FILL);
    Set<String> ready = memberHandles(pool());
    assertThat(ready).hasSize(10);

    List<CreatedSession> created = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CreatedSession>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        all.add(clients.submit((Callable<CreatedSession>) this::create));
      }
      for (Future<CreatedSession> f : all) {
        created.add(f.get());
      }
    }
    assertThat(created)
        .allSatisfy(c -> assertThat(c.session().status()).isEqualTo(SessionStatus.RUNNING));
    List<String> pooledHandles =
        created.stream().filter(CreatedSession::pooled).map(c -> c.session().handle()).toList();
    // The ten ready members all went; refills made during the burst may have served a few more.
    assertThat(pooledHandles).containsAll(ready);
    assertThat(new HashSet<>(pooledHandles))
        .as("no member given twice")
        .hasSameSizeAs(pooledHandles);
    Set<String> allHandles = new HashSet<>();
    created.forEach(c -> allHandles.add(c.session().handle()));
    assertThat(allHandles).hasSize(50);
    PoolStatus after = pool();
    assertThat(after.hits()).isEqualTo(pooledHandles.size());
    assertThat(after.misses()).isEqualTo(50 - pooledHandles.size());
    assertThat(memberHandles(after)).doesNotContainAnyElementsOf(allHandles);
  }

  @Test
  void aChangedTemplateReplacesItsMembers() throws Exception {
    service.pools().refillAndWait(FILL);
    Set<String> before = memberHandles(pool());
    assertThat(before).hasSize(2);

    use(web(2, "two")); // another environment: another definition
    service.pools().refillAndWait(FILL);
    PoolStatus after = pool();
    assertThat(after.ready()).isEqualTo(2);
    assertThat(memberHandles(after)).doesNotContainAnyElementsOf(before);
    assertThat(handles(runtime.listOwned())).doesNotContainAnyElementsOf(before);

    CreatedSession created = create();
    assertThat(created.pooled()).isTrue();
    var env =
        service
            .workspace()
            .exec(
                created.session().id(),
                new ExecCommand(
                    List.of("sh", "-c", "echo $BERTH_TEST"),
                    Optional.empty(),
                    Map.of(),
                    new byte[0],
                    Optional.empty()));
    assertThat(new String(env.stdout(), java.nio.charset.StandardCharsets.UTF_8))
        .as("the claimed member runs the changed template")
        .isEqualTo("two\n");
  }

  @Test
  void aNewImageUnderTheTemplatesReferenceReplacesItsMembers() throws Exception {
    service.pools().refillAndWait(FILL); // builds the default image, which the next image is of
    String reference = prefix + "-pooltest:1";
    String base = prefix + "/default:latest";
    engine.client.tagImageCmd(base, prefix + "-pooltest", "1").exec();
    use(web(2, "one").toBuilder().image(reference).build());
    service.pools().refillAndWait(FILL);
    Set<String> before = memberHandles(pool());
    assertThat(before).hasSize(2);

    // The same reference, another image: a rebuild as `berth images build` makes one.
    java.nio.file.Path context = home.resolve("rebuild");
    java.nio.file.Files.createDirectories(context);
    java.nio.file.Files.writeString(
        context.resolve("Dockerfile"), "FROM " + base + "\nLABEL rebuilt=yes\n");
    engine
        .client
        .buildImageCmd(context.resolve("Dockerfile").toFile())
        .withTags(Set.of(reference))
        .start()
        .awaitImageId();
    service.pools().refillAndWait(FILL);
    PoolStatus after = pool();
    assertThat(after.ready()).isEqualTo(2);
    assertThat(memberHandles(after)).doesNotContainAnyElementsOf(before);
    assertThat(handles(runtime.listOwned())).doesNotContainAnyElementsOf(before);
  }

  @Test
  void deletingAPooledSessionRemovesEverythingItsMemberMade() throws Exception {
    service.pools().refillAndWait(FILL);
    CreatedSession created = create();
    assertThat(created.pooled()).isTrue();
    String handle = created.session().handle();
    List<OwnedResource> owned = runtime.listOwned(handle);
    assertThat(owned).extracting(OwnedResource::kind).contains("container", "volume");

    SessionCleanupReceipt receipt = service.delete(created.session().id());
    assertThat(receipt.complete()).as(receipt.toString()).isTrue();
    assertThat(receipt.removed())
        .extracting(r -> r.name())
        .containsAll(owned.stream().map(OwnedResource::name).toList());
    assertThat(runtime.listOwned(handle)).isEmpty();
  }

  @Test
  void theOrphanCollectorLeavesMembersAloneAndAnIdThatIsAMembersHandleIsRefused() throws Exception {
    service.pools().refillAndWait(FILL);
    Set<String> members = memberHandles(pool());
    var orphans =
        new OrphanCollector(
            registry.sessions(),
            registry.pools(),
            service.backends(),
            Clock.systemUTC(),
            service::exclusive);
    assertThat(orphans.collect(Duration.ZERO, false)).isEmpty();
    assertThat(handles(runtime.listOwned())).containsAll(members);

    String taken = members.iterator().next();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                service.create(
                    new CreateSessionRequest(
                        Optional.of(SessionId.of(taken)),
                        Optional.of("pooled"),
                        Optional.empty(),
                        Map.of(),
                        true)))
        .hasMessageContaining("warm-pool member");
    assertThat(memberHandles(pool())).isEqualTo(members);
  }
}
